package lazyglobals

import (
	"sync"
	"sync/atomic"
)

// Double-checked locking whose test is a separate atomic flag: two callers
// that both find the flag unset each open a pool under the lock in turn,
// and the first pool is replaced and never closed.
type flaggedStore struct {
	ready atomic.Bool
	mu    sync.Mutex
	pool  *producer
}

func (s *flaggedStore) Pool() *producer {
	if !s.ready.Load() {
		s.mu.Lock()
		s.pool, _ = newProducer("pool")
		s.ready.Store(true)
		s.mu.Unlock()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pool
}

func (s *flaggedStore) poolSet() *producer {
	if !s.ready.Load() {
		s.mu.Lock()
		p, _ := newProducer("pool")
		s.pool = p // want `s.pool is set here under s.mu, taken after the test of s.ready on line \d+ found it unset with no lock held, and nothing under the lock looks at it again`
		s.ready.Store(true)
		s.mu.Unlock()
	}
	return s.pool
}

// The fix: the flag tested again under the lock.
func (s *flaggedStore) poolFixed() *producer {
	if !s.ready.Load() {
		s.mu.Lock()
		if !s.ready.Load() {
			p, _ := newProducer("pool")
			s.pool = p
			s.ready.Store(true)
		}
		s.mu.Unlock()
	}
	return s.pool
}

// Near-miss: a flag the body never sets is no lazy initialisation's.
func (s *flaggedStore) refresh() {
	if !s.ready.Load() {
		s.mu.Lock()
		p, _ := newProducer("pool")
		s.pool = p
		s.mu.Unlock()
	}
}
