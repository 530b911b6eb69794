package safemap

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncMapAPI is the method set of sync.Map; both types must satisfy it.
type syncMapAPI interface {
	Load(key any) (value any, ok bool)
	Store(key, value any)
	LoadOrStore(key, value any) (actual any, loaded bool)
	LoadAndDelete(key any) (value any, loaded bool)
	Delete(key any)
	Swap(key, value any) (previous any, loaded bool)
	CompareAndSwap(key, old, new any) (swapped bool)
	CompareAndDelete(key, old any) (deleted bool)
	Range(f func(key, value any) bool)
	Clear()
}

var (
	_ syncMapAPI = (*sync.Map)(nil)
	_ syncMapAPI = (*SyncMap)(nil)
)

func TestSyncMapMatchesSyncMap(t *testing.T) {
	var ours SyncMap
	var ref sync.Map
	r := rand.New(rand.NewPCG(1, 2))
	keyOf := func() any {
		switch r.IntN(4) {
		case 0:
			return r.IntN(50)
		case 1:
			return fmt.Sprint(r.IntN(50))
		case 2:
			return float64(r.IntN(10))
		default:
			return nil
		}
	}
	valOf := func() any {
		if r.IntN(5) == 0 {
			return nil
		}
		return r.IntN(4)
	}
	for i := range 20000 {
		k, v, v2 := keyOf(), valOf(), valOf()
		var a, b [2]any
		switch op := r.IntN(10); op {
		case 0:
			a[0], a[1] = ours.Load(k)
			b[0], b[1] = ref.Load(k)
		case 1:
			ours.Store(k, v)
			ref.Store(k, v)
		case 2:
			a[0], a[1] = ours.LoadOrStore(k, v)
			b[0], b[1] = ref.LoadOrStore(k, v)
		case 3:
			a[0], a[1] = ours.LoadAndDelete(k)
			b[0], b[1] = ref.LoadAndDelete(k)
		case 4:
			ours.Delete(k)
			ref.Delete(k)
		case 5:
			a[0], a[1] = ours.Swap(k, v)
			b[0], b[1] = ref.Swap(k, v)
		case 6:
			a[0] = ours.CompareAndSwap(k, v, v2)
			b[0] = ref.CompareAndSwap(k, v, v2)
		case 7:
			a[0] = ours.CompareAndDelete(k, v)
			b[0] = ref.CompareAndDelete(k, v)
		case 8:
			if r.IntN(50) == 0 {
				ours.Clear()
				ref.Clear()
			}
		case 9:
			a[0], b[0] = rangeAll(&ours), rangeAll(&ref)
		}
		require.Equal(t, b, a, "step %d", i)
	}
	assert.Equal(t, rangeAll(&ref), rangeAll(&ours))
}

func rangeAll(m syncMapAPI) map[any]any {
	out := map[any]any{}
	m.Range(func(k, v any) bool { out[k] = v; return true })
	return out
}

func TestSyncMapPanicsLikeSyncMap(t *testing.T) {
	unhashable := []int{1}
	for name, op := range map[string]func(m syncMapAPI){
		"Load":                 func(m syncMapAPI) { m.Load(unhashable) },
		"Store":                func(m syncMapAPI) { m.Store(unhashable, 1) },
		"LoadOrStore":          func(m syncMapAPI) { m.LoadOrStore(unhashable, 1) },
		"LoadAndDelete":        func(m syncMapAPI) { m.LoadAndDelete(unhashable) },
		"Delete":               func(m syncMapAPI) { m.Delete(unhashable) },
		"Swap":                 func(m syncMapAPI) { m.Swap(unhashable, 1) },
		"CompareAndSwap key":   func(m syncMapAPI) { m.CompareAndSwap(unhashable, 1, 2) },
		"CompareAndDelete key": func(m syncMapAPI) { m.CompareAndDelete(unhashable, 1) },
		"CompareAndSwap value": func(m syncMapAPI) {
			m.Store("k", []int{1})
			m.CompareAndSwap("k", []int{1}, 2)
		},
		"CompareAndDelete value": func(m syncMapAPI) {
			m.Store("k", map[int]int{})
			m.CompareAndDelete("k", map[int]int{})
		},
	} {
		t.Run(name, func(t *testing.T) {
			var ref sync.Map
			var ours SyncMap
			refPanic := recoverOf(func() { op(&ref) })
			ourPanic := recoverOf(func() { op(&ours) })
			require.NotNil(t, refPanic, "sync.Map did not panic")
			assert.Equal(t, fmt.Sprint(refPanic), fmt.Sprint(ourPanic))
			ours.Store("after", 1)
			v, ok := ours.Load("after")
			assert.True(t, ok, "map unusable after the panic")
			assert.Equal(t, 1, v)
		})
	}
	t.Run("no panic on non-comparable value of a missing key", func(t *testing.T) {
		var ref sync.Map
		var ours SyncMap
		assert.False(t, ref.CompareAndSwap("missing", []int{1}, 2))
		assert.False(t, ours.CompareAndSwap("missing", []int{1}, 2))
		assert.False(t, ref.CompareAndDelete("missing", []int{1}))
		assert.False(t, ours.CompareAndDelete("missing", []int{1}))
	})
}

func recoverOf(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}
