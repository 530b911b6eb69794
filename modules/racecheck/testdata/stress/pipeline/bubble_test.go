package pipeline

import (
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
)

// TestLockedCountersInABubble is correct code inside a synctest bubble, where
// time is fake: a goroutine that slept while holding the mutex would never
// wake, because a goroutine waiting for a mutex does not count as durably
// blocked, so the bubble's clock never advances. Schedule perturbation must
// therefore never sleep.
func TestLockedCountersInABubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var n atomic.Int64
		done := make(chan struct{})
		go func() {
			defer close(done)
			for range 1000 {
				mu.Lock()
				n.Add(1)
				mu.Unlock()
			}
		}()
		for range 1000 {
			mu.Lock()
			n.Add(1)
			mu.Unlock()
		}
		<-done
		if got := n.Load(); got != 2000 {
			t.Fatalf("n = %d, want 2000", got)
		}
	})
}
