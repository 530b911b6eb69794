package erigon21827

import (
	"context"
	"runtime"
	"testing"
)

func TestWaitForEventCancelled(t *testing.T) {
	ec := NewEventChannel()
	for i := range 100 {
		ctx, cancel := context.WithCancel(context.Background())
		// The sync loop shuts down at some point while nothing arrives.
		go func() {
			for range i % 8 {
				runtime.Gosched()
			}
			cancel()
		}()
		if err := ec.waitForEvent(ctx); err != context.Canceled {
			t.Fatalf("waitForEvent() = %v, want %v", err, context.Canceled)
		}
	}
}
