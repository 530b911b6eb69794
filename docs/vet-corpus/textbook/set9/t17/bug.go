// Package t17 is a lease manager that assigns Kafka-style partitions to
// consumer workers. A worker Acquires a partition lease, processes the
// partition while periodically Renewing it, and another worker may take the
// partition over once the lease has expired (the holder died or stalled).
//
// [hard]
//
// Concurrency: every worker process calls the manager's HTTP API from its own
// goroutines: a heartbeat goroutine per held lease calls Renew every ttl/3,
// and idle workers call Acquire in a loop looking for expired partitions.
// Storage sits behind the LeaseStore interface; memStore locks each method
// separately and offers one conditional write, PutIf.
//
// BUG: Acquire correctly uses PutIf (check-and-write in one lock), but Renew
// reads the lease with store.Get, checks owner and expiry in Go code, and
// writes the extended lease with a plain store.Put. If the lease expires
// right after Get (a GC pause or slow network on the heartbeat path) and
// another worker's Acquire takes it over, Renew's Put overwrites the new
// holder's lease with the old holder's owner and token.
//
// HARM: split brain. The new holder was granted the partition (Acquire
// returned success and a token) and the old holder's renewal also succeeded,
// so two workers process the same partition concurrently: duplicate side
// effects (double emails, double ledger postings) and out-of-order commits.
package t17

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Lease grants Owner exclusive use of Resource until Expires.
type Lease struct {
	Resource string
	Owner    string
	Token    int64
	Expires  time.Time
}

// LeaseStore persists leases.
type LeaseStore interface {
	Get(resource string) (Lease, bool)
	Put(l Lease)
	// PutIf stores l iff pred(current, exists) is true, atomically.
	PutIf(l Lease, pred func(cur Lease, ok bool) bool) bool
}

type memStore struct {
	mu sync.Mutex
	m  map[string]Lease
}

func newMemStore() *memStore { return &memStore{m: make(map[string]Lease)} }

func (s *memStore) Get(r string) (Lease, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.m[r]
	return l, ok
}

func (s *memStore) Put(l Lease) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[l.Resource] = l
}

func (s *memStore) PutIf(l Lease, pred func(Lease, bool) bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.m[l.Resource]
	if !pred(cur, ok) {
		return false
	}
	s.m[l.Resource] = l
	return true
}

// ErrNotHolder is returned when the caller does not hold the lease.
var ErrNotHolder = errors.New("lease not held by caller")

// Manager hands out leases with a fixed TTL.
type Manager struct {
	store  LeaseStore
	ttl    time.Duration
	now    func() time.Time
	tokens atomic.Int64
}

// NewManager returns a Manager with an in-memory store.
func NewManager(ttl time.Duration) *Manager {
	return &Manager{store: newMemStore(), ttl: ttl, now: time.Now}
}

// Acquire grants resource to owner if it is free or expired.
func (m *Manager) Acquire(resource, owner string) (Lease, error) {
	now := m.now()
	l := Lease{Resource: resource, Owner: owner, Token: m.tokens.Add(1), Expires: now.Add(m.ttl)}
	free := func(cur Lease, ok bool) bool { return !ok || !cur.Expires.After(now) }
	if !m.store.PutIf(l, free) {
		return Lease{}, ErrNotHolder
	}
	return l, nil
}

// Renew extends the lease identified by token if owner still holds it.
func (m *Manager) Renew(resource, owner string, token int64) (Lease, error) {
	cur, ok := m.store.Get(resource)
	now := m.now()
	if !ok || cur.Owner != owner || cur.Token != token || !cur.Expires.After(now) { // check
		return Lease{}, ErrNotHolder
	}
	// the lease can expire and be Acquired by another worker right here
	cur.Expires = now.Add(m.ttl)
	m.store.Put(cur) // act: unconditional overwrite
	return cur, nil
}
