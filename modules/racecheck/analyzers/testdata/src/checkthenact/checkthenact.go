package checkthenact

import (
	"sync"

	"github.com/raceproof/raceproof/modules/safemap"
)

var cache sync.Map

func compute(k string) int { return len(k) }

// Positive cases.

func insertIfAbsent(m *sync.Map, k string) {
	if _, ok := m.Load(k); !ok {
		m.Store(k, 1) // want `m.Store\(k\) after m.Load\(k\) on line 16 is guarded by the Load's result but not atomic with it: another goroutine can write k in between; use LoadOrStore`
	}
}

func increment(m *sync.Map, k string) {
	v, _ := m.Load(k)
	m.Store(k, v.(int)+1) // want `computed from the loaded value .* use a CompareAndSwap loop`
}

func incrementDerived(m *sync.Map, k string) {
	v, ok := m.Load(k)
	n := 0
	if ok {
		n = v.(int)
	}
	next := n + 1
	m.Store(k, next) // want `computed from the loaded value`
}

func earlyReturn(k string) int {
	if v, ok := cache.Load(k); ok {
		return v.(int)
	}
	v := compute(k)
	cache.Store(k, v) // want `cache.Store\(k\) after cache.Load\(k\) .* guarded .* use LoadOrStore$`
	return v
}

func deleteExpired(m *sync.Map, k string) {
	if v, ok := m.Load(k); ok && v.(int) < 0 {
		m.Delete(k) // want `use CompareAndDelete`
	}
}

func swapFromValue(m *safemap.SyncMap, k string) {
	v, ok := m.Load(k)
	if !ok {
		return
	}
	m.Swap(k, v.(int)*2) // want `use a CompareAndSwap loop`
}

func typed(m *safemap.Map[string, int], k string) {
	v, _ := m.Load(k)
	m.Store(k, v+1) // want `use Compute$`
}

func typedInsert(m *safemap.Map[string, int], k string) {
	if _, ok := m.Load(k); !ok {
		m.Store(k, compute(k)) // want `use LoadOrStore, or LoadOrCompute when the value is costly to build`
	}
}

func typedDelete(m *safemap.Map[string, int], k string) {
	if v, _ := m.Load(k); v == 0 {
		m.Delete(k) // want `use Compute returning DeleteOp`
	}
}

func elseBranch(m *sync.Map, k string) {
	if v, ok := m.Load(k); ok {
		_ = v
	} else {
		m.Store(k, 0) // want `use LoadOrStore`
	}
}

func fieldMap(s *struct{ m sync.Map }, k string) {
	if _, ok := s.m.Load(k); !ok {
		s.m.Store(k, struct{}{}) // want `s.m.Store\(k\)`
	}
}

func lockedThenUnlocked(mu *sync.Mutex, m *sync.Map, k string) {
	mu.Lock()
	mu.Unlock()
	if _, ok := m.Load(k); !ok {
		m.Store(k, 1) // want `use LoadOrStore`
	}
}

func switchGuard(m *sync.Map, k string) {
	v, _ := m.Load(k)
	switch v {
	case nil:
		m.Store(k, 1) // want `guarded by the Load's result`
	}
}

// lookAlike has the method set of sync.Map.
type lookAlike struct{}

func (lookAlike) Load(key any) (any, bool)               { return nil, false }
func (lookAlike) Store(key, value any)                   {}
func (lookAlike) LoadOrStore(key, value any) (any, bool) { return nil, false }
func (lookAlike) LoadAndDelete(key any) (any, bool)      { return nil, false }
func (lookAlike) Delete(key any)                         {}
func (lookAlike) Range(f func(key, value any) bool)      {}

func anyMapLike(m lookAlike, k int) {
	if _, ok := m.Load(k); !ok {
		m.Store(k, 1) // want `use LoadOrStore`
	}
}

// Negative cases (near-misses).

func differentKeys(m *sync.Map, a, b string) {
	if _, ok := m.Load(a); !ok {
		m.Store(b, 1)
	}
}

func differentMaps(m1, m2 *sync.Map, k string) {
	if _, ok := m1.Load(k); !ok {
		m2.Store(k, 1)
	}
}

func mutexHeld(mu *sync.Mutex, m *sync.Map, k string) {
	mu.Lock()
	defer mu.Unlock()
	if _, ok := m.Load(k); !ok {
		m.Store(k, 1)
	}
}

func mutexHeldExplicit(mu *sync.RWMutex, m *sync.Map, k string) {
	mu.Lock()
	v, _ := m.Load(k)
	m.Store(k, v.(int)+1)
	mu.Unlock()
}

func mutexReleasedOnOtherPath(mu *sync.Mutex, m *sync.Map, k string, bail bool) {
	mu.Lock()
	if bail {
		mu.Unlock()
		return
	}
	v, _ := m.Load(k)
	m.Store(k, v.(int)+1)
	mu.Unlock()
}

func doubleChecked(mu *sync.Mutex, m *sync.Map, k string) int {
	if v, ok := m.Load(k); ok {
		return v.(int)
	}
	mu.Lock()
	defer mu.Unlock()
	if v, ok := m.Load(k); ok {
		return v.(int)
	}
	v := compute(k)
	m.Store(k, v)
	return v
}

func storeLocked(m *sync.Map, k string) {
	if _, ok := m.Load(k); !ok {
		m.Store(k, 1)
	}
}

func independentValue(m *sync.Map, k string) {
	v, _ := m.Load(k)
	println(v)
	m.Store(k, 42)
}

func loadOrStoreAlready(m *sync.Map, k string) int {
	if v, ok := m.Load(k); ok {
		return v.(int)
	}
	v, _ := m.LoadOrStore(k, compute(k))
	return v.(int)
}

func placeholderClaimed(m *sync.Map, k string) int {
	if v, ok := m.Load(k); ok {
		return v.(int)
	}
	if v, loaded := m.LoadOrStore(k, -1); loaded {
		return v.(int)
	}
	v := compute(k)
	m.Store(k, v)
	return v
}

func compareAndSwapLoop(m *sync.Map, k string) {
	for {
		v, _ := m.Load(k)
		if m.CompareAndSwap(k, v, v.(int)+1) {
			return
		}
	}
}

func keyReassignedIsDifferentExpr(m *sync.Map, keys []string) {
	for i := range keys {
		if _, ok := m.Load(keys[i]); !ok {
			m.Store(keys[i+1], 1)
		}
	}
}

func storeBeforeLoad(m *sync.Map, k string) {
	m.Store(k, 1)
	v, _ := m.Load(k)
	println(v)
}

func writeInClosure(m *sync.Map, k string) func() {
	v, _ := m.Load(k)
	return func() { m.Store(k, v) }
}

func callKey(m *sync.Map, next func() string) {
	if _, ok := m.Load(next()); !ok {
		m.Store(next(), 1)
	}
}

func plainMap(m map[string]int, k string) {
	if _, ok := m[k]; !ok {
		m[k] = 1
	}
}

func loadWithoutResult(m *sync.Map, k string) {
	m.Load(k)
	m.Store(k, 1)
}

func closureUnderLock(mu *sync.Mutex, m *sync.Map, k string) {
	mu.Lock()
	defer mu.Unlock()
	add := func(n int) {
		v, _ := m.Load(k)
		m.Store(k, v.(int)+n)
	}
	add(1)
}
