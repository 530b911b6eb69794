// Package t12 is the read-through cache for per-tenant configuration
// (feature flags, plan limits) used by the API servers. Misses are loaded
// from the config database; when an operator edits a tenant's config, the
// database publishes a change notification and the listener goroutine calls
// Invalidate.
//
// Concurrency: Get is called from request goroutines; Invalidate is called
// from the change-notification listener goroutine.
//
// BUG (stale fill after invalidation): Get checks for the key under the lock
// and, on a miss, decides to fill; it loads outside the lock and then acts by
// writing the loaded value into c.entries in a second critical section
// without re-checking anything. If the operator's edit commits and
// Invalidate runs after the load read the old row but before the write, the
// invalidation is consumed and the pre-edit value is then cached.
//
// Harm: the stale config stays cached indefinitely (there is no TTL because
// invalidation is supposed to be exact): a tenant that was just downgraded or
// suspended keeps its old limits until the process restarts.
package t12

import (
	"context"
	"fmt"
	"sync"
)

// Config is one tenant's configuration.
type Config struct {
	Tenant   string
	Plan     string
	Flags    map[string]bool
	MaxSeats int
}

// Loader reads the current config of a tenant from the database.
type Loader func(ctx context.Context, tenant string) (Config, error)

// Cache is a read-through cache invalidated by change notifications.
type Cache struct {
	load Loader

	mu      sync.Mutex
	entries map[string]Config
}

// NewCache returns an empty cache backed by load.
func NewCache(load Loader) *Cache {
	return &Cache{load: load, entries: make(map[string]Config)}
}

// Get returns the tenant's config, loading it on a miss.
func (c *Cache) Get(ctx context.Context, tenant string) (Config, error) {
	c.mu.Lock()
	cfg, ok := c.entries[tenant]
	c.mu.Unlock()
	if ok {
		return cfg, nil
	}

	cfg, err := c.load(ctx, tenant)
	if err != nil {
		return Config{}, fmt.Errorf("load config for %s: %w", tenant, err)
	}

	c.mu.Lock()
	c.entries[tenant] = cfg
	c.mu.Unlock()
	return cfg, nil
}

// Invalidate drops the cached config of tenant.
func (c *Cache) Invalidate(tenant string) {
	c.mu.Lock()
	delete(c.entries, tenant)
	c.mu.Unlock()
}

// Listen applies change notifications until the channel is closed.
func (c *Cache) Listen(changes <-chan string) {
	for tenant := range changes {
		c.Invalidate(tenant)
	}
}
