package checkthenact

import (
	"sync"

	"github.com/raceproof/raceproof/modules/safemap"
)

var cache sync.Map

type entry struct{ n int }

func compute(k string) int { return len(k) }

func newEntry() *entry { return &entry{} }

// Positive cases.

func insertIfAbsent(m *sync.Map, k string, v int) {
	if _, ok := m.Load(k); !ok {
		m.Store(k, v) // want `m.Store\(k\) after m.Load\(k\) on line 20 runs only when the check found no entry, but is not atomic with it: another goroutine can store k in between, and this Store replaces that value while the other goroutine goes on using it; use LoadOrStore and the value it returns`
	}
}

func insertPointer(m *sync.Map, k string) {
	if _, loaded := m.Load(k); !loaded {
		m.Store(k, &entry{n: 1}) // want `use LoadOrStore and the value it returns`
	}
}

func increment(m *sync.Map, k string) {
	v, _ := m.Load(k)
	m.Store(k, v.(int)+1) // want `stores a value computed from the loaded one, .* that update is lost; use a CompareAndSwap loop`
}

func incrementDerived(m *sync.Map, k string) {
	v, ok := m.Load(k)
	n := 0
	if ok {
		n = v.(int)
	}
	next := n + 1
	m.Store(k, next) // want `computed from the loaded one`
}

func getOrCreate(k string) *entry {
	if v, ok := cache.Load(k); ok {
		return v.(*entry)
	}
	e := newEntry()
	cache.Store(k, e) // want `cache.Store\(k\) after cache.Load\(k\) .* runs only when the check found no entry.* use LoadOrStore and the value it returns$`
	return e
}

func deleteExpired(m *sync.Map, k string) {
	if v, ok := m.Load(k); ok && v.(int) < 0 {
		m.Delete(k) // want `is decided by the loaded value, .* this Delete removes the new entry; use CompareAndDelete`
	}
}

