package servicebench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/raceproof/raceproof/modules/lockfree"
	"github.com/raceproof/raceproof/modules/safemap"
	"github.com/raceproof/raceproof/modules/shardcache"
)

// Session is the state a request reads and, sometimes, replaces. A write
// stores a fresh copy; a stored Session is never mutated.
type Session struct {
	User, Seen, Hits int64
	Cart             [8]int64
}

// Event is what a request hands to the consumer.
type Event struct {
	Session int32
	Write   bool
	At      int64
}

// SessionStore holds sessions by key.
type SessionStore interface {
	Load(key string) (*Session, bool)
	Store(key string, s *Session)
}

// Counter counts requests; Inc receives the session key because the
// article's counter picks its shard by hashing it.
type Counter interface {
	Inc(key string)
	Load() int64
}

// Queue carries events from the handlers to the consumer. Enqueue blocks
// while the queue is full; Dequeue blocks while it is empty and returns false
// once the queue is closed and drained.
type Queue interface {
	Enqueue(e Event)
	Dequeue() (Event, bool)
	Close()
}

type syncMapStore struct{ m sync.Map }

func (s *syncMapStore) Load(k string) (*Session, bool) {
	v, ok := s.m.Load(k)
	if !ok {
		return nil, false
	}
	return v.(*Session), true
}

func (s *syncMapStore) Store(k string, v *Session) { s.m.Store(k, v) }

type rwMutexStore struct {
	mu sync.RWMutex
	m  map[string]*Session
}

func (s *rwMutexStore) Load(k string) (*Session, bool) {
	s.mu.RLock()
	v, ok := s.m[k]
	s.mu.RUnlock()
	return v, ok
}

func (s *rwMutexStore) Store(k string, v *Session) {
	s.mu.Lock()
	s.m[k] = v
	s.mu.Unlock()
}

type safemapStore struct{ m safemap.Map[string, *Session] }

func (s *safemapStore) Load(k string) (*Session, bool) { return s.m.Load(k) }
func (s *safemapStore) Store(k string, v *Session)     { s.m.Store(k, v) }

// shardcacheStore bounds the sessions at twice the number the workload uses,
// so nothing is evicted and the comparison is of the same work.
type shardcacheStore struct {
	c *shardcache.Cache[string, *Session]
}

func newShardcacheStore(sessions int) (*shardcacheStore, error) {
	c, err := shardcache.New(shardcache.Options[string, *Session]{MaxEntries: 2 * sessions})
	if err != nil {
		return nil, fmt.Errorf("servicebench: shardcache: %w", err)
	}
	return &shardcacheStore{c: c}, nil
}

func (s *shardcacheStore) Load(k string) (*Session, bool) { return s.c.Get(k) }
func (s *shardcacheStore) Store(k string, v *Session)     { s.c.Set(k, v) }

type atomicCounter struct{ n atomic.Int64 }

func (c *atomicCounter) Inc(string)  { c.n.Add(1) }
func (c *atomicCounter) Load() int64 { return c.n.Load() }

// sharded64Counter is the article's "sharded CAS counter" as it prints it:
// 64 unpadded atomic.Int64 shards, the shard chosen by FNV-1a of the key.
type sharded64Counter struct{ shards [64]atomic.Int64 }

func (c *sharded64Counter) Inc(key string) {
	h := uint32(2166136261)
	for i := 0; i < len(key); i++ {
		h ^= uint32(key[i])
		h *= 16777619
	}
	c.shards[h%64].Add(1)
}

func (c *sharded64Counter) Load() int64 {
	var n int64
	for i := range c.shards {
		n += c.shards[i].Load()
	}
	return n
}

type lockfreeCounter struct{ c lockfree.Counter }

func (c *lockfreeCounter) Inc(string)  { c.c.Inc() }
func (c *lockfreeCounter) Load() int64 { return c.c.Load() }

type chanQueue struct{ ch chan Event }

func (q *chanQueue) Enqueue(e Event) { q.ch <- e }

func (q *chanQueue) Dequeue() (Event, bool) {
	e, ok := <-q.ch
	return e, ok
}

func (q *chanQueue) Close() { close(q.ch) }

type lockfreeQueue struct{ q *lockfree.Queue[Event] }

