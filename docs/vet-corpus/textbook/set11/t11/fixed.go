// Fixed version of the t11 job server: the KeyStoreFixed interface replaces
// Seen/Mark with Claim/Complete/Release. Claim atomically (under the store's
// mutex) checks that the key is neither completed nor in flight and marks it
// in flight; only the claimant runs the handler. On success the claim becomes
// a completed mark (Complete); on failure it is dropped (Release) so a retry
// can claim it again. A duplicate that finds the key in flight returns
// ErrInFlight and is retried later instead of running concurrently.
package t11

import (
	"container/list"
	"context"
	"errors"
	"sync"
	"time"
)

var ErrInFlight = errors.New("job with this idempotency key is already running")

type KeyStoreFixed interface {
	Claim(key string) (ok bool, done bool)
	Complete(key string, ttl time.Duration)
	Release(key string)
}

type ttlStoreFixed struct {
	mu       sync.Mutex
	keys     map[string]time.Time
	inflight map[string]struct{}
}

func NewTTLStoreFixed() KeyStoreFixed {
	return &ttlStoreFixed{keys: make(map[string]time.Time), inflight: make(map[string]struct{})}
}

func (s *ttlStoreFixed) Claim(key string) (bool, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if exp, ok := s.keys[key]; ok && time.Now().Before(exp) {
		return false, true
	}
	if _, busy := s.inflight[key]; busy {
		return false, false
	}
	s.inflight[key] = struct{}{}
	return true, false
}

func (s *ttlStoreFixed) Complete(key string, ttl time.Duration) {
	s.mu.Lock()
	delete(s.inflight, key)
	s.keys[key] = time.Now().Add(ttl)
	s.mu.Unlock()
}

func (s *ttlStoreFixed) Release(key string) {
	s.mu.Lock()
	delete(s.inflight, key)
	s.mu.Unlock()
}

type lruStoreFixed struct {
	mu       sync.Mutex
	max      int
	order    *list.List
	index    map[string]*list.Element
	inflight map[string]struct{}
}

func NewLRUStoreFixed(max int) KeyStoreFixed {
	return &lruStoreFixed{max: max, order: list.New(), index: make(map[string]*list.Element), inflight: make(map[string]struct{})}
}

func (s *lruStoreFixed) Claim(key string) (bool, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.index[key]; ok {
		s.order.MoveToFront(e)
		return false, true
	}
	if _, busy := s.inflight[key]; busy {
		return false, false
	}
	s.inflight[key] = struct{}{}
	return true, false
}

func (s *lruStoreFixed) Complete(key string, _ time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.inflight, key)
	if _, ok := s.index[key]; ok {
		return
	}
	s.index[key] = s.order.PushFront(key)
	if s.order.Len() > s.max {
		last := s.order.Back()
		s.order.Remove(last)
		delete(s.index, last.Value.(string))
	}
}

func (s *lruStoreFixed) Release(key string) {
	s.mu.Lock()
	delete(s.inflight, key)
	s.mu.Unlock()
}

type idempotencyFixed struct {
	store KeyStoreFixed
	ttl   time.Duration
	next  Handler
}

func IdempotencyFixed(store KeyStoreFixed, ttl time.Duration) Middleware {
	return func(next Handler) Handler { return &idempotencyFixed{store: store, ttl: ttl, next: next} }
}

func (m *idempotencyFixed) Process(ctx context.Context, j *Job) error {
	if j.IdempotencyKey == "" {
		return m.next.Process(ctx, j)
	}
	claimed, done := m.store.Claim(j.IdempotencyKey)
	if done {
		return nil
	}
	if !claimed {
		return ErrInFlight
	}
	if err := m.next.Process(ctx, j); err != nil {
		m.store.Release(j.IdempotencyKey)
		return err
	}
	m.store.Complete(j.IdempotencyKey, m.ttl)
	return nil
}
