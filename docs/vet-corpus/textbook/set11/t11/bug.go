// Package t11 is a background job server with a middleware chain in the style
// of asynq / Sidekiq: an idempotency middleware skips jobs whose idempotency
// key has already been processed, backed by a pluggable KeyStore (an
// in-memory TTL store or a bounded LRU store).
//
// Concurrency: Server.Start launches N worker goroutines that pull jobs from
// the queue channel and call the composed Handler. The broker delivers at
// least once and producers retry enqueue on timeouts, so two copies of the
// same job (same IdempotencyKey) can be picked up by two workers at once.
// Each KeyStore implementation guards its own state with a mutex.
//
// BUG: the idempotency middleware asks store.Seen(key) (via alreadyDone), runs
// the wrapped handler, and only then calls store.Mark(key) (via record). Two
// workers holding copies of the same job both see Seen == false.
// check: m.store.Seen(key) == false -> act: m.next.Process(job) then m.store.Mark(key).
//
// HARM: the payment handler behind the middleware runs twice for one logical
// job: the customer's card is charged twice, exactly what the idempotency key
// was supposed to prevent.
package t11

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// Job is a unit of background work.
type Job struct {
	Type           string
	IdempotencyKey string
	Payload        []byte
}

type Handler interface {
	Process(ctx context.Context, j *Job) error
}

type HandlerFunc func(ctx context.Context, j *Job) error

func (f HandlerFunc) Process(ctx context.Context, j *Job) error { return f(ctx, j) }

type Middleware func(Handler) Handler

func Chain(h Handler, mws ...Middleware) Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// KeyStore remembers processed idempotency keys.
type KeyStore interface {
	Seen(key string) bool
	Mark(key string, ttl time.Duration)
}

type ttlStore struct {
	mu   sync.Mutex
	keys map[string]time.Time
}

func NewTTLStore() KeyStore { return &ttlStore{keys: make(map[string]time.Time)} }

func (s *ttlStore) Seen(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.keys[key]
	return ok && time.Now().Before(exp)
}

func (s *ttlStore) Mark(key string, ttl time.Duration) {
	s.mu.Lock()
	s.keys[key] = time.Now().Add(ttl)
	s.mu.Unlock()
}

type lruStore struct {
	mu    sync.Mutex
	max   int
	order *list.List
	index map[string]*list.Element
}

func NewLRUStore(max int) KeyStore {
	return &lruStore{max: max, order: list.New(), index: make(map[string]*list.Element)}
}

func (s *lruStore) Seen(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.index[key]; ok {
		s.order.MoveToFront(e)
		return true
	}
	return false
}

func (s *lruStore) Mark(key string, _ time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.index[key]; ok {
		s.order.MoveToFront(e)
		return
	}
	s.index[key] = s.order.PushFront(key)
	if s.order.Len() > s.max {
		last := s.order.Back()
		s.order.Remove(last)
		delete(s.index, last.Value.(string))
	}
}

type idempotency struct {
	store KeyStore
	ttl   time.Duration
	next  Handler
}

// Idempotency returns the middleware.
func Idempotency(store KeyStore, ttl time.Duration) Middleware {
	return func(next Handler) Handler { return &idempotency{store: store, ttl: ttl, next: next} }
}

func (m *idempotency) alreadyDone(j *Job) bool { return m.store.Seen(j.IdempotencyKey) }
func (m *idempotency) record(j *Job)           { m.store.Mark(j.IdempotencyKey, m.ttl) }

func (m *idempotency) Process(ctx context.Context, j *Job) error {
	if j.IdempotencyKey == "" {
		return m.next.Process(ctx, j)
	}
	if m.alreadyDone(j) {
		return nil
	}
	if err := m.next.Process(ctx, j); err != nil {
		return err
	}
	m.record(j)
	return nil
}

// Server runs workers.
type Server struct {
	Queue   chan *Job
	Handler Handler
	Retry   func(*Job, error)
	wg      sync.WaitGroup
}

func (s *Server) Start(ctx context.Context, workers int) {
	for i := 0; i < workers; i++ {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case j := <-s.Queue:
					if err := s.Handler.Process(ctx, j); err != nil && s.Retry != nil {
						s.Retry(j, err)
					}
				}
			}
		}()
	}
}

func (s *Server) Wait() { s.wg.Wait() }