func (q *lockfreeQueue) Enqueue(e Event) {
	if err := q.q.Enqueue(context.Background(), e); err != nil {
		panic(fmt.Sprintf("servicebench: enqueue after close: %v", err))
	}
}

func (q *lockfreeQueue) Dequeue() (Event, bool) {
	e, err := q.q.Dequeue(context.Background())
	return e, err == nil
}

func (q *lockfreeQueue) Close() { q.q.Close() }

// Stack is the shared state of one service instance.
type Stack struct {
	Sessions SessionStore
	Counter  Counter
	Queue    Queue
	// close releases what the stack holds (nil if nothing).
	close func()
}

// Impl is one row of the table: a stack that differs from the baseline in
// at most one component.
type Impl struct {
	// Name identifies the row in the raw output (no spaces).
	Name string
	// Component is the component that differs from the baseline ("" for the
	// baseline and the harness).
	Component string
	// Desc says what the stack is made of.
	Desc string
	// harness marks the row whose requests do no work.
	harness  bool
	sessions func(n int) (SessionStore, func(), error)
	counter  func() Counter
	queue    func(capacity int) (Queue, error)
}

func syncMapSessions(int) (SessionStore, func(), error) { return new(syncMapStore), nil, nil }
func atomicInt64() Counter                              { return new(atomicCounter) }
func channel(capacity int) (Queue, error)               { return &chanQueue{ch: make(chan Event, capacity)}, nil }

// Impls are the rows, in table order.
var Impls = []Impl{
	{Name: "harness", Desc: "no work: the load generator's own latency and allocation", harness: true},
	{Name: "sync.Map", Desc: "baseline: sessions in sync.Map, atomic.Int64 counter, buffered channel",
		sessions: syncMapSessions, counter: atomicInt64, queue: channel},
	{Name: "map+RWMutex", Component: "sessions", Desc: "sessions in a map guarded by sync.RWMutex",
		sessions: func(n int) (SessionStore, func(), error) {
			return &rwMutexStore{m: make(map[string]*Session, n)}, nil, nil
		}, counter: atomicInt64, queue: channel},
	{Name: "safemap.Map", Component: "sessions", Desc: "sessions in safemap.Map[string, *Session]",
		sessions: func(int) (SessionStore, func(), error) { return new(safemapStore), nil, nil },
		counter:  atomicInt64, queue: channel},
	{Name: "shardcache.Cache", Component: "sessions", Desc: "sessions in shardcache.Cache (bounded at twice the sessions, so nothing is evicted)",
		sessions: func(n int) (SessionStore, func(), error) {
			s, err := newShardcacheStore(n)
			if err != nil {
				return nil, nil, err
			}
			return s, func() { s.c.Close() }, nil
		}, counter: atomicInt64, queue: channel},
	{Name: "sharded64", Component: "counter", Desc: "the article's counter: 64 unpadded atomic.Int64 shards chosen by FNV-1a of the session key",
		sessions: syncMapSessions, counter: func() Counter { return new(sharded64Counter) }, queue: channel},
	{Name: "lockfree.Counter", Component: "counter", Desc: "lockfree.Counter",
		sessions: syncMapSessions, counter: func() Counter { return new(lockfreeCounter) }, queue: channel},
	{Name: "lockfree.Queue", Component: "queue", Desc: "events through lockfree.Queue instead of a channel",
		sessions: syncMapSessions, counter: atomicInt64, queue: func(capacity int) (Queue, error) {
			q, err := lockfree.NewQueue[Event](capacity)
			if err != nil {
				return nil, fmt.Errorf("servicebench: lockfree.NewQueue: %w", err)
			}
			return &lockfreeQueue{q: q}, nil
		}},
}

// ImplByName returns the named row.
func ImplByName(name string) (Impl, bool) {
	for _, i := range Impls {
		if i.Name == name {
			return i, true
		}
	}
	return Impl{}, false
}

// newStack builds a fresh stack for impl.
func (impl Impl) newStack(sessions, queueCap int) (*Stack, error) {
	if impl.harness {
		return &Stack{}, nil
	}
	s, release, err := impl.sessions(sessions)
	if err != nil {
		return nil, err
	}
	q, err := impl.queue(queueCap)
	if err != nil {
		if release != nil {
			release()
		}
		return nil, err
	}
	return &Stack{Sessions: s, Counter: impl.counter(), Queue: q, close: release}, nil
}
