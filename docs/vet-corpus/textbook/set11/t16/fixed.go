// Fixed version of the t16 write-back cache: writeBackAndEvictFixed re-checks,
// under the write lock, that c.items[k] is still the very entry pointer that
// was collected (entries are immutable; Set always installs a new pointer)
// before deleting it. If a Set replaced the entry during the flush, the fresh
// dirty entry is kept and will be written back when it expires itself.
package t16

import (
	"context"
	"sync"
	"time"
)

type CacheFixed[K comparable, V any] struct {
	ttl   time.Duration
	flush func(ctx context.Context, k K, v V) error
	now   func() time.Time

	mu    sync.RWMutex
	items map[K]*entry[V]
}

func NewFixed[K comparable, V any](ttl time.Duration, flush func(context.Context, K, V) error) *CacheFixed[K, V] {
	return &CacheFixed[K, V]{ttl: ttl, flush: flush, now: time.Now, items: make(map[K]*entry[V])}
}

func (c *CacheFixed[K, V]) Set(k K, v V) {
	e := &entry[V]{val: v, expires: c.now().Add(c.ttl), dirty: true}
	c.mu.Lock()
	c.items[k] = e
	c.mu.Unlock()
}

func (c *CacheFixed[K, V]) Get(k K) (V, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.items[k]
	if !ok || c.now().After(e.expires) {
		var zero V
		return zero, false
	}
	return e.val, true
}

func (c *CacheFixed[K, V]) collectExpired(now time.Time) []expired[K, V] {
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

func (c *CacheFixed[K, V]) writeBackAndEvictFixed(ctx context.Context, batch []expired[K, V]) error {
	done := make([]expired[K, V], 0, len(batch))
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
		done = append(done, x)
	}
	c.mu.Lock()
	for _, x := range done {
		if c.items[x.key] == x.e {
			delete(c.items, x.key)
		}
	}
	c.mu.Unlock()
	return firstErr
}

func (c *CacheFixed[K, V]) Start(ctx context.Context, every time.Duration, onErr func(error)) {
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := sweep(ctx, c.now(), c.collectExpired, c.writeBackAndEvictFixed); err != nil && onErr != nil {
					onErr(err)
				}
			}
		}
	}()
}
