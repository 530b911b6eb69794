// Package t12 is the caching stub resolver that runs as a sidecar next to
// every service. Lookups are served lock-free from an immutable table that
// is swapped atomically (copy-on-write); operators can pin names to fixed
// addresses through the admin API (split-horizon names, incident failover).
//
// Concurrency: application goroutines call Cache.Lookup, which on a miss
// resolves through the Upstream and installs the answer; admin handlers call
// Pin and Unpin; Start runs a refresher goroutine that re-resolves records
// shortly before they expire. Readers only Load c.tab; every writer
// publishes a new table under c.writeMu.
//
// BUG: the refresher takes a snapshot of the table, spends seconds
// re-resolving the stale names upstream, builds the next table from that
// snapshot and publishes it. Pins, unpins and miss fills installed after the
// snapshot are overwritten by the publish (check -> act).
//
// HARM: a pin made during an incident (payments-db.internal -> the failover
// replica) while a refresh is in flight silently disappears and the services
// go straight back to the failed primary; a lost split-horizon pin sends
// internal traffic, with credentials, to the public address.
package t12

import (
	"context"
	"errors"
	"maps"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// ErrNoAnswer is returned when no upstream can resolve a name.
var ErrNoAnswer = errors.New("dns: no answer")

// Record is a cached answer.
type Record struct {
	Name    string
	Addrs   []netip.Addr
	Expires time.Time
	Pinned  bool
}

func (r Record) staleAt(t time.Time) bool { return !r.Pinned && !t.Before(r.Expires) }

// table is immutable once published.
type table struct{ records map[string]Record }

func (t *table) clone() *table { return &table{records: maps.Clone(t.records)} }

// Upstream resolves names that are not cached.
type Upstream interface {
	Resolve(ctx context.Context, name string) (Record, error)
}

// SystemUpstream resolves through net.Resolver.
type SystemUpstream struct {
	R   *net.Resolver
	TTL time.Duration
}

func (u SystemUpstream) Resolve(ctx context.Context, name string) (Record, error) {
	addrs, err := u.R.LookupNetIP(ctx, "ip", name)
	if err != nil {
		return Record{}, err
	}
	return Record{Name: name, Addrs: addrs, Expires: time.Now().Add(u.TTL)}, nil
}

// Fallback tries each upstream in order (e.g. local, then site resolvers).
type Fallback []Upstream

func (f Fallback) Resolve(ctx context.Context, name string) (Record, error) {
	for _, u := range f {
		if rec, err := u.Resolve(ctx, name); err == nil {
			return rec, nil
		}
	}
	return Record{}, ErrNoAnswer
}

// Cache is a copy-on-write DNS cache.
type Cache struct {
	up      Upstream
	ahead   time.Duration
	tab     atomic.Pointer[table]
	writeMu sync.Mutex
}

// New returns an empty cache in front of up.
func New(up Upstream, refreshAhead time.Duration) *Cache {
	c := &Cache{up: up, ahead: refreshAhead}
	c.tab.Store(&table{records: map[string]Record{}})
	return c
}

func (c *Cache) current() *table { return c.tab.Load() }

func (c *Cache) publish(t *table) {
	c.writeMu.Lock()
	c.tab.Store(t)
	c.writeMu.Unlock()
}

// update applies fn to a private copy of the current table and publishes it.
func (c *Cache) update(fn func(*table)) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	next := c.tab.Load().clone()
	fn(next)
	c.tab.Store(next)
}

// Lookup returns the addresses for name.
func (c *Cache) Lookup(ctx context.Context, name string) ([]netip.Addr, error) {
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
func (c *Cache) Pin(name string, addrs []netip.Addr) {
	c.update(func(t *table) { t.records[name] = Record{Name: name, Addrs: addrs, Pinned: true} })
}

// Unpin removes a pin; the next lookup goes upstream.
func (c *Cache) Unpin(name string) {
	c.update(func(t *table) { delete(t.records, name) })
}

// Start runs the refresher until ctx is cancelled.
func (c *Cache) Start(ctx context.Context, every time.Duration) {
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

func (c *Cache) refresh(ctx context.Context) {
	snap := c.current()
	stale := collectStale(snap, time.Now().Add(c.ahead))
	if len(stale) == 0 {
		return
	}
	fresh := resolveAll(ctx, c.up, stale)
	c.publish(rebuild(snap, fresh, time.Now()))
}

func collectStale(t *table, horizon time.Time) []string {
	var names []string
	for name, rec := range t.records {
		if rec.staleAt(horizon) {
			names = append(names, name)
		}
	}
	return names
}

func resolveAll(ctx context.Context, up Upstream, names []string) map[string]Record {
	out := make(map[string]Record, len(names))
	for _, name := range names {
		if rec, err := up.Resolve(ctx, name); err == nil {
			out[name] = rec
		}
	}
	return out
}

// rebuild applies fresh answers to a copy of base and drops expired records.
func rebuild(base *table, fresh map[string]Record, now time.Time) *table {
	next := base.clone()
	for name, rec := range fresh {
		next.records[name] = rec
	}
	for name, rec := range next.records {
		if rec.staleAt(now) {
			delete(next.records, name)
		}
	}
	return next
}
