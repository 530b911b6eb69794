// Fix: every tenant has a generation number that Invalidate bumps. Get
// records the generation when it misses and, under the lock, stores the
// loaded value only if the generation is still the same; a fill that raced
// with an invalidation returns its value to its caller but does not cache it.

package t12

import (
	"context"
	"fmt"
	"sync"
)

// CacheFixed is Cache with generation-checked fills.
type CacheFixed struct {
	load Loader

	mu      sync.Mutex
	entries map[string]Config
	gen     map[string]uint64
}

// NewCacheFixed returns an empty cache backed by load.
func NewCacheFixed(load Loader) *CacheFixed {
	return &CacheFixed{load: load, entries: make(map[string]Config), gen: make(map[string]uint64)}
}

// Get returns the tenant's config, loading it on a miss.
func (c *CacheFixed) Get(ctx context.Context, tenant string) (Config, error) {
	c.mu.Lock()
	cfg, ok := c.entries[tenant]
	gen := c.gen[tenant]
	c.mu.Unlock()
	if ok {
		return cfg, nil
	}

	cfg, err := c.load(ctx, tenant)
	if err != nil {
		return Config{}, fmt.Errorf("load config for %s: %w", tenant, err)
	}

	c.mu.Lock()
	if c.gen[tenant] == gen {
		c.entries[tenant] = cfg
	}
	c.mu.Unlock()
	return cfg, nil
}

// Invalidate drops the cached config of tenant and fences in-flight fills.
func (c *CacheFixed) Invalidate(tenant string) {
	c.mu.Lock()
	delete(c.entries, tenant)
	c.gen[tenant]++
	c.mu.Unlock()
}

// Listen applies change notifications until the channel is closed.
func (c *CacheFixed) Listen(changes <-chan string) {
	for tenant := range changes {
		c.Invalidate(tenant)
	}
}
