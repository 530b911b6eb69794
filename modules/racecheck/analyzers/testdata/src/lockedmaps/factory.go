package lockedmaps

import (
	"strings"
	"sync"
	"sync/atomic"
)

// A get-or-create that takes its maker from the caller: a generic map's
// GetOrCreate looks under the read lock, calls the maker on a miss and
// stores under the write lock without looking again. Every caller in the
// package hands a maker of a new counter, so two goroutines that miss one
// name each count into their own, and the increments on the one replaced
// are lost (the shape of textbook set 5, t03).

type lockedMap[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]V
}

func (m *lockedMap[K, V]) GetOrCreate(k K, newV func() V) V {
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
	m.m[k] = v // want `m.m\[k\] = … after m.m\[k\] on line 23 runs only when the check found no entry, but is not atomic with it: another goroutine can store k in between, and this assignment replaces that value while the other goroutine goes on using it; use one lock held across the check and the write`
	m.mu.Unlock()
	return v
}

// Near-miss: the fix looks again under the write lock.
func (m *lockedMap[K, V]) GetOrCreateChecked(k K, newV func() V) V {
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
	v = newV()
	if m.m == nil {
		m.m = make(map[K]V)
	}
	m.m[k] = v
	return v
}

type hitCount struct{ n atomic.Int64 }

func newHitCount() *hitCount { return new(hitCount) }

type hitCountRegistry struct {
	byName  lockedMap[string, *hitCount]
	checked lockedMap[string, *hitCount]
}

func (r *hitCountRegistry) Inc(name string) {
	r.byName.GetOrCreate(name, func() *hitCount { return new(hitCount) }).n.Add(1)
	r.checked.GetOrCreateChecked(name, newHitCount).n.Add(1)
}

func (r *hitCountRegistry) IncNamed(name string) {
	r.byName.GetOrCreate(name, newHitCount).n.Add(1)
}

// Near-miss: the maker's callers hand it a function of the key, which
// racing goroutines compute alike: a memo, whichever one the map keeps.
type memoMap struct {
	mu sync.RWMutex
	m  map[string]string
}

func (m *memoMap) get(k string, compute func() string) string {
	m.mu.RLock()
	v, ok := m.m[k]
	m.mu.RUnlock()
	if ok {
		return v
	}
	v = compute()
	m.mu.Lock()
	m.m[k] = v
	m.mu.Unlock()
	return v
}

func (m *memoMap) upper(k string) string {
	return m.get(k, func() string { return strings.ToUpper(k) })
}

// Near-miss: one caller hands a maker of new objects and another hands a
// maker that returns one shared object; what the maker does is not known.
type sharedMap struct {
	mu sync.RWMutex
	m  map[string]*hitCount
}

var sharedHitCount = new(hitCount)

func (m *sharedMap) get(k string, make func() *hitCount) *hitCount {
	m.mu.RLock()
	v, ok := m.m[k]
	m.mu.RUnlock()
	if ok {
		return v
	}
	v = make()
	m.mu.Lock()
	m.m[k] = v
	m.mu.Unlock()
	return v
}

func (m *sharedMap) fresh(k string) *hitCount { return m.get(k, newHitCount) }
func (m *sharedMap) shared(k string) *hitCount {
	return m.get(k, func() *hitCount { return sharedHitCount })
}
