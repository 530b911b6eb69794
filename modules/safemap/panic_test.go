package safemap

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A panic at any point a caller controls (a callback, a nil callback, an
// unhashable key, a non-comparable value, a misused Batch, an invalid
// option) must leave no lock held and no batch half applied. The tests
// below provoke one at each of those points and then prove, with a
// deadline, that every operation of the map still works on every key,
// including the key whose bucket was locked when the panic happened.

// panicKeys is the number of keys a map holds before a panic is provoked.
const panicKeys = 64

// unhashable is a key that every hashing method panics on.
var unhashable = []int{1}

// panicCase provokes one panic in m. Unless mayChange is set, the call
// leaves m's contents as they were.
type panicCase struct {
	op        func(m *Map[any, any])
	mayChange bool
}

func panicCases() map[string]panicCase {
	var nilCompute func(any, bool) (any, ComputeOp)
	var nilLoadOrCompute func() (any, error)
	var nilBatch func(*Batch[any, any])
	var nilRange func(any, any) bool
	keys := func(extra ...any) []any {
		ks := []any{1, 2, 3}
		return append(ks, extra...)
	}
	manyKeys := func(extra ...any) []any {
		var ks []any
		for k := range 2 * indexThreshold {
			ks = append(ks, k)
		}
		return append(ks, extra...)
	}
	boom := func() { panic("boom") }
	return map[string]panicCase{
		// Callbacks that panic.
		"Compute of a present key": {op: func(m *Map[any, any]) { m.Compute(1, func(any, bool) (any, ComputeOp) { boom(); return nil, 0 }) }},
		"Compute of a missing key": {op: func(m *Map[any, any]) { m.Compute(1000, func(any, bool) (any, ComputeOp) { boom(); return nil, 0 }) }},
		"LoadOrCompute":            {op: func(m *Map[any, any]) { m.LoadOrCompute(1000, func() (any, error) { boom(); return nil, nil }) }},
		"Update after its writes": {op: func(m *Map[any, any]) {
			m.Update(keys(1000), func(b *Batch[any, any]) { b.Store(1, 0); b.Delete(2); b.Store(1000, 1); boom() })
		}},
		"Update of many keys":       {op: func(m *Map[any, any]) { m.Update(manyKeys(), func(b *Batch[any, any]) { b.Delete(5); boom() }) }},
		"Update on an unlisted key": {op: func(m *Map[any, any]) { m.Update(keys(), func(b *Batch[any, any]) { b.Store(1, 0); b.Load(999) }) }},
		"Update storing an unhashable key": {op: func(m *Map[any, any]) {
			m.Update(keys(), func(b *Batch[any, any]) { b.Store(1, 0); b.Store(unhashable, 1) })
		}},
		"DeleteFunc": {mayChange: true, op: func(m *Map[any, any]) {
			n := 0
			m.DeleteFunc(func(any, any) bool {
				if n++; n == panicKeys/2 {
					boom()
				}
				return n%2 == 0
			})
		}},
		"Range":                {op: func(m *Map[any, any]) { m.Range(func(any, any) bool { boom(); return true }) }},
		"Range calling Delete": {mayChange: true, op: func(m *Map[any, any]) { m.Range(func(k, _ any) bool { m.Delete(k); boom(); return true }) }},
		"All": {op: func(m *Map[any, any]) {
			for range m.All() {
				boom()
			}
		}},
		"Keys": {op: func(m *Map[any, any]) {
			for range m.Keys() {
				boom()
			}
		}},
		"Values": {op: func(m *Map[any, any]) {
			for range m.Values() {
				boom()
			}
		}},

		// Nil callbacks.
		"Compute with nil f":       {op: func(m *Map[any, any]) { m.Compute(1, nilCompute) }},
		"LoadOrCompute with nil f": {op: func(m *Map[any, any]) { m.LoadOrCompute(1000, nilLoadOrCompute) }},
		"Update with nil f":        {op: func(m *Map[any, any]) { m.Update(keys(), nilBatch) }},
		"Range with nil f":         {op: func(m *Map[any, any]) { m.Range(nilRange) }},
		"DeleteFunc with nil f":    {op: func(m *Map[any, any]) { m.DeleteFunc(nilRange) }},

		// Keys that cannot be hashed.
		"Load of an unhashable key":             {op: func(m *Map[any, any]) { m.Load(unhashable) }},
		"Store of an unhashable key":            {op: func(m *Map[any, any]) { m.Store(unhashable, 1) }},
		"Swap of an unhashable key":             {op: func(m *Map[any, any]) { m.Swap(unhashable, 1) }},
		"LoadOrStore of an unhashable key":      {op: func(m *Map[any, any]) { m.LoadOrStore(unhashable, 1) }},
		"LoadAndDelete of an unhashable key":    {op: func(m *Map[any, any]) { m.LoadAndDelete(unhashable) }},
		"Delete of an unhashable key":           {op: func(m *Map[any, any]) { m.Delete(unhashable) }},
		"CompareAndSwap of an unhashable key":   {op: func(m *Map[any, any]) { m.CompareAndSwap(unhashable, 1, 2) }},
		"CompareAndDelete of an unhashable key": {op: func(m *Map[any, any]) { m.CompareAndDelete(unhashable, 1) }},
		"Compute of an unhashable key": {op: func(m *Map[any, any]) {
			m.Compute(unhashable, func(any, bool) (any, ComputeOp) { return 1, UpdateOp })
		}},
		"LoadOrCompute of an unhashable key": {op: func(m *Map[any, any]) {
			m.LoadOrCompute(unhashable, func() (any, error) { return 1, nil })
		}},
		"Update of a few keys, one unhashable": {op: func(m *Map[any, any]) { m.Update(keys(unhashable), func(*Batch[any, any]) {}) }},
		"Update of many keys, one unhashable":  {op: func(m *Map[any, any]) { m.Update(manyKeys(unhashable), func(*Batch[any, any]) {}) }},

		// Values that cannot be compared: the stored value of key 7 is a
		// slice (see fillForPanic).
		"CompareAndSwap of a non-comparable value":   {op: func(m *Map[any, any]) { m.CompareAndSwap(7, []int{7}, 1) }},
		"CompareAndDelete of a non-comparable value": {op: func(m *Map[any, any]) { m.CompareAndDelete(7, []int{7}) }},

		// A Batch used after its Update returned.
		"Batch used after Update": {op: func(m *Map[any, any]) {
			var leaked *Batch[any, any]
			m.Update(keys(), func(b *Batch[any, any]) { leaked = b })
			leaked.Store(1, 0)
		}},
	}
}

// fillForPanic returns a map holding keys 0..panicKeys-1, with key 7
// holding a non-comparable value.
func fillForPanic() *Map[any, any] {
	m := New[any, any]()
	for k := range panicKeys {
		m.Store(k, k)
	}
	m.Store(7, []int{7})
	return m
}

func TestPanicEverywhere(t *testing.T) {
	for name, c := range panicCases() {
		t.Run(name, func(t *testing.T) {
			m := fillForPanic()
			before := m.Snapshot()
			require.Panics(t, func() { c.op(m) })
			assertNoLockHeld(t, m)
			if !c.mayChange {
				assert.Equal(t, fmt.Sprint(before), fmt.Sprint(m.Snapshot()), "the panicking call changed the map")
			}
			assertEveryOperationWorks(t, m)
		})
	}
}

// TestGoexitInCallbacks is TestPanicEverywhere for callbacks that end
// their goroutine with runtime.Goexit (as t.FailNow does).
func TestGoexitInCallbacks(t *testing.T) {
	for name, op := range map[string]func(m *Map[any, any]){
		"Compute": func(m *Map[any, any]) {
			m.Compute(1, func(any, bool) (any, ComputeOp) { runtime.Goexit(); return nil, 0 })
		},
		"LoadOrCompute": func(m *Map[any, any]) {
			m.LoadOrCompute(1000, func() (any, error) { runtime.Goexit(); return nil, nil })
		},
		"Update": func(m *Map[any, any]) {
			m.Update([]any{1, 2}, func(b *Batch[any, any]) { b.Store(1, 0); runtime.Goexit() })
		},
		"DeleteFunc": func(m *Map[any, any]) { m.DeleteFunc(func(any, any) bool { runtime.Goexit(); return true }) },
		"Range":      func(m *Map[any, any]) { m.Range(func(any, any) bool { runtime.Goexit(); return true }) },
	} {
		t.Run(name, func(t *testing.T) {
			m := fillForPanic()
			before := fmt.Sprint(m.Snapshot())
			done := make(chan struct{})
			go func() {
				defer close(done)
				op(m)
			}()
			<-done
			assertNoLockHeld(t, m)
			assert.Equal(t, before, fmt.Sprint(m.Snapshot()))
			assertEveryOperationWorks(t, m)
		})
	}
}

// TestPanicInNonComparableValueType checks the panic of CompareAndSwap and
// CompareAndDelete on a Map whose value type is not comparable.
func TestPanicInNonComparableValueType(t *testing.T) {
	var m Map[int, []int]
	m.Store(1, []int{1})
	require.Panics(t, func() { m.CompareAndSwap(1, nil, nil) })
	require.Panics(t, func() { m.CompareAndDelete(1, nil) })
	for i := range m.tab().buckets {
		require.True(t, m.tab().buckets[i].mu.TryLock())
		m.tab().buckets[i].mu.Unlock()
	}
	m.Store(1, []int{2})
	v, _ := m.Load(1)
	assert.Equal(t, []int{2}, v)
}

// TestPanicEverywhereConcurrent provokes the panics of TestPanicEverywhere
// from several goroutines at once while others run ordinary operations on
// the same keys, and then checks that the map is consistent and usable.
func TestPanicEverywhereConcurrent(t *testing.T) {
	cases := panicCases()
	names := make([]string, 0, len(cases))
	for name := range cases {
		names = append(names, name)
	}
	forProcs(t, func(t *testing.T) {
		m := fillForPanic()
		rounds := scale(2000)
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				r := rand.New(rand.NewPCG(uint64(g), 1))
				for range rounds {
					c := cases[names[r.IntN(len(names))]]
					func() {
						defer func() { _ = recover() }()
						c.op(m)
					}()
					k := r.IntN(panicKeys)
					if k == 7 {
						continue // keeps its non-comparable value for the cases above
					}
					m.Store(k, k)
					m.Compute(k, func(v any, ok bool) (any, ComputeOp) { return k, UpdateOp })
					m.Update([]any{k, (k + 1) % panicKeys}, func(b *Batch[any, any]) {
						if v, ok := b.Load(k); ok {
							b.Store(k, v)
						}
					})
				}
			})
		}
		waitOrFail(t, &wg)
		assertNoLockHeld(t, m)
		assertEveryOperationWorks(t, m)
	})
}

