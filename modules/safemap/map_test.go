package safemap

import (
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"testing"
	"weak"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestZeroValue(t *testing.T) {
	var m Map[string, int]
	_, ok := m.Load("a")
	assert.False(t, ok)
	assert.Equal(t, 0, m.Len())
	m.Range(func(string, int) bool { t.Fatal("Range on empty map called f"); return true })
	assert.Empty(t, m.Snapshot())
	assert.Equal(t, 0, m.DeleteFunc(func(string, int) bool { return true }))
	m.Clear()
	m.Store("a", 1)
	v, ok := m.Load("a")
	assert.True(t, ok)
	assert.Equal(t, 1, v)
}

func TestZeroValueWrites(t *testing.T) {
	for name, op := range map[string]func(m *Map[int, int]){
		"LoadAndDelete":    func(m *Map[int, int]) { m.LoadAndDelete(1) },
		"Delete":           func(m *Map[int, int]) { m.Delete(1) },
		"CompareAndSwap":   func(m *Map[int, int]) { m.CompareAndSwap(1, 0, 1) },
		"CompareAndDelete": func(m *Map[int, int]) { m.CompareAndDelete(1, 0) },
		"LoadOrStore":      func(m *Map[int, int]) { m.LoadOrStore(1, 1) },
		"Compute":          func(m *Map[int, int]) { m.Compute(1, func(int, bool) (int, ComputeOp) { return 0, CancelOp }) },
		"Update":           func(m *Map[int, int]) { m.Update([]int{1}, func(*Batch[int, int]) {}) },
	} {
		t.Run(name, func(t *testing.T) {
			var m Map[int, int]
			assert.NotPanics(t, func() { op(&m) })
			assert.LessOrEqual(t, m.Len(), 1)
		})
	}
}

func TestNewOptions(t *testing.T) {
	m := New[int, int](WithPresize(1000))
	s := m.Stats()
	for i := range 1000 {
		m.Store(i, i)
	}
	assert.Equal(t, s.Buckets, m.Stats().Buckets, "presized map grew before n entries")
	assert.Zero(t, m.Stats().Growths)

	err := func() (err error) {
		defer func() { err = recover().(error) }()
		New[int, int](WithPresize(-1))
		return nil
	}()
	require.ErrorIs(t, err, ErrInvalidCapacity)
	assert.Equal(t, "safemap: invalid capacity: WithPresize(n) needs n >= 0, got -1", err.Error(),
		"one line, naming the option, with the package prefix once")
}

func TestLoadStore(t *testing.T) {
	m := New[string, int]()
	m.Store("a", 1)
	m.Store("b", 2)
	m.Store("a", 3)
	v, ok := m.Load("a")
	assert.True(t, ok)
	assert.Equal(t, 3, v)
	v, ok = m.Load("b")
	assert.True(t, ok)
	assert.Equal(t, 2, v)
	_, ok = m.Load("c")
	assert.False(t, ok)
	assert.Equal(t, 2, m.Len())
}

func TestLoadOrStore(t *testing.T) {
	var m Map[int, string]
	a, loaded := m.LoadOrStore(1, "x")
	assert.False(t, loaded)
	assert.Equal(t, "x", a)
	a, loaded = m.LoadOrStore(1, "y")
	assert.True(t, loaded)
	assert.Equal(t, "x", a)
}

func TestLoadAndDelete(t *testing.T) {
	var m Map[int, string]
	m.Store(1, "x")
	v, loaded := m.LoadAndDelete(1)
	assert.True(t, loaded)
	assert.Equal(t, "x", v)
	v, loaded = m.LoadAndDelete(1)
	assert.False(t, loaded)
	assert.Equal(t, "", v)
	assert.Equal(t, 0, m.Len())
}

func TestDelete(t *testing.T) {
	var m Map[int, int]
	m.Store(1, 1)
	m.Delete(1)
	m.Delete(2)
	_, ok := m.Load(1)
	assert.False(t, ok)
	assert.Equal(t, 0, m.Len())
}

func TestSwap(t *testing.T) {
	var m Map[int, int]
	p, loaded := m.Swap(1, 10)
	assert.False(t, loaded)
	assert.Equal(t, 0, p)
	p, loaded = m.Swap(1, 20)
	assert.True(t, loaded)
	assert.Equal(t, 10, p)
	v, _ := m.Load(1)
	assert.Equal(t, 20, v)
}

func TestCompareAndSwap(t *testing.T) {
	var m Map[int, int]
	assert.False(t, m.CompareAndSwap(1, 0, 1), "absent key must not match the zero value")
	m.Store(1, 1)
	assert.False(t, m.CompareAndSwap(1, 2, 3))
	assert.True(t, m.CompareAndSwap(1, 1, 3))
	v, _ := m.Load(1)
	assert.Equal(t, 3, v)
}

func TestCompareAndDelete(t *testing.T) {
	var m Map[int, int]
	assert.False(t, m.CompareAndDelete(1, 0))
	m.Store(1, 1)
	assert.False(t, m.CompareAndDelete(1, 2))
	assert.True(t, m.CompareAndDelete(1, 1))
	_, ok := m.Load(1)
	assert.False(t, ok)
}

func TestCompareNonComparable(t *testing.T) {
	var m Map[int, []int]
	assert.PanicsWithValue(t, "safemap: called CompareAndSwap when value is not of comparable type",
		func() { m.CompareAndSwap(1, nil, nil) })
	assert.PanicsWithValue(t, "safemap: called CompareAndDelete when value is not of comparable type",
		func() { m.CompareAndDelete(1, nil) })

	var a Map[int, any]
	a.Store(1, []int{1})
	assert.Panics(t, func() { a.CompareAndSwap(1, []int{1}, 2) })
	assert.Panics(t, func() { a.CompareAndDelete(1, []int{1}) })
	assert.False(t, a.CompareAndSwap(1, "other type", 2), "different dynamic types compare unequal")
	a.Store(2, 2)
	assert.True(t, a.CompareAndDelete(2, 2), "map usable after the panics")
}

func TestRange(t *testing.T) {
	var m Map[int, int]
	want := map[int]int{}
	for i := range 1000 {
		m.Store(i, i*i)
		want[i] = i * i
	}
	got := map[int]int{}
	m.Range(func(k, v int) bool {
		_, dup := got[k]
		assert.False(t, dup, "key %d visited twice", k)
		got[k] = v
		return true
	})
	assert.Equal(t, want, got)

	n := 0
	m.Range(func(int, int) bool { n++; return n < 10 })
	assert.Equal(t, 10, n)
}

func TestRangeCallbackWrites(t *testing.T) {
	var m Map[int, int]
	for i := range 100 {
		m.Store(i, i)
	}
	seen := map[int]bool{}
	m.Range(func(k, v int) bool {
		seen[k] = true
		m.Delete(k)
		m.Store(k+1000, v)
		_ = m.Snapshot()
		return true
	})
	for i := range 100 {
		assert.True(t, seen[i], "key %d present for the whole Range was not visited", i)
	}
}

func TestIterators(t *testing.T) {
	var m Map[string, int]
	m.Store("a", 1)
	m.Store("b", 2)
	assert.Equal(t, map[string]int{"a": 1, "b": 2}, maps.Collect(m.All()))
	assert.Equal(t, []string{"a", "b"}, slices.Sorted(m.Keys()))
	assert.Equal(t, []int{1, 2}, slices.Sorted(m.Values()))
	for range m.All() {
		break
	}
	for range m.Keys() {
		break
	}
	for range m.Values() {
		break
	}
}

func TestClear(t *testing.T) {
	m := New[int, int](WithPresize(100))
	for i := range 10000 {
		m.Store(i, i)
	}
	m.Clear()
	assert.Equal(t, 0, m.Len())
	_, ok := m.Load(5)
	assert.False(t, ok)
	assert.Equal(t, bucketsFor(100), m.Stats().Buckets)
	m.Store(1, 1)
	assert.Equal(t, 1, m.Len())
}

func TestLen(t *testing.T) {
	var m Map[int, int]
	for i := range 5000 {
		m.Store(i, i)
		m.Store(i, i+1)
	}
	assert.Equal(t, 5000, m.Len())
	for i := range 2500 {
		m.Delete(i * 2)
	}
	assert.Equal(t, 2500, m.Len())
	assert.Equal(t, 2500, m.Stats().Entries)
}

func TestCompute(t *testing.T) {
	var m Map[string, int]
	inc := func(old int, loaded bool) (int, ComputeOp) { return old + 1, UpdateOp }
	v, ok := m.Compute("a", inc)
	assert.Equal(t, 1, v)
	assert.True(t, ok)
	v, ok = m.Compute("a", inc)
	assert.Equal(t, 2, v)
	assert.True(t, ok)

	v, ok = m.Compute("a", func(old int, loaded bool) (int, ComputeOp) {
		assert.True(t, loaded)
		assert.Equal(t, 2, old)
		return 99, CancelOp
	})
	assert.Equal(t, 2, v)
	assert.True(t, ok)

	v, ok = m.Compute("a", func(int, bool) (int, ComputeOp) { return 0, DeleteOp })
	assert.Equal(t, 0, v)
	assert.False(t, ok)
	_, present := m.Load("a")
	assert.False(t, present)

	v, ok = m.Compute("b", func(old int, loaded bool) (int, ComputeOp) {
		assert.False(t, loaded)
		return 0, CancelOp
	})
	assert.Equal(t, 0, v)
	assert.False(t, ok)
	_, ok = m.Compute("b", func(int, bool) (int, ComputeOp) { return 0, DeleteOp })
	assert.False(t, ok)
	assert.Equal(t, 0, m.Len())
}

func TestLoadOrCompute(t *testing.T) {
	var m Map[int, string]
	calls := 0
	f := func() (string, error) { calls++; return "v", nil }
	v, loaded, err := m.LoadOrCompute(1, f)
	require.NoError(t, err)
	assert.False(t, loaded)
	assert.Equal(t, "v", v)
	v, loaded, err = m.LoadOrCompute(1, f)
	require.NoError(t, err)
	assert.True(t, loaded)
	assert.Equal(t, "v", v)
	assert.Equal(t, 1, calls)

	boom := errors.New("boom")
	_, loaded, err = m.LoadOrCompute(2, func() (string, error) { return "x", boom })
	assert.ErrorIs(t, err, boom)
	assert.False(t, loaded)
	_, ok := m.Load(2)
	assert.False(t, ok, "failed LoadOrCompute stored a value")
}

func TestDeleteFunc(t *testing.T) {
	var m Map[int, int]
	for i := range 1000 {
		m.Store(i, i)
	}
	n := m.DeleteFunc(func(k, v int) bool { return k%3 == 0 })
	assert.Equal(t, 334, n)
	assert.Equal(t, 666, m.Len())
	m.Range(func(k, _ int) bool { assert.NotZero(t, k%3); return true })
}

func TestDeleteFuncSkipsOverwritten(t *testing.T) {
	var m Map[int, int]
	m.Store(1, 1)
	n := m.DeleteFunc(func(k, v int) bool {
		m.Store(1, 2)
		return true
	})
	assert.Equal(t, 0, n, "an entry overwritten after del saw it must not be deleted")
	v, _ := m.Load(1)
	assert.Equal(t, 2, v)
}

func TestSnapshot(t *testing.T) {
	var m Map[int, int]
	for i := range 100 {
		m.Store(i, -i)
	}
	s := m.Snapshot()
	assert.Len(t, s, 100)
	m.Store(1000, 1)
	assert.Len(t, s, 100, "snapshot must be a copy")
	assert.Equal(t, -5, s[5])
}

func TestUpdate(t *testing.T) {
	var m Map[string, int]
	m.Store("a", 10)
	m.Store("b", 0)
	m.Update([]string{"a", "b", "c", "a"}, func(b *Batch[string, int]) {
		a, ok := b.Load("a")
		assert.True(t, ok)
		_, ok = b.Load("c")
		assert.False(t, ok)
		b.Store("a", a-3)
		bv, _ := b.Load("b")
		b.Store("b", bv+3)
		b.Store("c", 1)
		v, ok := b.Load("c")
		assert.True(t, ok, "batch reads its own writes")
		assert.Equal(t, 1, v)
		b.Delete("c")
		_, ok = b.Load("c")
		assert.False(t, ok)
	})
	assert.Equal(t, map[string]int{"a": 7, "b": 3}, m.Snapshot())

	m.Update([]string{"a"}, func(b *Batch[string, int]) { b.Delete("a") })
	assert.Equal(t, map[string]int{"b": 3}, m.Snapshot())
	assert.Equal(t, 1, m.Len())
}

func TestUpdateManyKeys(t *testing.T) {
	var m Map[int, int]
	keys := make([]int, 200)
	for i := range keys {
		keys[i] = i
	}
	m.Update(keys, func(b *Batch[int, int]) {
		for _, k := range keys {
			b.Store(k, k)
		}
	})
	assert.Equal(t, 200, m.Len())
	m.Update(keys, func(b *Batch[int, int]) {
		for _, k := range keys[:100] {
			b.Delete(k)
		}
	})
	assert.Equal(t, 100, m.Len())
	_, ok := m.Load(150)
	assert.True(t, ok)
}

func TestUpdateUnlistedKeyPanics(t *testing.T) {
	var m Map[string, int]
	assert.PanicsWithValue(t, "safemap: Batch key z not listed in Update", func() {
		m.Update([]string{"a"}, func(b *Batch[string, int]) {
			b.Store("a", 1)
			b.Store("z", 1)
		})
	})
	assert.Equal(t, 0, m.Len(), "panicking batch applied a write")
	var leaked *Batch[string, int]
	m.Update([]string{"a"}, func(b *Batch[string, int]) { leaked = b })
	assert.Panics(t, func() { leaked.Store("a", 1) })
}

func TestStats(t *testing.T) {
	var m Map[int, int]
	for i := range 10000 {
		m.Store(i, i)
	}
	s := m.Stats()
	assert.Equal(t, 10000, s.Entries)
	assert.GreaterOrEqual(t, s.Capacity, s.Entries)
	assert.Positive(t, s.Growths)
	assert.Equal(t, s.Buckets*slotsPerBucket+s.OverflowBuckets*slotsPerBucket, s.Capacity)
	assert.Less(t, s.LongestChain, 20)
}

func TestShrink(t *testing.T) {
	var m Map[int, int]
	n := scale(100000)
	for i := range n {
		m.Store(i, i)
	}
	big := m.Stats().Buckets
	for i := range n - n/100 {
		m.Delete(i)
	}
	s := m.Stats()
	assert.Positive(t, s.Shrinks)
	assert.Less(t, s.Buckets, big/8)
	assert.Equal(t, n/100, m.Len())
	for i := n - n/100; i < n; i++ {
		v, ok := m.Load(i)
		require.True(t, ok)
		require.Equal(t, i, v)
	}
}

func TestShrinkLimits(t *testing.T) {
	g := New[int, int](WithGrowOnly())
	n := scale(100000)
	p := New[int, int](WithPresize(n / 2))
	for i := range n {
		g.Store(i, i)
		p.Store(i, i)
	}
	big := g.Stats().Buckets
	for i := range n {
		g.Delete(i)
		p.Delete(i)
	}
	assert.Equal(t, big, g.Stats().Buckets, "WithGrowOnly map shrank")
	assert.Zero(t, g.Stats().Shrinks)
	assert.Equal(t, bucketsFor(n/2), p.Stats().Buckets, "map did not shrink to its presize")
}

func TestDeletedValueCollectable(t *testing.T) {
	type payload struct{ buf [64]byte }
	var m Map[int, *payload]
	for i := range 100 {
		m.Store(i, &payload{})
	}
	p := &payload{}
	w := weak.Make(p)
	m.Store(1000, p)
	m.Store(1001, p)
	p = nil
	m.Delete(1000)
	m.Swap(1001, nil)
	runtime.GC()
	runtime.GC()
	assert.Nil(t, w.Value(), "a deleted value is still reachable")
	assert.Equal(t, 101, m.Len())
}

func TestStructAndInterfaceKeys(t *testing.T) {
	type key struct {
		a int
		s string
	}
	var m Map[key, int]
	for i := range 1000 {
		m.Store(key{i, fmt.Sprint(i)}, i)
	}
	v, ok := m.Load(key{7, "7"})
	assert.True(t, ok)
	assert.Equal(t, 7, v)

	var a Map[any, int]
	a.Store(1, 1)
	a.Store(int64(1), 2)
	a.Store("1", 3)
	a.Store(nil, 4)
	a.Store(key{1, "1"}, 5)
	for k, want := range map[any]int{1: 1, int64(1): 2, "1": 3, nil: 4, key{1, "1"}: 5} {
		v, ok := a.Load(k)
		assert.True(t, ok, "%#v", k)
		assert.Equal(t, want, v, "%#v", k)
	}
	assert.Panics(t, func() { a.Store([]int{1}, 1) })
}

func TestFloatKeys(t *testing.T) {
	var m Map[float64, int]
	m.Store(0.0, 1)
	negZero := 1 / negInf()
	v, ok := m.Load(negZero)
	assert.True(t, ok, "-0 must find +0")
	assert.Equal(t, 1, v)
	nan := negInf() * 0
	m.Store(nan, 1)
	m.Store(nan, 2)
	_, ok = m.Load(nan)
	assert.False(t, ok, "NaN never equals itself")
	assert.Equal(t, 3, m.Len())
}

func negInf() float64 {
	x := -1e308
	return x * 10
}
