package atomicflags

import (
	"io"
	"sync/atomic"
)

// A reference count reset by a Store where the load found the last
// reference: an Acquire between the load and the Store is overwritten,
// and the resource is closed under its new holder.
type sharedConn struct {
	refs atomic.Int32
	c    io.Closer
}

func (s *sharedConn) Acquire() { s.refs.Add(1) }

func (s *sharedConn) Release() error {
	if s.refs.Load() == 1 {
		s.refs.Store(0) // want `s.refs.Store\(0\) after s.refs.Load\(\) on line 19 runs only when the load found 1, but is not atomic with it: s.refs is a count other code adds to, and an Add made in between is overwritten \(a reference taken then is lost, or two releases both miss the last one\); use CompareAndSwap\(1, 0\)`
		return s.c.Close()
	}
	s.refs.Add(-1)
	return nil
}

// The same with the sync/atomic functions.
type handle struct {
	refs int32
	c    io.Closer
}

func (h *handle) retain() { atomic.AddInt32(&h.refs, 1) }

func (h *handle) release() error {
	if atomic.LoadInt32(&h.refs) == 1 {
		atomic.StoreInt32(&h.refs, 0) // want `atomic.StoreInt32\(&h.refs, 0\) after atomic.LoadInt32\(&h.refs\) on line 36 runs only when the load found 1`
		return h.c.Close()
	}
	atomic.AddInt32(&h.refs, -1)
	return nil
}

// The fix: the release is one Add, and the last one closes.
func (s *sharedConn) releaseFixed() error {
	if s.refs.Add(-1) == 0 {
		return s.c.Close()
	}
	return nil
}

// Near-miss: a flag nobody adds to; reset where the load found it set.
type reloadFlag struct{ pending atomic.Int32 }

func (r *reloadFlag) take() bool {
	if r.pending.Load() == 1 {
		r.pending.Store(0)
		return true
	}
	return false
}

// Near-miss: a count the Store sets to the value the load found.
func (s *sharedConn) settle() {
	if s.refs.Load() == 0 {
		s.refs.Store(0)
	}
}
