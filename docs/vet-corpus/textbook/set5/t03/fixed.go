package t03

import "sync"

// MapFixed is a generic map guarded by a sync.RWMutex. Safe for concurrent use.
type MapFixed[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]V
}

// GetOrCreate re-checks under the write lock before inserting, so only the
// first creator's value is ever stored and every caller gets that value.
func (m *MapFixed[K, V]) GetOrCreate(k K, newV func() V) V {
	m.mu.RLock()
	v, ok := m.m[k]
	m.mu.RUnlock()
	if ok {
		return v
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.m[k]; ok {
		return v
	}
	if m.m == nil {
		m.m = make(map[K]V)
	}
	v = newV()
	m.m[k] = v
	return v
}

// RegistryFixed holds named counters.
type RegistryFixed struct {
	counters MapFixed[string, *Counter]
}

// Inc increments the counter called name, creating it on first use.
func (r *RegistryFixed) Inc(name string) {
	r.counters.GetOrCreate(name, func() *Counter { return new(Counter) }).Add(1)
}
