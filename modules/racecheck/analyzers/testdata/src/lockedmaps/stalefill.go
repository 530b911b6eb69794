package lockedmaps

import (
	"context"
	"sync"
)

// A read-through fill racing an invalidation (textbook set 7, t12): Get
// misses, loads with the lock released, and stores what it loaded; an
// Invalidate of the same tenant in between (a change notification) is
// undone by the store, and the pre-change config stays cached.
type tenantConfig struct {
	plan  string
	seats int
}

type configCache struct {
	load    func(ctx context.Context, tenant string) (tenantConfig, error)
	mu      sync.Mutex
	entries map[string]tenantConfig
}

func (c *configCache) Get(ctx context.Context, tenant string) (tenantConfig, error) {
	c.mu.Lock()
	cfg, ok := c.entries[tenant]
	c.mu.Unlock()
	if ok {
		return cfg, nil
	}
	cfg, err := c.load(ctx, tenant)
	if err != nil {
		return tenantConfig{}, err
	}
	c.mu.Lock()
	c.entries[tenant] = cfg // want `c.entries\[tenant\] = … after c.entries\[tenant\] on line [0-9]+ runs only when the check found no entry, but is not atomic with it: another goroutine can delete tenant in between \(Invalidate, stalefill.go:[0-9]+\), and this write puts back the value loaded before that delete, which stays cached`
	c.mu.Unlock()
	return cfg, nil
}

func (c *configCache) Invalidate(tenant string) {
	c.mu.Lock()
	delete(c.entries, tenant)
	c.mu.Unlock()
}

// Near-miss: a fill no delete of a key undoes (the cache only grows, or
// is dropped whole).
type planCache struct {
	load    func(ctx context.Context, tenant string) (tenantConfig, error)
	mu      sync.Mutex
	entries map[string]tenantConfig
}

func (c *planCache) Get(ctx context.Context, tenant string) (tenantConfig, error) {
	c.mu.Lock()
	cfg, ok := c.entries[tenant]
	c.mu.Unlock()
	if ok {
		return cfg, nil
	}
	cfg, err := c.load(ctx, tenant)
	if err != nil {
		return tenantConfig{}, err
	}
	c.mu.Lock()
	c.entries[tenant] = cfg
	c.mu.Unlock()
	return cfg, nil
}

func (c *planCache) Reset() {
	c.mu.Lock()
	c.entries = map[string]tenantConfig{}
	c.mu.Unlock()
}

// Near-miss: the fix records a generation with the miss and stores only
// when no invalidation came in between.
type genCache struct {
	load    func(ctx context.Context, tenant string) (tenantConfig, error)
	mu      sync.Mutex
	entries map[string]tenantConfig
	gen     map[string]uint64
}

func (c *genCache) Get(ctx context.Context, tenant string) (tenantConfig, error) {
	c.mu.Lock()
	cfg, ok := c.entries[tenant]
	g := c.gen[tenant]
	c.mu.Unlock()
	if ok {
		return cfg, nil
	}
	cfg, err := c.load(ctx, tenant)
	if err != nil {
		return tenantConfig{}, err
	}
	c.mu.Lock()
	if c.gen[tenant] == g {
		c.entries[tenant] = cfg
	}
	c.mu.Unlock()
	return cfg, nil
}

func (c *genCache) Invalidate(tenant string) {
	c.mu.Lock()
	delete(c.entries, tenant)
	c.gen[tenant]++
	c.mu.Unlock()
}

// Near-miss: the only delete is an expiry of the entry the janitor found
// old, which a fill of fresh data may overtake harmlessly.
type ttlCache struct {
	load    func(ctx context.Context, tenant string) (tenantConfig, error)
	mu      sync.Mutex
	entries map[string]tenantConfig
}

func (c *ttlCache) Get(ctx context.Context, tenant string) (tenantConfig, error) {
	c.mu.Lock()
	cfg, ok := c.entries[tenant]
	c.mu.Unlock()
	if ok {
		return cfg, nil
	}
	cfg, err := c.load(ctx, tenant)
	if err != nil {
		return tenantConfig{}, err
	}
	c.mu.Lock()
	c.entries[tenant] = cfg
	c.mu.Unlock()
	return cfg, nil
}

func (c *ttlCache) sweep(expired func(tenantConfig) bool) {
	c.mu.Lock()
	for k, v := range c.entries {
		if expired(v) {
			delete(c.entries, k)
		}
	}
	c.mu.Unlock()
}

// Near-miss: the value stored is not loaded for the key (a default
// plan, the same for every tenant).
func (c *configCache) GetOrDefault(ctx context.Context, tenant string, def func(context.Context) (tenantConfig, error)) (tenantConfig, error) {
	c.mu.Lock()
	cfg, ok := c.entries[tenant]
	c.mu.Unlock()
	if ok {
		return cfg, nil
	}
	cfg, err := def(ctx)
	if err != nil {
		return tenantConfig{}, err
	}
	c.mu.Lock()
	c.entries[tenant] = cfg
	c.mu.Unlock()
	return cfg, nil
}
