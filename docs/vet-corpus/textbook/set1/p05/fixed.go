package p05

import "sync/atomic"

// FlusherFixed is like Flusher but Stop is safe to call concurrently.
type FlusherFixed struct {
	stopped atomic.Bool
	done    chan struct{}
}

// StopFixed stops the flusher exactly once.
func (f *FlusherFixed) StopFixed() {
	if f.stopped.CompareAndSwap(false, true) {
		close(f.done)
	}
}
