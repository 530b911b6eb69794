package checkthenact

// Which map-like types are meant for concurrent use: issue #19's follow-up
// cases from beego.

import (
	"context"
	"errors"
	"sync"
)

// beego client/orm/internal/models (ModelCache): a plain map with a
// sync.Once for its bootstrap. The Once does not make Get and Set safe for
// concurrent use; using it from two goroutines is a data race the race
// detector reports, not a check-then-act.
type modelCache struct {
	cache         map[string]string
	bootstrapOnce *sync.Once
	registered    sync.WaitGroup
}

func (mc *modelCache) Get(table string) (string, bool) { v, ok := mc.cache[table]; return v, ok }
func (mc *modelCache) Set(table, model string)         { mc.cache[table] = model }

func (mc *modelCache) register(table, model string) {
	if _, ok := mc.Get(table); ok {
		return
	}
	mc.Set(table, model)
}

// The same map with a lock in it is meant for concurrent use.
type lockedModelCache struct {
	mu    sync.Mutex
	cache map[string]string
}

func (mc *lockedModelCache) Get(table string) (string, bool) {
	mc.mu.Lock()
	defer mc.mu.Unlock()
	v, ok := mc.cache[table]
	return v, ok
}

func (mc *lockedModelCache) Set(table, model string) {
	mc.mu.Lock()
	defer mc.mu.Unlock()
	mc.cache[table] = model
}

func (mc *lockedModelCache) register(table, model string) {
	if _, ok := mc.Get(table); ok {
		return
	}
	mc.Set(table, model) // want `runs only when the check found no entry`
}

// A cache with hashicorp/golang-lru's method set: Add(key, value) stores
// what Get returns. hashicorp/nomad's OIDC request cache at b27b0c2e019a
// (fixed in 318f3c27d200, "OIDC: eliminate race condition in request
// cache", nomad#27747) refused a reused nonce with Get then Add: two
// requests with one nonce both pass.
type lruCache struct {
	mu sync.Mutex
	m  map[any]any
}

func (c *lruCache) Get(key any) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	return v, ok
}
func (c *lruCache) Contains(key any) bool { _, ok := c.Get(key); return ok }
func (c *lruCache) Add(key, value any) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[key] = value
	return false
}
func (c *lruCache) ContainsOrAdd(key, value any) (bool, bool) { return false, false }
func (c *lruCache) Remove(key any) bool                       { return false }

var errNonceReuse = errors.New("nonce reuse")

func storeRequest(c *lruCache, nonce string, req *entry) error {
	if _, ok := c.Get(nonce); ok {
		return errNonceReuse
	}
	c.Add(nonce, req) // want `c.Add\(nonce\) after c.Get\(nonce\) on line \d+ runs only when the check found no entry.*use ContainsOrAdd$`
	return nil
}

// The fix.
func storeRequestFixed(c *lruCache, nonce string, req *entry) error {
	if found, _ := c.ContainsOrAdd(nonce, req); found {
		return errNonceReuse
	}
	return nil
}

// A counter map's Add adds to the count: not a store.
type deltaMap struct {
	mu sync.Mutex
	m  map[string]int
}

func (c *deltaMap) Get(key string) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	return v, ok
}
func (c *deltaMap) Add(key string, n int) { c.mu.Lock(); defer c.mu.Unlock(); c.m[key] += n }

func countFirst(c *deltaMap, k string, n int) {
	if _, ok := c.Get(k); !ok {
		c.Add(k, n)
	}
}

// The same check keyed by a getter of the stored request, as nomad's
// RequestCache.Store had it: req.Nonce() is one key on both sides, and the
// request is not determined by its nonce (two requests can share one).
type oidcRequest struct{ nonce string }

func (r *oidcRequest) Nonce() string { return r.nonce }

func storeByGetter(c *lruCache, req *oidcRequest) error {
	if _, ok := c.Get(req.Nonce()); ok {
		return errNonceReuse
	}
	c.Add(req.Nonce(), req) // want `c.Add\(req.Nonce\(\)\) after c.Get\(req.Nonce\(\)\)`
	return nil
}

// A method that returns something new on each call is not one key.
type idSource struct{ n int }

