package knative4765

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

func TestProbeQueueDelayedReady(t *testing.T) {
	var count atomic.Int32
	handler := func() bool {
		n := count.Add(1)
		for range 4 {
			runtime.Gosched() // the user container answers at its own pace
		}
		return n > 2
	}
	if !ProbeUntilReady(handler, 20*time.Microsecond, 40) {
		t.Fatal("the queue never became ready")
	}
	if n := count.Load(); n < 3 {
		t.Errorf("probed %d times, want at least 3", n)
	}
}
