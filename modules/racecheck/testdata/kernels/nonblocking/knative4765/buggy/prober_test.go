package knative4765

import (
	"runtime"
	"testing"
	"time"
)

func TestProbeQueueDelayedReady(t *testing.T) {
	count := 0
	handler := func() bool {
		count++
		for range 4 {
			runtime.Gosched() // the user container answers at its own pace
		}
		return count > 2
	}
	if !ProbeUntilReady(handler, 20*time.Microsecond, 40) {
		t.Fatal("the queue never became ready")
	}
	if count < 3 {
		t.Errorf("probed %d times, want at least 3", count)
	}
}