func (s *idSource) NextID() string { s.n++; return string(rune(s.n)) }

func storeByNext(c *lruCache, ids *idSource, req *oidcRequest) {
	if _, ok := c.Get(ids.NextID()); !ok {
		c.Add(ids.NextID(), req)
	}
}

// A Load-like method answering (value, error), the error nil exactly when
// the key was there: a store's Get(key) (*V, error) answering ErrNotFound
// (marmos91/dittofs#639's metadata store refused an existing name with
// `err == nil`, then inserted in a separate step).
var errNotFound = errors.New("not found")

type entryStore struct {
	mu      sync.RWMutex
	entries map[string]*int
}

func (s *entryStore) Get(name string) (*int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if e, ok := s.entries[name]; ok {
		return e, nil
	}
	return nil, errNotFound
}

func (s *entryStore) Set(name string, e *int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entries[name] = e
}

func (s *entryStore) Delete(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.entries, name)
}

func createExclusive(s *entryStore, name string, e *int) error {
	if _, err := s.Get(name); err == nil {
		return errors.New("exists")
	}
	s.Set(name, e) // want `s.Set\(name\) after s.Get\(name\) on line 181 runs only when the check found no entry`
	return nil
}

func createIfMissing(s *entryStore, name string, e *int) {
	_, err := s.Get(name)
	if errors.Is(err, errNotFound) {
		s.Set(name, e) // want `s.Set\(name\) after s.Get\(name\) on line 189 runs only when the check found no entry`
	}
}

// Near-miss: a Delete of whatever is there decides nothing by the check.
func forget(s *entryStore, name string) error {
	if _, err := s.Get(name); err != nil {
		return err
	}
	s.Delete(name)
	return nil
}

// Near-miss: the same methods on a type nothing says is shared.
type plainEntryStore struct {
	entries map[string]*int
}

func (s *plainEntryStore) Get(name string) (*int, error) {
	if e, ok := s.entries[name]; ok {
		return e, nil
	}
	return nil, errNotFound
}

func (s *plainEntryStore) Set(name string, e *int) { s.entries[name] = e }

func createPlain(s *plainEntryStore, name string, e *int) error {
	if _, err := s.Get(name); err == nil {
		return errors.New("exists")
	}
	s.Set(name, e)
	return nil
}

// Near-miss: the handle of a lock already held. C-Pro/geche's Locker.Lock
// returns a Tx holding the lock until tx.Unlock; its Get and Set run
// under it.
type lockedTx struct {
	mu      *sync.Mutex
	entries map[string]int
}

type txLocker struct {
	mu      sync.Mutex
	entries map[string]int
}

func (l *txLocker) Lock() *lockedTx {
	l.mu.Lock()
	return &lockedTx{&l.mu, l.entries}
}

func (tx *lockedTx) Unlock() { tx.mu.Unlock() }

func (tx *lockedTx) Get(k string) (int, error) {
	if v, ok := tx.entries[k]; ok {
		return v, nil
	}
	return 0, errNotFound
}

func (tx *lockedTx) Set(k string, v int) { tx.entries[k] = v }

func transfer(l *txLocker, from, to string, n int) {
	tx := l.Lock()
	defer tx.Unlock()
	a, _ := tx.Get(from)
	b, _ := tx.Get(to)
	tx.Set(from, a-n)
	tx.Set(to, b+n)
}

// Near-miss: a pool's Get(ctx) and Put(ctx, cn) (redis/go-redis's
// ConnPool) take and give back connections; a context is no key.
type poolConn struct{ id int }

type connPool struct {
	mu    sync.Mutex
	conns []*poolConn
}

func (p *connPool) Get(ctx context.Context) (*poolConn, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.conns) == 0 {
		return nil, errNotFound
	}
	cn := p.conns[len(p.conns)-1]
	p.conns = p.conns[:len(p.conns)-1]
	return cn, nil
}

func (p *connPool) Put(ctx context.Context, cn *poolConn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conns = append(p.conns, cn)
}

func withConn(ctx context.Context, p *connPool, use func(*poolConn)) error {
	cn, err := p.Get(ctx)
	if err != nil {
		return err
	}
	use(cn)
	p.Put(ctx, cn)
	return nil
}
