package lockedhelpers

import "sync"

// Locked wrappers of unlocked helpers: each exported method takes the lock
// and calls an unexported helper that reads or writes the Go map and takes
// no lock itself. The shape of jellydator/ttlcache's Cache before 0a03e09
// (ttlcache#107: GetOrSet and GetAndDelete made atomic), whose Get locked
// around get and whose Set and Delete locked around their own work.

type cacheItem struct {
	key   string
	value int
}

type itemCache struct {
	mu    sync.Mutex
	items map[string]*cacheItem
}

// get must be called with mu held.
func (c *itemCache) get(key string) *cacheItem {
	return c.items[key]
}

// set must be called with mu held.
func (c *itemCache) set(key string, value int) *cacheItem {
	item := &cacheItem{key: key, value: value}
	c.items[key] = item
	return item
}

// remove must be called with mu held.
func (c *itemCache) remove(key string) {
	delete(c.items, key)
}

func (c *itemCache) Get(key string) *cacheItem {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.get(key)
}

func (c *itemCache) Set(key string, value int) *cacheItem {
	c.mu.Lock()
	item := c.set(key, value)
	c.mu.Unlock()
	return item
}

func (c *itemCache) Delete(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.remove(key)
}

// GetOrSet is the bug: two callers that miss both set, and the first one
// goes on with an item the cache no longer holds.
func (c *itemCache) GetOrSet(key string, value int) (*cacheItem, bool) {
	if item := c.Get(key); item != nil {
		return item, true
	}
	return c.Set(key, value), false // want `c.Set\(key, value\), which makes c.items\[key\] = … under c.mu through Set → set \(delegate.go:29\), after c.Get\(key\), which reads c.items\[key\] under c.mu, on line 60 runs only when the check found no entry.*use one lock held across the check and the write in Set`
}

// GetAndDelete is the bug's other half: two callers both get the item and
// both answer that they deleted it.
func (c *itemCache) GetAndDelete(key string) (*cacheItem, bool) {
	item := c.Get(key)
	if item == nil {
		return nil, false
	}
	c.Delete(key) // want `c.Delete\(key\), which makes delete\(c.items, key\) under c.mu through Delete → remove \(delegate.go:35\), after c.Get\(key\), which reads c.items\[key\] under c.mu, on line 69 takes the loaded entry.*in Delete`
	return item, true
}

// The fix (0a03e09): one critical section around the helpers.
func (c *itemCache) GetOrSetFixed(key string, value int) (*cacheItem, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if item := c.get(key); item != nil {
		return item, true
	}
	return c.set(key, value), false
}

func (c *itemCache) GetAndDeleteFixed(key string) (*cacheItem, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	item := c.get(key)
	if item == nil {
		return nil, false
	}
	c.remove(key)
	return item, true
}

// Near-miss: a wrapper that hands back something else than what the helper
// found (here a copy of the value, zero when absent) is no getter: zero
// does not say the key was absent.
func (c *itemCache) Value(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	item := c.get(key)
	if item == nil {
		return 0
	}
	return item.value
}

func (c *itemCache) SetIfZero(key string, value int) {
	if c.Value(key) == 0 {
		c.Set(key, value)
	}
}

// Near-miss: a wrapper that calls the helper without the lock is no locked
// getter (the map is then one goroutine's, or a data race for -race).
func (c *itemCache) Peek(key string) *cacheItem {
	return c.get(key)
}

func (c *itemCache) PeekOrSet(key string, value int) *cacheItem {
	if item := c.Peek(key); item != nil {
		return item
	}
	return c.Set(key, value)
}

// A helper reached through a parameter: lookup reads the map it is handed,
// and the wrapper locks the map's owner around it.
type connEntry struct{ addr string }

func (e *connEntry) Close() error { return nil }

type connTable struct {
	mu    sync.Mutex
	conns map[string]*connEntry
}

func lookup(t *connTable, addr string) *connEntry {
	return t.conns[addr]
}

func (t *connTable) Find(addr string) *connEntry {
	t.mu.Lock()
	defer t.mu.Unlock()
	return lookup(t, addr)
}

func (t *connTable) put(addr string, e *connEntry) {
	t.conns[addr] = e
}

func (t *connTable) Put(addr string, e *connEntry) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.put(addr, e)
}

// Dial is a get-or-create of a connection: one of two racing dials is
// overwritten and never closed.
func (t *connTable) Dial(addr string) *connEntry {
	if e := t.Find(addr); e != nil {
		return e
	}
	e := &connEntry{addr: addr}
	t.Put(addr, e) // want `t.Put\(addr, e\), which makes t.conns\[addr\] = … under t.mu through Put → put \(delegate.go:152\), after t.Find\(addr\), which reads t.conns\[addr\] under t.mu, on line 164 runs only when the check found no entry`
	return e
}
