// Package t03 is a tiny in-process metrics registry in the style of expvar.
// Counters are created on first use by name and stored in a generic,
// RWMutex-protected map (Map[K, V]) so that the hot path — looking up an
// existing counter — only takes the read lock. Request-handling goroutines
// call Registry.Inc concurrently; a scraper goroutine calls Snapshot.
//
// BUG (check-then-act on map+RWMutex behind a generic helper): the check is
// the lookup under RLock inside Map.GetOrCreate ("is the key present?"), the
// act is the insert under Lock after creating the value. The read lock is
// dropped before the write lock is taken and the presence check is not
// repeated, so two goroutines that miss on the same new name both create a
// *Counter and the second Store overwrites the first. Increments already
// applied to (or still being applied through) the overwritten counter are
// lost: the exported request count is lower than the real one.
package t03

import (
	"sync"
	"sync/atomic"
)

// Map is a generic map guarded by a sync.RWMutex. Safe for concurrent use.
type Map[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]V
}

// GetOrCreate returns the value for k, creating it with newV if absent.
func (m *Map[K, V]) GetOrCreate(k K, newV func() V) V {
	m.mu.RLock()
	v, ok := m.m[k]
	m.mu.RUnlock()
	if ok {
		return v
	}

	v = newV()
	m.mu.Lock()
	if m.m == nil {
		m.m = make(map[K]V)
	}
	m.m[k] = v
	m.mu.Unlock()
	return v
}

// Range calls f for each entry while holding the read lock.
func (m *Map[K, V]) Range(f func(K, V)) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for k, v := range m.m {
		f(k, v)
	}
}

// Counter is a monotonically increasing metric.
type Counter struct {
	n atomic.Int64
}

// Add increments the counter by d.
func (c *Counter) Add(d int64) { c.n.Add(d) }

// Value returns the current value.
func (c *Counter) Value() int64 { return c.n.Load() }

// Registry holds named counters.
type Registry struct {
	counters Map[string, *Counter]
}

// Inc increments the counter called name, creating it on first use.
func (r *Registry) Inc(name string) {
	r.counters.GetOrCreate(name, func() *Counter { return new(Counter) }).Add(1)
}

// Snapshot returns the current value of every counter, for the scraper.
func (r *Registry) Snapshot() map[string]int64 {
	out := make(map[string]int64)
	r.counters.Range(func(name string, c *Counter) {
		out[name] = c.Value()
	})
	return out
}
