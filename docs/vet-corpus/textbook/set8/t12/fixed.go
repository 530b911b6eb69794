package t12

// FIX: every key has a generation number that Invalidate bumps under the
// lock. Get records the generation together with the miss (in the same
// critical section) and putFixed only installs the loaded value if the
// generation is unchanged; otherwise an invalidation happened during the
// load and the value is returned to this caller but not cached. Generations
// are kept even after the entry is deleted so the check cannot be fooled.

import (
	"context"
	"sync"
	"time"
)

// ReadThroughFixed caches values produced by Load for TTL.
type ReadThroughFixed[K comparable, V any] struct {
	Load func(ctx context.Context, k K) (V, error)
	TTL  time.Duration

	mu  sync.Mutex
	m   map[K]entry[V]
	gen map[K]uint64
}

func (c *ReadThroughFixed[K, V]) lookupFixed(k K) (V, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || time.Now().After(e.expires) {
		var zero V
		return zero, c.gen[k], false
	}
	return e.val, 0, true
}

func (c *ReadThroughFixed[K, V]) putFixed(k K, v V, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen[k] != gen {
		return // invalidated while loading; don't cache stale data
	}
	if c.m == nil {
		c.m = make(map[K]entry[V])
	}
	c.m[k] = entry[V]{val: v, expires: time.Now().Add(c.TTL)}
}

// GetFixed returns the cached value or loads it.
func (c *ReadThroughFixed[K, V]) GetFixed(ctx context.Context, k K) (V, error) {
	v, gen, ok := c.lookupFixed(k)
	if ok {
		return v, nil
	}
	v, err := c.Load(ctx, k)
	if err != nil {
		return v, err
	}
	c.putFixed(k, v, gen)
	return v, nil
}

// InvalidateFixed drops k and bumps its generation.
func (c *ReadThroughFixed[K, V]) InvalidateFixed(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == nil {
		c.gen = make(map[K]uint64)
	}
	c.gen[k]++
	delete(c.m, k)
}
