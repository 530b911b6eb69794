// Fix: the insert re-checks the map under the same lock hold that modifies
// the list (addOrGetFixed). If another loader got there first, its element is
// kept and returned, so a key never has two list elements. Concurrent misses
// may still both hit the database, but the cache stays consistent.

package t11

import "context"

// LRUFixed is a byte-bounded least-recently-used cache.
type LRUFixed struct {
	*LRU // reuses Get and evictOldestLocked; LRU.mu guards everything
}

// NewLRUFixed returns an empty cache holding at most maxBytes of values.
func NewLRUFixed(maxBytes int) *LRUFixed {
	return &LRUFixed{LRU: NewLRU(maxBytes)}
}

// addOrGetFixed stores value unless key is present, and returns the value
// now cached for key.
func (c *LRUFixed) addOrGetFixed(key string, value []byte) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*lruEntry).value
	}
	e := c.ll.PushFront(&lruEntry{key: key, value: value})
	c.items[key] = e
	c.bytes += len(value)
	for c.bytes > c.maxBytes && c.ll.Len() > 1 {
		c.evictOldestLocked()
	}
	return value
}

// ReadThroughFixed fills the LRU from load on a miss.
type ReadThroughFixed struct {
	*LRUFixed
	load Loader
}

// NewReadThroughFixed returns a read-through cache of maxBytes.
func NewReadThroughFixed(maxBytes int, load Loader) *ReadThroughFixed {
	return &ReadThroughFixed{LRUFixed: NewLRUFixed(maxBytes), load: load}
}

// Fetch returns the value for key, loading and caching it on a miss.
func (c *ReadThroughFixed) Fetch(ctx context.Context, key string) ([]byte, error) {
	if v, ok := c.Get(key); ok {
		return v, nil
	}
	v, err := c.load(ctx, key)
	if err != nil {
		return nil, err
	}
	return c.addOrGetFixed(key, v), nil
}
