package atomicflags

import (
	"sync"
	"sync/atomic"
	"time"
)

// A send after a test of an atomic flag that another method sets before
// closing the channel. sensu/sensu-go's check monitor at bbb3f3ad (fixed
// in f4f3c876, sensu-go#970): Stop can set the flag and close resetChan
// between reset's test and its send, and the send panics.
type monitor struct {
	stopped   int32
	resetChan chan time.Duration
	mu        sync.Mutex
}

func (m *monitor) Stop() {
	if !atomic.CompareAndSwapInt32(&m.stopped, 0, 1) {
		return
	}
	close(m.resetChan)
}

func (m *monitor) IsStopped() bool {
	return atomic.LoadInt32(&m.stopped) > 0
}

func (m *monitor) reset(t time.Duration) {
	if m.IsStopped() {
		return
	}
	m.resetChan <- t // want `send on m.resetChan after the test of m.IsStopped\(\) on line 31 is not atomic with it: Stop can set stopped and close m.resetChan in between \(flaggedsend.go:23\), and the send panics`
}

// The same with the sync/atomic types, the load in the condition and the
// send as a select case.
type feed struct {
	closed  atomic.Bool
	updates chan int
	done    chan struct{}
}

func (f *feed) Publish(v int) {
	if f.closed.Load() {
		return
	}
	select {
	case f.updates <- v: // want `send on f.updates after the test of f.closed.Load\(\) on line 46`
	case <-f.done:
	}
}

func (f *feed) Close() {
	f.closed.Store(true)
	close(f.updates)
}

// The fix: one lock across the test and the send (and the set and the
// close).
func (m *monitor) resetFixed(t time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.IsStopped() {
		return
	}
	m.resetChan <- t
}

// Near-misses: a channel nobody closes, a flag the closer does not set,
// and a send the test does not refuse.
type ticker struct {
	stopped atomic.Bool
	paused  atomic.Bool
	ticks   chan int
	out     chan int
}

func (t *ticker) Tick(v int) {
	if t.stopped.Load() {
		return
	}
	t.ticks <- v
}

func (t *ticker) Emit(v int) {
	if t.paused.Load() {
		return
	}
	t.out <- v
}

func (t *ticker) Peek(v int) {
	if t.stopped.Load() {
		v = 0
	}
	t.out <- v
}

func (t *ticker) Stop() {
	t.stopped.Store(true)
	close(t.out)
}
