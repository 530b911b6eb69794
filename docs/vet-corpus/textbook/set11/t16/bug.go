// Package t16 is a generic write-back cache with TTL expiry, in the style of
// the write-behind caches in front of slow stores (ttlcache / ristretto plus a
// flush hook): Set only updates memory and marks the entry dirty; when an entry
// expires a janitor goroutine writes dirty values back to the backing store
// and evicts them.
//
// Concurrency: request goroutines call Cache.Set and Cache.Get; one janitor
// goroutine (started by Start) runs sweep on every tick. sweep is a generic
// helper that receives the cache's method values c.collectExpired and
// c.writeBackAndEvict as plain func parameters. The map is guarded by c.mu.
//
// BUG: collectExpired snapshots the expired entries under RLock; sweep then
// hands them to writeBackAndEvict, which flushes each old value to the backing
// store (slow I/O, no lock held) and finally deletes the keys under Lock
// without checking that the entry is still the one that was collected. A Set
// that stores a fresh value for the key during the flush is deleted unseen.
// check: collectExpired sees key k expired (under RLock) -> act: delete(c.items, k) (under Lock, after flush).
//
// HARM: the newest write for that key is never written back and is gone from
// memory; the backing store keeps the older value. A user's last update (cart
// contents, settings, a counter) is silently lost.
package t16

import (
	"context"
	"sync"
	"time"
)

type entry[V any] struct {
	val     V
	expires time.Time
	dirty   bool
}

type expired[K comparable, V any] struct {
	key K
	e   *entry[V]
}

// Cache is a TTL write-back cache.
type Cache[K comparable, V any] struct {
	ttl   time.Duration
	flush func(ctx context.Context, k K, v V) error
	now   func() time.Time

	mu    sync.RWMutex
	items map[K]*entry[V]
}

func New[K comparable, V any](ttl time.Duration, flush func(context.Context, K, V) error) *Cache[K, V] {
	return &Cache[K, V]{ttl: ttl, flush: flush, now: time.Now, items: make(map[K]*entry[V])}
}

// Set stores v in memory; it will be written back when it expires.
func (c *Cache[K, V]) Set(k K, v V) {
	e := &entry[V]{val: v, expires: c.now().Add(c.ttl), dirty: true}
	c.mu.Lock()
	c.items[k] = e
	c.mu.Unlock()
}

// Get returns the live value for k.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.items[k]
	if !ok || c.now().After(e.expires) {
		var zero V
		return zero, false
	}
	return e.val, true
}

func (c *Cache[K, V]) collectExpired(now time.Time) []expired[K, V] {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []expired[K, V]
	for k, e := range c.items {
		if now.After(e.expires) {
			out = append(out, expired[K, V]{key: k, e: e})
		}
	}
	return out
}

func (c *Cache[K, V]) writeBackAndEvict(ctx context.Context, batch []expired[K, V]) error {
	done := make([]K, 0, len(batch))
	var firstErr error
	for _, x := range batch {
		if x.e.dirty {
			if err := c.flush(ctx, x.key, x.e.val); err != nil {
				if firstErr == nil {
					firstErr = err
				}
				continue
			}
		}
		done = append(done, x.key)
	}
	c.mu.Lock()
	for _, k := range done {
		delete(c.items, k)
	}
	c.mu.Unlock()
	return firstErr
}

func sweep[T any](ctx context.Context, now time.Time, collect func(time.Time) []T, apply func(context.Context, []T) error) error {
	batch := collect(now)
	if len(batch) == 0 {
		return nil
	}
	return apply(ctx, batch)
}

// Start runs the janitor until ctx is cancelled.
func (c *Cache[K, V]) Start(ctx context.Context, every time.Duration, onErr func(error)) {
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := sweep(ctx, c.now(), c.collectExpired, c.writeBackAndEvict); err != nil && onErr != nil {
					onErr(err)
				}
			}
		}
	}()
}
