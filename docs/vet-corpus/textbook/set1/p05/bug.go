// Package p05 is a metrics flusher with a Stop method.
//
// BUG: Stop checks the atomic.Bool stopped and, if false, Stores true and
// closes done. Two goroutines calling Stop concurrently (signal handler and
// deferred shutdown) both see false and both close(done): panic "close of
// closed channel".
package p05

import (
	"sync/atomic"
	"time"
)

// Flusher periodically calls flush until stopped. Stop may be called from
// several goroutines.
type Flusher struct {
	stopped atomic.Bool
	done    chan struct{}
}

// NewFlusher starts the flushing goroutine.
func NewFlusher(every time.Duration, flush func()) *Flusher {
	f := &Flusher{done: make(chan struct{})}
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-f.done:
				flush()
				return
			case <-t.C:
				flush()
			}
		}
	}()
	return f
}

// Stop stops the flusher.
func (f *Flusher) Stop() {
	if !f.stopped.Load() {
		f.stopped.Store(true)
		close(f.done)
	}
}
