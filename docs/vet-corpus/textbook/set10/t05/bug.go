// Package t05 is a TTL cache of per-tenant API clients in a multi-tenant
// gateway. Each TenantClient owns a background goroutine refreshing its
// credentials, which is stopped by Close when the entry is evicted.
//
// Concurrency: Get and Set are called from request goroutines (many readers,
// hence the RWMutex); the janitor goroutine started by Run evicts expired
// entries every interval. Eviction calls onEvict, which closes the client.
//
// BUG: Get finds an expired entry under the read lock, releases it, then takes
// the write lock and deletes the key without re-checking that the map still
// holds the same, still-expired entry. Between RUnlock and Lock another
// reader (or the janitor) may already have evicted it, and a Set may have
// installed a fresh client under the key.
//
// HARM: two goroutines that both saw the expired entry both run onEvict on it,
// and TenantClient.Close panics with "close of closed channel", crashing the
// gateway. If a Set slipped in, the fresh client is deleted from the map
// without being closed: its refresh goroutine leaks and keeps hitting the
// identity provider.
package t05

import (
	"sync"
	"time"
)

// TenantClient is an authenticated client for one tenant.
type TenantClient struct {
	Tenant string
	stop   chan struct{}
}

// NewTenantClient starts the credential refresher for tenant.
func NewTenantClient(tenant string, refresh func(tenant string)) *TenantClient {
	c := &TenantClient{Tenant: tenant, stop: make(chan struct{})}
	go func() {
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			select {
			case <-c.stop:
				return
			case <-t.C:
				refresh(tenant)
			}
		}
	}()
	return c
}

// Close stops the refresher. It must be called exactly once.
func (c *TenantClient) Close() { close(c.stop) }

type entry struct {
	client  *TenantClient
	expires time.Time
}

// Cache maps tenant IDs to clients for ttl.
type Cache struct {
	ttl     time.Duration
	now     func() time.Time
	onEvict func(tenant string, c *TenantClient)

	mu    sync.RWMutex
	items map[string]*entry
}

// NewCache returns a cache that closes clients on eviction.
func NewCache(ttl time.Duration) *Cache {
	return &Cache{
		ttl:     ttl,
		now:     time.Now,
		onEvict: func(_ string, c *TenantClient) { c.Close() },
		items:   make(map[string]*entry),
	}
}

// Set installs c for tenant, evicting any previous client.
func (c *Cache) Set(tenant string, tc *TenantClient) {
	c.mu.Lock()
	old := c.items[tenant]
	c.items[tenant] = &entry{client: tc, expires: c.now().Add(c.ttl)}
	c.mu.Unlock()
	if old != nil {
		c.onEvict(tenant, old.client)
	}
}

// Get returns the live client for tenant, evicting it if it has expired.
func (c *Cache) Get(tenant string) (*TenantClient, bool) {
	c.mu.RLock()
	e, ok := c.items[tenant]
	c.mu.RUnlock()
	if !ok {
		return nil, false
	}
	if c.now().Before(e.expires) {
		return e.client, true
	}

	// Expired: upgrade to the write lock and evict.
	c.mu.Lock()
	delete(c.items, tenant)
	c.mu.Unlock()
	c.onEvict(tenant, e.client)
	return nil, false
}

// Run evicts expired entries every interval until stop is closed.
func (c *Cache) Run(interval time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		now := c.now()
		var evicted []*entry
		var keys []string
		c.mu.Lock()
		for k, e := range c.items {
			if !now.Before(e.expires) {
				delete(c.items, k)
				keys = append(keys, k)
				evicted = append(evicted, e)
			}
		}
		c.mu.Unlock()
		for i, e := range evicted {
			c.onEvict(keys[i], e.client)
		}
	}
}