// waitOrFail waits for wg, failing the test if that takes more than a
// minute: the goroutines are then stuck on a leaked lock.
func waitOrFail(t *testing.T, wg *sync.WaitGroup) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("goroutines blocked: a lock leaked")
	}
}

// assertNoLockHeld checks that no lock of m is held and no batch is
// registered or flagged: every bucket lock of the current table, the resize
// lock and the batch registry's lock can be taken at once.
func assertNoLockHeld[K comparable, V any](t *testing.T, m *Map[K, V]) {
	t.Helper()
	tab := m.tab()
	for i := range tab.buckets {
		b := &tab.buckets[i]
		if !b.mu.TryLock() {
			t.Fatalf("bucket %d is still locked", i)
		}
		b.mu.Unlock()
		require.Zero(t, b.meta.Load()&txFlag, "bucket %d still flagged as part of a batch", i)
	}
	require.True(t, m.resizeMu.TryLock(), "resize lock held")
	m.resizeMu.Unlock()
	require.True(t, m.txMu.TryLock(), "batch registry lock held")
	m.txMu.Unlock()
	if active := m.active.Load(); active != nil {
		require.Empty(t, *active, "a batch is still registered")
	}
}

// assertEveryOperationWorks runs every method of m on every key 0..63 (the
// keys the panic cases lock) and checks the results. A leaked lock would
// make it hang, so it runs under a deadline.
func assertEveryOperationWorks(t *testing.T, m *Map[any, any]) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- everyOperation(m) }()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(time.Minute):
		t.Fatal("an operation blocked: a lock leaked")
	}
}

