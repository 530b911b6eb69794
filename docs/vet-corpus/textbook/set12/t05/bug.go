// Package t05 is the in-memory object cache of a CDN edge node.
//
// Concurrency: request goroutines call Cache.Get on every hit and Cache.Put
// after fetching or revalidating an object from the origin. New starts a
// sweeper goroutine that periodically removes expired objects. The entry
// map and the byte counter c.used are guarded by c.mu (RWMutex); the
// sweeper scans under the read lock and evicts under the write lock so that
// a long scan never blocks the hit path.
//
// BUG: the sweeper collects entries whose expiry has passed (expiredLocked
// under RLock) and later evicts them by key (evict under Lock). If a request
// revalidates the object and Put installs a fresh entry for the same key in
// between, evict deletes the fresh entry and subtracts the old entry's size
// from c.used (check -> act).
//
// HARM: the freshly revalidated object is thrown away, and c.used drifts
// away from the bytes actually held by the map. Under revalidation-heavy
// traffic (short-TTL manifests and API responses) the counter keeps drifting
// low, shrinkLocked stops evicting, and the edge process grows past its
// memory budget until the kernel OOM-kills it, dropping all traffic on that
// PoP node and sending its whole working set back to the origin at once.
package t05

import (
	"context"
	"sync"
	"time"
)

// Object is a cached HTTP response body with its headers.
type Object struct {
	Key     string
	Header  map[string]string
	Body    []byte
	Expires time.Time
}

type entry struct {
	obj  *Object
	size int64
}

func (e *entry) expired(now time.Time) bool { return now.After(e.obj.Expires) }

// Options configures a Cache.
type Options struct {
	CapacityBytes int64
	SweepEvery    time.Duration
}

// Cache is an edge object cache with TTL expiry and a byte budget.
type Cache struct {
	opts Options

	mu      sync.RWMutex
	entries map[string]*entry
	used    int64
}

// New creates a cache and runs its sweeper until ctx is cancelled.
func New(ctx context.Context, opts Options) *Cache {
	if opts.SweepEvery <= 0 {
		opts.SweepEvery = 5 * time.Second
	}
	c := &Cache{opts: opts, entries: make(map[string]*entry)}
	go c.sweepLoop(ctx)
	return c
}

// Get returns a live object for key.
func (c *Cache) Get(key string) (*Object, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.entries[key]
	if !ok || e.expired(time.Now()) {
		return nil, false
	}
	return e.obj, true
}

// Put stores obj, replacing any previous version of the same key.
func (c *Cache) Put(obj *Object) {
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

// shrinkLocked drops arbitrary entries until the cache fits its budget.
func (c *Cache) shrinkLocked() {
	for k, e := range c.entries {
		if c.used <= c.opts.CapacityBytes {
			return
		}
		delete(c.entries, k)
		c.used -= e.size
	}
}

// Used reports the bytes accounted to cached objects.
func (c *Cache) Used() int64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.used
}

func (c *Cache) expiredLocked(now time.Time) []*entry {
	var out []*entry
	for _, e := range c.entries {
		if e.expired(now) {
			out = append(out, e)
		}
	}
	return out
}

func (c *Cache) evict(e *entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, e.obj.Key)
	c.used -= e.size
}

func (c *Cache) sweep(now time.Time) int {
	c.mu.RLock()
	victims := c.expiredLocked(now)
	c.mu.RUnlock()
	for _, e := range victims {
		c.evict(e)
	}
	return len(victims)
}

func (c *Cache) sweepLoop(ctx context.Context) {
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
