// Package p12 lazily opens a database pool on first use.
//
// BUG: double-checked locking without the re-check: Pool checks the atomic
// ready flag, then takes the mutex and opens a pool unconditionally. Two
// first callers both see ready==false; the second overwrites db, so the first
// pool (already handed out and holding open connections) is never closed.
package p12

import (
	"sync"
	"sync/atomic"
)

// DBPool is an opened pool with background connections.
type DBPool interface {
	Close() error
}

// Store is safe for concurrent use.
type Store struct {
	open  func() DBPool
	ready atomic.Bool
	mu    sync.Mutex
	db    DBPool
}

// NewStore returns a store that opens its pool lazily with open.
func NewStore(open func() DBPool) *Store { return &Store{open: open} }

// Pool returns the lazily opened pool.
func (s *Store) Pool() DBPool {
	if !s.ready.Load() {
		s.mu.Lock()
		s.db = s.open()
		s.ready.Store(true)
		s.mu.Unlock()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.db
}

// Close closes the pool if opened.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return nil
	}
	return s.db.Close()
}
