// Package bgpanic starts a goroutine that panics after its test returned,
// while the next test (in source order) runs.
package bgpanic

import (
	"testing"
	"time"
)

func TestStartsGoroutine(t *testing.T) {
	go func() {
		time.Sleep(100 * time.Millisecond)
		panic("bgpanic: too late")
	}()
}

func TestStillRunning(t *testing.T) { time.Sleep(2 * time.Second) }