func everyOperation(m *Map[any, any]) error {
	check := func(cond bool, format string, args ...any) error {
		if !cond {
			return fmt.Errorf(format, args...)
		}
		return nil
	}
	var errs []error
	for k := range panicKeys {
		m.Store(k, k)
		v, ok := m.Load(k)
		errs = append(errs, check(ok && v == k, "Store then Load(%d) = %v, %v", k, v, ok))
		v, loaded := m.LoadOrStore(k, -1)
		errs = append(errs, check(loaded && v == k, "LoadOrStore(%d) = %v, %v", k, v, loaded))
		v, loaded = m.Swap(k, k+1)
		errs = append(errs, check(loaded && v == k, "Swap(%d) = %v, %v", k, v, loaded))
		errs = append(errs, check(m.CompareAndSwap(k, k+1, k), "CompareAndSwap(%d) failed", k))
		v, ok = m.Compute(k, func(old any, loaded bool) (any, ComputeOp) { return old.(int) + 1, UpdateOp })
		errs = append(errs, check(ok && v == k+1, "Compute(%d) = %v, %v", k, v, ok))
		errs = append(errs, check(m.CompareAndDelete(k, k+1), "CompareAndDelete(%d) failed", k))
		v, loaded, err := m.LoadOrCompute(k, func() (any, error) { return k, nil })
		errs = append(errs, err, check(!loaded && v == k, "LoadOrCompute(%d) = %v, %v", k, v, loaded))
		v, loaded = m.LoadAndDelete(k)
		errs = append(errs, check(loaded && v == k, "LoadAndDelete(%d) = %v, %v", k, v, loaded))
		m.Store(k, k)
		m.Delete(k)
		_, ok = m.Load(k)
		errs = append(errs, check(!ok, "Load(%d) after Delete found it", k))
	}
	keys := make([]any, panicKeys)
	for k := range panicKeys {
		keys[k] = k
	}
	m.Update(keys, func(b *Batch[any, any]) {
		for k := range panicKeys {
			b.Store(k, 2*k)
		}
	})
	want := map[any]any{}
	for k := range panicKeys {
		want[k] = 2 * k
	}
	errs = append(errs,
		check(m.Len() == panicKeys, "Len = %d after Update", m.Len()),
		check(maps.Equal(want, m.Snapshot()), "Snapshot after Update: %v", m.Snapshot()),
		check(maps.Equal(want, maps.Collect(m.All())), "All after Update"),
		check(m.Stats().Entries == panicKeys, "Stats().Entries = %d", m.Stats().Entries))
	n := m.DeleteFunc(func(k, _ any) bool { return k.(int)%2 == 0 })
	errs = append(errs, check(n == panicKeys/2 && m.Len() == panicKeys/2, "DeleteFunc deleted %d, Len %d", n, m.Len()))
	m.Clear()
	errs = append(errs, check(m.Len() == 0, "Len = %d after Clear", m.Len()))
	for k := range panicKeys {
		m.Store(k, k)
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
