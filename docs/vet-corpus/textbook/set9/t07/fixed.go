package t07

// Fix: the store gets an atomic get-or-insert operation, LoadOrInsertFixed,
// that performs the presence check and the insert in one critical section
// and returns whichever value ended up in the map. RegistryFixed depends on
// that capability explicitly, so every caller gets the one registered metric
// and no increments land on an orphan.

// LoadOrInsertFixed returns the value stored under k, inserting mk() first if
// k is absent. Check and insert happen under one lock.
func (l *lockedMap[K, V]) LoadOrInsertFixed(k K, mk func() V) V {
	l.mu.Lock()
	defer l.mu.Unlock()
	if v, ok := l.m[k]; ok {
		return v
	}
	v := mk()
	l.m[k] = v
	return v
}

// atomicStoreFixed is a store that can get-or-insert atomically.
type atomicStoreFixed[K comparable, V any] interface {
	store[K, V]
	LoadOrInsertFixed(k K, mk func() V) V
}

// RegistryFixed is Registry built on an atomic get-or-insert.
type RegistryFixed[M any] struct {
	s         atomicStoreFixed[string, M]
	newMetric func(name string) M
}

// NewCounterRegistryFixed returns a RegistryFixed of *Counter.
func NewCounterRegistryFixed() *RegistryFixed[*Counter] {
	return &RegistryFixed[*Counter]{
		s:         newLockedMap[string, *Counter](),
		newMetric: func(n string) *Counter { return &Counter{name: n} },
	}
}

// GetOrRegisterFixed returns the metric called name, registering it once.
func (r *RegistryFixed[M]) GetOrRegisterFixed(name string) M {
	return r.s.LoadOrInsertFixed(name, func() M { return r.newMetric(name) })
}
