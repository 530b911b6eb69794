package lockedmaps

import (
	"sync"
	"sync/atomic"
)

// A get-or-create through a generic interface whose one implementation in
// the package is generic too, its new object made by a maker kept in a
// field (textbook set 9, t07): two first requests both miss, both insert,
// and the counter the first one increments is replaced.

type kvStore[K comparable, V any] interface {
	Contains(k K) bool
	Insert(k K, v V)
	Lookup(k K) (V, bool)
}

type lockedKV[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]V
}

func (l *lockedKV[K, V]) Contains(k K) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, ok := l.m[k]
	return ok
}

func (l *lockedKV[K, V]) Insert(k K, v V) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.m[k] = v
}

func (l *lockedKV[K, V]) Lookup(k K) (V, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.m[k]
	return v, ok
}

type hitCounter struct{ n atomic.Int64 }

type metricRegistry[M any] struct {
	s         kvStore[string, M]
	newMetric func(name string) M
}

func newHitRegistry() *metricRegistry[*hitCounter] {
	return &metricRegistry[*hitCounter]{
		s:         &lockedKV[string, *hitCounter]{m: map[string]*hitCounter{}},
		newMetric: func(string) *hitCounter { return &hitCounter{} },
	}
}

func (r *metricRegistry[M]) GetOrRegister(name string) M {
	if !r.s.Contains(name) {
		r.s.Insert(name, r.newMetric(name)) // want `r.s.Insert\(name, r.newMetric\(name\)\), which makes r.s.m\[name\] = … under r.s.mu through Insert \(genericstore.go:\d+\), after r.s.Contains\(name\), which reads r.s.m\[name\] under r.s.mu, on line \d+ runs only when the check found no entry`
	}
	m, _ := r.s.Lookup(name)
	return m
}

// Near-miss: a maker that hands out one shared value (every value given
// the field is a function of the package returning a package-level
// variable, not a new object).
var sharedHits = &hitCounter{}

func sharedHit(string) *hitCounter { return sharedHits }

type sharedRegistry struct {
	s         kvStore[string, *hitCounter]
	newMetric func(name string) *hitCounter
}

func newSharedRegistry() *sharedRegistry {
	return &sharedRegistry{s: &lockedKV[string, *hitCounter]{m: map[string]*hitCounter{}}, newMetric: sharedHit}
}

func (r *sharedRegistry) GetOrRegister(name string) *hitCounter {
	if !r.s.Contains(name) {
		r.s.Insert(name, r.newMetric(name))
	}
	m, _ := r.s.Lookup(name)
	return m
}

// Near-miss: the entry is not read again: the caller does not go on with
// what it inserted (a registration of a default).
func (r *metricRegistry[M]) Ensure(name string) {
	if !r.s.Contains(name) {
		r.s.Insert(name, r.newMetric(name))
	}
}
