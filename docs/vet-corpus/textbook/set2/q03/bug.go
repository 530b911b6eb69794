// Package q03 is a TTL cache of prepared statements keyed by SQL text. Entries
// own a resource that must be closed exactly once when they leave the cache.
//
// BUG: Get loads an entry, sees that it has expired and then deletes the key.
// If Put replaced the entry in between, Get deletes the fresh statement (which
// is then never closed: a leaked server-side statement) and closes the stale
// one a second time (Put already closed it), double-releasing its handle.
package q03

import (
	"sync"
	"time"
)

// Stmt is a server-side resource.
type Stmt interface {
	Close() error
}

type entry struct {
	stmt    Stmt
	expires time.Time
}

func (e *entry) expired(now time.Time) bool { return now.After(e.expires) }

// StmtCache is used concurrently by all request goroutines.
type StmtCache struct {
	m   sync.Map // string -> *entry
	ttl time.Duration
}

func NewStmtCache(ttl time.Duration) *StmtCache { return &StmtCache{ttl: ttl} }

// Put stores s under query, closing whatever it replaces.
func (c *StmtCache) Put(query string, s Stmt) {
	e := &entry{stmt: s, expires: time.Now().Add(c.ttl)}
	if old, loaded := c.m.Swap(query, e); loaded {
		old.(*entry).stmt.Close()
	}
}

// Get returns a live statement for query.
func (c *StmtCache) Get(query string) (Stmt, bool) {
	v, ok := c.m.Load(query)
	if !ok {
		return nil, false
	}
	e := v.(*entry)
	if e.expired(time.Now()) {
		c.evict(query, e)
		return nil, false
	}
	return e.stmt, true
}

func (c *StmtCache) evict(query string, e *entry) {
	c.m.Delete(query)
	e.stmt.Close()
}
