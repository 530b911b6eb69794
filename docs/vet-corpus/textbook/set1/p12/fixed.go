package p12

import (
	"sync"
	"sync/atomic"
)

// StoreFixed is safe for concurrent use.
type StoreFixed struct {
	open  func() DBPool
	ready atomic.Bool
	mu    sync.Mutex
	db    DBPool
}

// PoolFixed returns the lazily opened pool, re-checking under the lock.
func (s *StoreFixed) PoolFixed() DBPool {
	if !s.ready.Load() {
		s.mu.Lock()
		if !s.ready.Load() {
			s.db = s.open()
			s.ready.Store(true)
		}
		s.mu.Unlock()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.db
}

// CloseFixed closes the pool if opened.
func (s *StoreFixed) CloseFixed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return nil
	}
	return s.db.Close()
}
