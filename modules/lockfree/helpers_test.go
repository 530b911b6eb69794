package lockfree

import (
	"runtime"
	"testing"
	"time"
)

// waitParked waits until n() reports at least want parked goroutines. It polls
// without a deadline of its own: the test binary's -timeout bounds it, so a
// slow machine never makes it fail.
func waitParked(t *testing.T, n func() int, want int) {
	t.Helper()
	for n() < want {
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}
