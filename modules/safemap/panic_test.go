package safemap

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// usable fails the test unless every key of m can still be written, which
// needs every bucket lock to be free, within a deadline (a leaked lock
// would otherwise hang the test binary).
func usable(t *testing.T, m *Map[int, int]) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for k := range 64 {
			m.Store(k, k)
		}
		keys := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
		m.Update(keys, func(b *Batch[int, int]) {
			for _, k := range keys {
				b.Store(k, -k)
			}
		})
		_ = m.Snapshot()
		m.Clear()
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("a lock leaked: the map is stuck")
	}
}

func newFilled() *Map[int, int] {
	m := New[int, int]()
	for k := range 64 {
		m.Store(k, k)
	}
	return m
}

func TestPanicInCallbacks(t *testing.T) {
	cases := map[string]func(m *Map[int, int]){
		"Compute existing": func(m *Map[int, int]) {
			m.Compute(1, func(int, bool) (int, ComputeOp) { panic("boom") })
		},
		"Compute missing": func(m *Map[int, int]) {
			m.Compute(1000, func(int, bool) (int, ComputeOp) { panic("boom") })
		},
		"LoadOrCompute": func(m *Map[int, int]) {
			m.LoadOrCompute(1000, func() (int, error) { panic("boom") })
		},
		"Update": func(m *Map[int, int]) {
			m.Update([]int{1, 2, 3, 1000}, func(b *Batch[int, int]) {
				b.Store(1, 100)
				b.Delete(2)
				b.Store(1000, 1)
				panic("boom")
			})
		},
		"DeleteFunc": func(m *Map[int, int]) {
			m.DeleteFunc(func(k, _ int) bool {
				if k == 5 {
					panic("boom")
				}
				return false
			})
		},
		"Range": func(m *Map[int, int]) {
			m.Range(func(int, int) bool { panic("boom") })
		},
		"All": func(m *Map[int, int]) {
			for range m.All() {
				panic("boom")
			}
		},
		"Keys": func(m *Map[int, int]) {
			for range m.Keys() {
				panic("boom")
			}
		},
		"Values": func(m *Map[int, int]) {
			for range m.Values() {
				panic("boom")
			}
		},
	}
	for name, op := range cases {
		t.Run(name, func(t *testing.T) {
			m := newFilled()
			before := m.Snapshot()
			require.PanicsWithValue(t, "boom", func() { op(m) })
			assert.Equal(t, before, m.Snapshot(), "a panicking callback changed the map")
			usable(t, m)
		})
	}
}

func TestPanicInCompareValue(t *testing.T) {
	var m Map[int, any]
	m.Store(1, []int{1})
	require.Panics(t, func() { m.CompareAndSwap(1, []int{1}, 2) })
	require.Panics(t, func() { m.CompareAndDelete(1, []int{1}) })
	m.Store(1, 2)
	assert.True(t, m.CompareAndSwap(1, 2, 3))
	assert.True(t, m.CompareAndDelete(1, 3))
}
