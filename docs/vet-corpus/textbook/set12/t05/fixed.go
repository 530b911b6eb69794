package t05

// Fixed version: the sweeper still scans under the read lock, but it only
// collects keys. evictIfExpired then re-reads the entry that is currently
// stored under the key and checks its expiry under the write lock before
// deleting it and subtracting that same entry's size, so a fresh object put
// in the meantime is neither removed nor mis-accounted.

import (
	"context"
	"sync"
	"time"
)

// CacheFixed is an edge object cache with TTL expiry and a byte budget.
type CacheFixed struct {
	opts Options

	mu      sync.RWMutex
	entries map[string]*entry
	used    int64
}

// NewFixed creates a cache and runs its sweeper until ctx is cancelled.
func NewFixed(ctx context.Context, opts Options) *CacheFixed {
	if opts.SweepEvery <= 0 {
		opts.SweepEvery = 5 * time.Second
	}
	c := &CacheFixed{opts: opts, entries: make(map[string]*entry)}
	go c.sweepLoop(ctx)
	return c
}

// Get returns a live object for key.
func (c *CacheFixed) Get(key string) (*Object, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.entries[key]
	if !ok || e.expired(time.Now()) {
		return nil, false
	}
	return e.obj, true
}

// Put stores obj, replacing any previous version of the same key.
func (c *CacheFixed) Put(obj *Object) {
	size := int64(len(obj.Body)) + int64(len(obj.Key))
	for k, v := range obj.Header {
		size += int64(len(k) + len(v))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[obj.Key]; ok {
		c.used -= old.size
	}
	c.entries[obj.Key] = &entry{obj: obj, size: size}
	c.used += size
	c.shrinkLocked()
}

func (c *CacheFixed) shrinkLocked() {
	for k, e := range c.entries {
		if c.used <= c.opts.CapacityBytes {
			return
		}
		delete(c.entries, k)
		c.used -= e.size
	}
}

// Used reports the bytes accounted to cached objects.
func (c *CacheFixed) Used() int64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.used
}

func (c *CacheFixed) expiredKeysLocked(now time.Time) []string {
	var out []string
	for k, e := range c.entries {
		if e.expired(now) {
			out = append(out, k)
		}
	}
	return out
}

// evictIfExpired removes key only if the entry stored now is still expired.
func (c *CacheFixed) evictIfExpired(key string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || !e.expired(now) {
		return false
	}
	delete(c.entries, key)
	c.used -= e.size
	return true
}

func (c *CacheFixed) sweep(now time.Time) int {
	c.mu.RLock()
	keys := c.expiredKeysLocked(now)
	c.mu.RUnlock()
	n := 0
	for _, k := range keys {
		if c.evictIfExpired(k, now) {
			n++
		}
	}
	return n
}

func (c *CacheFixed) sweepLoop(ctx context.Context) {
	t := time.NewTicker(c.opts.SweepEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			c.sweep(now)
		}
	}
}
