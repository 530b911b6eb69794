// Package t03 is a distributed lock client built on a key-value store with
// per-key TTLs (the usual "SET key token NX PX ttl" recipe). Workers use it
// to make sure only one of them runs a given reconciliation at a time.
//
// Concurrency: many worker goroutines (in this process and in others, all
// talking to the same Store) call Client.Acquire / Lock.Unlock for the same
// lock names. Every Store method is atomic on its own: MemStore guards its
// map with a mutex, and the production store runs each command on the
// server. A lock's TTL can run out while the holder is still working, after
// which any other worker may acquire it.
//
// BUG: Unlock reads the key with Get, checks that the value is still this
// holder's token, and then calls Del. If the TTL expires and another worker
// acquires the lock between the Get and the Del, the Del removes the other
// worker's lock (check -> act).
//
// HARM: a third worker can now acquire the lock while the second is still
// inside its critical section; two reconcilers run concurrently against the
// same account and apply the same ledger adjustments twice.
package t03

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"time"
)

// ErrNotAcquired is returned when the lock is held by someone else.
var ErrNotAcquired = errors.New("lock: not acquired")

// Store is the subset of the key-value API the lock client needs. Every
// method is atomic with respect to the others.
type Store interface {
	Get(ctx context.Context, key string) (string, bool, error)
	SetNX(ctx context.Context, key, value string, ttl time.Duration) (bool, error)
	Del(ctx context.Context, key string) error
	CompareAndDelete(ctx context.Context, key, value string) (bool, error)
	CompareAndExpire(ctx context.Context, key, value string, ttl time.Duration) (bool, error)
}

// Client acquires named locks.
type Client struct {
	store  Store
	prefix string
	ttl    time.Duration
}

// NewClient returns a lock client that namespaces keys under prefix.
func NewClient(store Store, prefix string, ttl time.Duration) *Client {
	return &Client{store: store, prefix: prefix, ttl: ttl}
}

// Lock is a held lock.
type Lock struct {
	c     *Client
	key   string
	token string
}

func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Acquire tries once to take the lock called name.
func (c *Client) Acquire(ctx context.Context, name string) (*Lock, error) {
	l := &Lock{c: c, key: c.prefix + name, token: newToken()}
	ok, err := c.store.SetNX(ctx, l.key, l.token, c.ttl)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrNotAcquired
	}
	return l, nil
}

// Extend pushes the lock's expiry out by another TTL if it is still ours.
func (l *Lock) Extend(ctx context.Context) error {
	ok, err := l.c.store.CompareAndExpire(ctx, l.key, l.token, l.c.ttl)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotAcquired
	}
	return nil
}

// Unlock releases the lock if this holder still owns it.
func (l *Lock) Unlock(ctx context.Context) error {
	v, ok, err := l.c.store.Get(ctx, l.key)
	if err != nil {
		return err
	}
	if !ok || v != l.token {
		return ErrNotAcquired
	}
	return l.c.store.Del(ctx, l.key)
}

type memItem struct {
	value   string
	expires time.Time
}

// MemStore is an in-process Store used by tests and single-node deployments.
type MemStore struct {
	mu    sync.Mutex
	items map[string]memItem
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore { return &MemStore{items: make(map[string]memItem)} }

// liveLocked returns the unexpired item for key. s.mu must be held.
func (s *MemStore) liveLocked(key string) (memItem, bool) {
	it, ok := s.items[key]
	if ok && time.Now().After(it.expires) {
		delete(s.items, key)
		return memItem{}, false
	}
	return it, ok
}

func (s *MemStore) Get(_ context.Context, key string) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.liveLocked(key)
	return it.value, ok, nil
}

func (s *MemStore) SetNX(_ context.Context, key, value string, ttl time.Duration) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.liveLocked(key); ok {
		return false, nil
	}
	s.items[key] = memItem{value: value, expires: time.Now().Add(ttl)}
	return true, nil
}

func (s *MemStore) Del(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.items, key)
	return nil
}

func (s *MemStore) CompareAndDelete(_ context.Context, key, value string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if it, ok := s.liveLocked(key); !ok || it.value != value {
		return false, nil
	}
	delete(s.items, key)
	return true, nil
}

func (s *MemStore) CompareAndExpire(_ context.Context, key, value string, ttl time.Duration) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.liveLocked(key)
	if !ok || it.value != value {
		return false, nil
	}
	it.expires = time.Now().Add(ttl)
	s.items[key] = it
	return true, nil
}
