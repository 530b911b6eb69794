package kubernetes23674

import (
	"sync/atomic"
	"testing"
)

func TestRunWithInterruptHandler(t *testing.T) {
	signals := NewSignals()
	var cleanups atomic.Int32
	h := &Handler{signals: signals, cleanup: func() { cleanups.Add(1) }}
	h.Run(func() {
		// An operator may press Ctrl-C while the command runs.
		go signals.Raise("interrupt")
	})
	t.Logf("cleanups run: %d", cleanups.Load())
}
