package t12

// Fixed version: CacheFixed.refresh still resolves outside any lock, but it
// applies the answers with update, i.e. to a clone of the table that is
// current when c.writeMu is held, and only to names that are still present
// and unpinned. Pins, unpins and miss fills made during the refresh survive.

import (
	"context"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// CacheFixed is a copy-on-write DNS cache.
type CacheFixed struct {
	up      Upstream
	ahead   time.Duration
	tab     atomic.Pointer[table]
	writeMu sync.Mutex
}

// NewFixed returns an empty cache in front of up.
func NewFixed(up Upstream, refreshAhead time.Duration) *CacheFixed {
	c := &CacheFixed{up: up, ahead: refreshAhead}
	c.tab.Store(&table{records: map[string]Record{}})
	return c
}

func (c *CacheFixed) current() *table { return c.tab.Load() }

// update applies fn to a private copy of the current table and publishes it.
func (c *CacheFixed) update(fn func(*table)) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	next := c.tab.Load().clone()
	fn(next)
	c.tab.Store(next)
}

// Lookup returns the addresses for name.
func (c *CacheFixed) Lookup(ctx context.Context, name string) ([]netip.Addr, error) {
	if rec, ok := c.current().records[name]; ok && !rec.staleAt(time.Now()) {
		return rec.Addrs, nil
	}
	rec, err := c.up.Resolve(ctx, name)
	if err != nil {
		return nil, err
	}
	c.update(func(t *table) {
		if old, ok := t.records[name]; !ok || !old.Pinned {
			t.records[name] = rec
		}
	})
	return rec.Addrs, nil
}

// Pin forces name to resolve to addrs until Unpin.
func (c *CacheFixed) Pin(name string, addrs []netip.Addr) {
	c.update(func(t *table) { t.records[name] = Record{Name: name, Addrs: addrs, Pinned: true} })
}

// Unpin removes a pin; the next lookup goes upstream.
func (c *CacheFixed) Unpin(name string) {
	c.update(func(t *table) { delete(t.records, name) })
}

// Start runs the refresher until ctx is cancelled.
func (c *CacheFixed) Start(ctx context.Context, every time.Duration) {
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				c.refresh(ctx)
			}
		}
	}()
}

func (c *CacheFixed) refresh(ctx context.Context) {
	stale := collectStale(c.current(), time.Now().Add(c.ahead))
	if len(stale) == 0 {
		return
	}
	fresh := resolveAll(ctx, c.up, stale)
	now := time.Now()
	c.update(func(t *table) {
		for name, rec := range fresh {
			if old, ok := t.records[name]; ok && !old.Pinned {
				t.records[name] = rec
			}
		}
		for name, rec := range t.records {
			if rec.staleAt(now) {
				delete(t.records, name)
			}
		}
	})
}