func take(m *sync.Map, k string, use func(any)) {
	if v, ok := m.Load(k); ok {
		m.Delete(k) // want `takes the loaded entry, .* take the same entry in between, and both use it, or store a new one, and this Delete removes it; use LoadAndDelete`
		use(v)
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

func typedInsert(m *safemap.Map[string, *entry], k string) {
	if _, ok := m.Load(k); !ok {
		m.Store(k, newEntry()) // want `use LoadOrStore, or LoadOrCompute when the value is costly to build`
	}
}

func typedDelete(m *safemap.Map[string, int], k string) {
	if v, _ := m.Load(k); v == 0 {
		m.Delete(k) // want `use Compute returning DeleteOp`
	}
}

func elseBranch(m *sync.Map, k string, v *entry) {
	if old, ok := m.Load(k); ok {
		_ = old
	} else {
		m.Store(k, v) // want `use LoadOrStore`
	}
}

func fieldMap(s *struct{ m sync.Map }, k string, v *entry) {
	if _, ok := s.m.Load(k); !ok {
		s.m.Store(k, v) // want `s.m.Store\(k\)`
	}
}

func lockedThenUnlocked(mu *sync.Mutex, m *sync.Map, k string, v *entry) {
	mu.Lock()
	mu.Unlock()
	if _, ok := m.Load(k); !ok {
		m.Store(k, v) // want `use LoadOrStore`
	}
}

func switchGuard(m *sync.Map, k string, v *entry) {
	old, _ := m.Load(k)
	switch old {
	case nil:
		m.Store(k, v) // want `runs only when the check found no entry`
	}
}

func maxUpdate(m *sync.Map, k string, x int) {
	if v, ok := m.Load(k); ok && v.(int) >= x {
		return
	}
	m.Store(k, x) // want `is decided by the loaded value, .* acts on a stale value; use a CompareAndSwap loop`
}

func readLockIsNotEnough(mu *sync.RWMutex, m *sync.Map, k string) {
	mu.RLock()
	defer mu.RUnlock()
	v, _ := m.Load(k)
	m.Store(k, v.(int)+1) // want `update is lost`
}

// lookAlike has the method set of sync.Map and a lock.
type lookAlike struct{ mu *sync.Mutex }

func (lookAlike) Load(key any) (any, bool)               { return nil, false }
func (lookAlike) Store(key, value any)                   {}
func (lookAlike) LoadOrStore(key, value any) (any, bool) { return nil, false }
func (lookAlike) LoadAndDelete(key any) (any, bool)      { return nil, false }
func (lookAlike) Delete(key any)                         {}
func (lookAlike) Range(f func(key, value any) bool)      {}

func anyMapLike(m lookAlike, k int, v *entry) {
	if _, ok := m.Load(k); !ok {
		m.Store(k, v) // want `use LoadOrStore`
	}
}

// oneDiagnosticPerWrite: two Loads before one Store give one diagnostic,
// about the nearer Load.
func oneDiagnosticPerWrite(m *sync.Map, k string) {
	if _, ok := m.Load(k); ok {
		return
	}
	v, _ := m.Load(k)
	m.Store(k, v.(int)+1) // want `after m.Load\(k\) on line 159 stores a value computed`
}

// Negative cases (near-misses).

func differentKeys(m *sync.Map, a, b string, v *entry) {
	if _, ok := m.Load(a); !ok {
		m.Store(b, v)
	}
}

func differentMaps(m1, m2 *sync.Map, k string, v *entry) {
	if _, ok := m1.Load(k); !ok {
		m2.Store(k, v)
	}
}

func mutexHeld(mu *sync.Mutex, m *sync.Map, k string, v *entry) {
	mu.Lock()
	defer mu.Unlock()
	if _, ok := m.Load(k); !ok {
		m.Store(k, v)
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

func doubleChecked(mu *sync.Mutex, m *sync.Map, k string) *entry {
	if v, ok := m.Load(k); ok {
		return v.(*entry)
	}
	mu.Lock()
	defer mu.Unlock()
	if v, ok := m.Load(k); ok {
		return v.(*entry)
	}
	v := newEntry()
	m.Store(k, v)
	return v
}

func storeLocked(m *sync.Map, k string, v *entry) {
	if _, ok := m.Load(k); !ok {
		m.Store(k, v)
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

func placeholderClaimed(m *sync.Map, k string) *entry {
	if v, ok := m.Load(k); ok {
		return v.(*entry)
	}
	if v, loaded := m.LoadOrStore(k, (*entry)(nil)); loaded {
		return v.(*entry)
	}
	v := newEntry()
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

func keyReassignedIsDifferentExpr(m *sync.Map, keys []string, v *entry) {
	for i := range keys {
		if _, ok := m.Load(keys[i]); !ok {
			m.Store(keys[i+1], v)
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

func callKey(m *sync.Map, next func() string, v *entry) {
	if _, ok := m.Load(next()); !ok {
		m.Store(next(), v)
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

// idempotentInsert stores a constant: two racing goroutines store the same
// thing, and LoadOrStore would change nothing.
func idempotentInsert(m *sync.Map, k string) {
	if _, ok := m.Load(k); !ok {
		m.Store(k, true)
	}
}

// firstSeen stores a constant, but tells its caller whether the key was new:
// two racing goroutines both answer true (the seen-set bug in the CI
// templates' fixture).
func firstSeen(m *sync.Map, k string) bool {
	if _, ok := m.Load(k); !ok {
		m.Store(k, true) // want `use LoadOrStore and the value it returns`
		return true
	}
	return false
}

// countDistinct stores a constant and counts the insert: both racing
// goroutines count it.
func countDistinct(m *sync.Map, k string, n *int) {
	if _, ok := m.Load(k); !ok {
		m.Store(k, struct{}{}) // want `although both store the same value, both go on as the one that inserted it; use LoadOrStore and the value it returns`
		*n++
	}
}

// memoised caches a function of the key alone (encoding/binary's structSize
// shape): racing goroutines compute and store equal values.
func memoised(k string) int {
	if v, ok := cache.Load(k); ok {
		return v.(int)
	}
	n := compute(k)
	cache.Store(k, n)
	return n
}

// updateIfPresent ignores the old value: it can resurrect a key deleted in
// between, which is debatable rather than a bug, so it stays quiet.
func updateIfPresent(m *sync.Map, k string, v *entry) {
	if _, ok := m.Load(k); ok {
		m.Store(k, v)
	}
}

// deleteIfPresent is idempotent.
func deleteIfPresent(m *sync.Map, k string) {
	if _, ok := m.Load(k); ok {
		m.Delete(k)
	}
}

// getOrSetThenLoad loads, stores and loads again through the returned value
// of LoadOrStore: nothing to report.
func getOrSetThenLoad(m *sync.Map, k string, v *entry) *entry {
	actual, _ := m.LoadOrStore(k, v)
	return actual.(*entry)
}

// suppressed: the author judged the race harmless and said so.
func suppressed(m *sync.Map, k string) {
	v, _ := m.Load(k)
	//racecheck:ignore checkthenact -- counts are advisory
	m.Store(k, v.(int)+1)
	w, _ := m.Load(k)
	m.Store(k, w.(int)+1) //racecheck:ignore
}

// suppressedOther names another analyzer only.
func suppressedOther(m *sync.Map, k string) {
	v, _ := m.Load(k)
	//racecheck:ignore rangewrite
	m.Store(k, v.(int)+1) // want `update is lost`
}

// batchUnderLock: safemap.Batch has sync.Map's names but runs inside
// Update's callback, under the map's locks (found by go tool mage lint).
func batchUnderLock(m *safemap.Map[string, int], from, to string) {
	m.Update([]string{from, to}, func(b *safemap.Batch[string, int]) {
		f, _ := b.Load(from)
		b.Store(from, f-1)
	})
}
