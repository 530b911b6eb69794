// Package t11 is the read-through cache in front of the product-catalog
// database. A size-bounded LRU (container/list + map under a mutex) is wrapped
// by ReadThrough, which loads misses from the database. Lookups come from
// concurrent HTTP handler goroutines.
//
// BUG [hard] (ReadThrough.Fetch: check = c.Get(key) misses (promoted method of
// the embedded *LRU, own critical section) -> act = c.insertNew(key, v), which
// PushFronts a new element and assigns c.items[key] without looking first):
// two concurrent misses for the same key both load and both insert, so the
// list holds two elements for one key while the map points at the second.
//
// Harm: the byte accounting counts the item twice, so unrelated hot entries
// are evicted early. When the older duplicate is evicted it deletes the map
// entry that belongs to the newer one, which lingers in the list unreachable
// (wasting capacity until it drifts to the back) and, when finally evicted,
// may delete the map entry of yet another live element. The hit rate drops
// and more load goes to the database.
package t11

import (
	"container/list"
	"context"
	"sync"
)

type lruEntry struct {
	key   string
	value []byte
}

// LRU is a byte-bounded least-recently-used cache.
type LRU struct {
	mu       sync.Mutex
	ll       *list.List // front = most recently used
	items    map[string]*list.Element
	bytes    int
	maxBytes int
}

// NewLRU returns an empty cache holding at most maxBytes of values.
func NewLRU(maxBytes int) *LRU {
	return &LRU{ll: list.New(), items: make(map[string]*list.Element), maxBytes: maxBytes}
}

// Get returns the cached value and marks it recently used.
func (c *LRU) Get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.ll.MoveToFront(e)
	return e.Value.(*lruEntry).value, true
}

// insertNew adds a key the caller has just seen missing; it skips the map
// lookup because Fetch already did it.
func (c *LRU) insertNew(key string, value []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.ll.PushFront(&lruEntry{key: key, value: value})
	c.items[key] = e
	c.bytes += len(value)
	for c.bytes > c.maxBytes && c.ll.Len() > 1 {
		c.evictOldestLocked()
	}
}

func (c *LRU) evictOldestLocked() {
	e := c.ll.Back()
	ent := e.Value.(*lruEntry)
	c.ll.Remove(e)
	delete(c.items, ent.key)
	c.bytes -= len(ent.value)
}

// Loader fetches a value from the backing store.
type Loader func(ctx context.Context, key string) ([]byte, error)

// ReadThrough fills the LRU from load on a miss.
type ReadThrough struct {
	*LRU
	load Loader
}

// NewReadThrough returns a read-through cache of maxBytes.
func NewReadThrough(maxBytes int, load Loader) *ReadThrough {
	return &ReadThrough{LRU: NewLRU(maxBytes), load: load}
}

// Fetch returns the value for key, loading and caching it on a miss.
func (c *ReadThrough) Fetch(ctx context.Context, key string) ([]byte, error) {
	if v, ok := c.Get(key); ok {
		return v, nil
	}
	v, err := c.load(ctx, key)
	if err != nil {
		return nil, err
	}
	c.insertNew(key, v)
	return v, nil
}
