package leak

import (
	"sync"
	"testing"
	"time"
)

func TestFetchTimesOut(t *testing.T) {
	if _, ok := Fetch(func() int { time.Sleep(20 * time.Millisecond); return 1 }, time.Millisecond); ok {
		t.Fatal("expected a timeout")
	}
}

func TestLockedForever(t *testing.T) {
	var mu sync.Mutex
	mu.Lock()
	go func() {
		mu.Lock()
		defer mu.Unlock()
	}()
}

// TestStillWorking leaves a goroutine sleeping: it is not blocked forever,
// so it is not a leak.
func TestStillWorking(t *testing.T) {
	go func() { time.Sleep(time.Hour) }()
}
