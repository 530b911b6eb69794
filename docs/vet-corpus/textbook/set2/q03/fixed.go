package q03

import (
	"sync"
	"time"
)

type entryFixed struct {
	stmt    Stmt
	expires time.Time
}

// StmtCacheFixed is used concurrently by all request goroutines.
type StmtCacheFixed struct {
	m   sync.Map // string -> *entryFixed
	ttl time.Duration
}

func NewStmtCacheFixed(ttl time.Duration) *StmtCacheFixed { return &StmtCacheFixed{ttl: ttl} }

func (c *StmtCacheFixed) PutFixed(query string, s Stmt) {
	e := &entryFixed{stmt: s, expires: time.Now().Add(c.ttl)}
	if old, loaded := c.m.Swap(query, e); loaded {
		old.(*entryFixed).stmt.Close()
	}
}

func (c *StmtCacheFixed) GetFixed(query string) (Stmt, bool) {
	v, ok := c.m.Load(query)
	if !ok {
		return nil, false
	}
	e := v.(*entryFixed)
	if time.Now().After(e.expires) {
		// Only the goroutine that actually removes this exact entry closes it.
		if c.m.CompareAndDelete(query, e) {
			e.stmt.Close()
		}
		return nil, false
	}
	return e.stmt, true
}
