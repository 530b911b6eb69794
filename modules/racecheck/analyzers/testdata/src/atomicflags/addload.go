package atomicflags

import (
	"sync"
	"sync/atomic"
)

// An Add whose result is dropped, then a Load compared with a constant
// deciding an action. acronis/go-appkit service/composite_unit.go at
// 0e061193 (fixed in 301a8644, go-appkit#35): units finishing together
// all saw runningUnits at 0.
type unit interface{ Start(chan<- error) }

func startAll(units []unit, done chan<- bool) {
	running := int32(len(units))
	for _, u := range units {
		go func() {
			u.Start(nil)
			atomic.AddInt32(&running, -1)
			if atomic.LoadInt32(&running) == 0 { // want `atomic.LoadInt32\(&running\) == 0 after atomic.AddInt32\(&running, -1\) on line 19 decides by every goroutine's count, not this one's`
				done <- true
			}
		}()
	}
}

// The fix: compare what Add returns.
func startAllFixed(units []unit, done chan<- bool) {
	running := int32(len(units))
	for _, u := range units {
		go func() {
			u.Start(nil)
			if atomic.AddInt32(&running, -1) == 0 {
				done <- true
			}
		}()
	}
}

// The same with the atomic types.
type refs struct {
	n       atomic.Int64
	release func()
}

func (r *refs) Release() {
	r.n.Add(-1)
	if r.n.Load() <= 0 { // want `r.n.Load\(\) <= 0 after r.n.Add\(-1\) on line 47`
		r.release()
	}
}

// Near-misses: a Load with no Add before it, a Load compared with another
// load, and an Add and a Load under one lock.
func (r *refs) Idle() bool {
	return r.n.Load() == 0
}

func (r *refs) releaseIfIdle() {
	if r.n.Load() == 0 {
		r.release()
	}
}

type lockedRefs struct {
	mu sync.Mutex
	n  atomic.Int64
	m  atomic.Int64
}

func (l *lockedRefs) Release(release func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n.Add(-1)
	if l.n.Load() == 0 {
		release()
	}
}

func (l *lockedRefs) Rebalance(release func()) {
	l.n.Add(-1)
	if l.n.Load() == l.m.Load() {
		release()
	}
}
