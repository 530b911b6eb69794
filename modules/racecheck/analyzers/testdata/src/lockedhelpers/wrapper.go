package lockedhelpers

import (
	"strings"
	"sync"
	"time"
)

// A type of the package that is itself map-like (Exists, Set, Remove on a
// Go map behind its own lock): a call of its Remove is also a delete of
// the Go map inside it, made under the lock Remove takes.

// looterz/grimd cache.go at 14f9858 (fixed in 956b3f2, looterz/grimd#40):
// Get reads the entry under the read lock, releases it, and removes the
// entry when its TTL has passed; a fresh entry Set in between is removed
// instead.
type dnsEntry struct {
	ttl     uint32
	updated time.Time
}

type memoryCache struct {
	backend map[string]*dnsEntry
	mu      sync.RWMutex
}

func (c *memoryCache) Get(key string) (*dnsEntry, bool) {
	key = strings.ToLower(key)
	c.mu.RLock()
	e, ok := c.backend[key]
	c.mu.RUnlock()
	if !ok {
		return nil, false
	}
	elapsed := uint32(time.Since(e.updated).Seconds())
	if elapsed > e.ttl {
		c.Remove(key) // want `c.Remove\(key\), which makes delete\(c.backend, key\) under c.mu through Remove \(wrapper.go:60\), after c.backend\[key\] on line 30 is decided by the loaded value`
		return nil, false
	}
	return e, true
}

func (c *memoryCache) Set(key string, e *dnsEntry) {
	key = strings.ToLower(key)
	c.mu.Lock()
	c.backend[key] = e
	c.mu.Unlock()
}

func (c *memoryCache) Exists(key string) bool {
	c.mu.RLock()
	_, ok := c.backend[strings.ToLower(key)]
	c.mu.RUnlock()
	return ok
}

func (c *memoryCache) Remove(key string) {
	key = strings.ToLower(key)
	c.mu.Lock()
	delete(c.backend, key)
	c.mu.Unlock()
}

// The fix: the expired entry is deleted under the lock the read was made
// under, and only if it is still the entry read.
func (c *memoryCache) GetFixed(key string) (*dnsEntry, bool) {
	key = strings.ToLower(key)
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.backend[key]
	if !ok {
		return nil, false
	}
	if uint32(time.Since(e.updated).Seconds()) > e.ttl {
		delete(c.backend, key)
		return nil, false
	}
	return e, true
}

// Near-miss: a presence check through the type's own Exists, then Remove,
// decided by nothing but presence: a delete of whatever is there.
func (c *memoryCache) Drop(key string) {
	if c.Exists(key) {
		c.Remove(key)
	}
}
