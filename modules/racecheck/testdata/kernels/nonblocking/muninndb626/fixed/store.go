// Package muninndb626 reconstructs a lost-update bug in MuninnDB's storage
// engine: UpdateConfidence read an engram, adjusted its confidence and wrote
// it back as three separate storage operations, each safe on its own,
// without the per-engram lock the other read-modify-write paths take, so
// concurrent adjustments overwrote each other.
//
//   - Project: scrypster/muninndb (internal/storage/engram.go)
//   - Bug report: https://github.com/scrypster/muninndb/issues/626
//     (fixed by taking the per-engram stripe lock across read and commit, as
//     DeleteEngram and CompareAndSet already did)
//   - Shape: atomicity violation: a read-modify-write split across two
//     critical sections.
//   - Fixed twin: UpdateConfidence holds the engram's stripe lock from the
//     read to the write (the fix the report describes), so the read-modify-
//     write is one critical section.
package muninndb626

import (
	"hash/fnv"
	"sync"
)

// Store is a key-value store whose Get and Put are individually atomic.
type Store struct {
	mu   sync.Mutex
	data map[string]int
}

// NewStore returns an empty store.
func NewStore() *Store { return &Store{data: make(map[string]int)} }

// Get returns the value of key.
func (s *Store) Get(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data[key]
}

// Put sets key to v.
func (s *Store) Put(key string, v int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data[key] = v
}

// Engrams is the engram layer over the store.
type Engrams struct {
	store *Store
	locks [16]sync.Mutex // per-engram stripe locks for read-modify-write paths
}

// NewEngrams returns the engram layer over store.
func NewEngrams(store *Store) *Engrams { return &Engrams{store: store} }

func (e *Engrams) lockFor(id string) *sync.Mutex {
	h := fnv.New32a()
	h.Write([]byte(id))
	return &e.locks[h.Sum32()%uint32(len(e.locks))]
}

// UpdateConfidence adds delta (in thousandths) to the engram's confidence.
func (e *Engrams) UpdateConfidence(id string, delta int) {
	l := e.lockFor(id)
	l.Lock()
	defer l.Unlock()
	c := e.store.Get(id)
	e.store.Put(id, c+delta)
}
