package safemap

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestStoreOverPresentKeyInPlace(t *testing.T) {
	skipUnderRace(t)
	ints := New[int, int64]()
	small := New[string, float32]()
	ptrs := New[int, *int]()
	x := new(int)
	for i := range 100 {
		ints.Store(i, 1)
		small.Store("k", 1)
		ptrs.Store(i, x)
	}
	i := 0
	assert.Zero(t, testing.AllocsPerRun(1000, func() { ints.Store(i%100, int64(i)); i++ }), "Store int64 over a present key")
	assert.Zero(t, testing.AllocsPerRun(1000, func() { ints.Swap(i%100, int64(i)); i++ }), "Swap int64")
	assert.Zero(t, testing.AllocsPerRun(1000, func() { small.Store("k", float32(i)); i++ }), "Store float32 over a present key")
	assert.Zero(t, testing.AllocsPerRun(1000, func() { ptrs.Store(i%100, x); i++ }), "Store *int over a present key")
	assert.Zero(t, testing.AllocsPerRun(1000, func() {
		ints.Compute(i%100, func(old int64, _ bool) (int64, ComputeOp) { return old + 1, UpdateOp })
		i++
	}), "Compute over a present key")
	v, _ := ints.Load(99)
	assert.Positive(t, v)
}

// stressInPlace has writers overwrite a few keys with values from vals
// (Store, Swap, CompareAndSwap, Compute) while readers check, through Load,
// Range, LoadOrStore and DeleteFunc, that every value they see is one of
// vals. Under the race detector it also checks that every access to a
// value that is overwritten in place is atomic.
func stressInPlace[V comparable](t *testing.T, vals []V) {
	forProcs(t, func(t *testing.T) {
		var m Map[int, V]
		const keys = 8
		valid := map[V]bool{}
		for _, v := range vals {
			valid[v] = true
		}
		for k := range keys {
			m.Store(k, vals[0])
		}
		var wg sync.WaitGroup
		n := scale(20000)
		for w := range 2 {
			wg.Go(func() {
				for i := range n {
					k, v := i%keys, vals[(i+w)%len(vals)]
					switch i % 4 {
					case 0:
						m.Store(k, v)
					case 1:
						old, _ := m.Swap(k, v)
						assert.True(t, valid[old], "Swap returned %v", old)
					case 2:
						m.CompareAndSwap(k, vals[i%len(vals)], v)
					case 3:
						m.Compute(k, func(old V, loaded bool) (V, ComputeOp) { return v, UpdateOp })
					}
				}
			})
		}
		for range 2 {
			wg.Go(func() {
				for i := range n {
					k := i % keys
					if v, ok := m.Load(k); ok {
						assert.True(t, valid[v], "Load returned %v", v)
					}
					if v, _ := m.LoadOrStore(k, vals[0]); !valid[v] {
						assert.Fail(t, "LoadOrStore returned a torn value", "%v", v)
					}
					if i%64 == 0 {
						m.Range(func(_ int, v V) bool {
							assert.True(t, valid[v], "Range passed %v", v)
							return true
						})
						m.DeleteFunc(func(k int, v V) bool {
							assert.True(t, valid[v], "DeleteFunc passed %v", v)
							return k == 0
						})
					}
				}
			})
		}
		wg.Wait()
	})
}

func TestStressInPlaceWord64(t *testing.T) {
	stressInPlace(t, []uint64{0, ^uint64(0), 0xffffffff00000000, 0x00000000ffffffff})
}

func TestStressInPlaceWord32(t *testing.T) {
	stressInPlace(t, []float32{0, 1.5, -2.25, 1e30})
}

func TestStressInPlacePointer(t *testing.T) {
	stressInPlace(t, []*int{new(int), new(int), new(int)})
}

// TestFailingWritesTakeNoLock checks that a delete of an absent key and
// compare-and-swaps that cannot succeed return while another goroutine
// holds the bucket lock of their key (inside a Compute callback).
func TestFailingWritesTakeNoLock(t *testing.T) {
	m := New[int, int]()
	m.Store(1, 10)
	tab := m.table.Load()
	_, ri := tab.root(hashKey(&tab.hasher, 1))
	absent := 2
	for ; ; absent++ {
		if _, r := tab.root(hashKey(&tab.hasher, absent)); r == ri {
			break
		}
	}
	held, release := make(chan struct{}), make(chan struct{})
	go m.Compute(1, func(old int, _ bool) (int, ComputeOp) {
		close(held)
		<-release
		return old, CancelOp
	})
	<-held
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.Delete(absent)
		assert.False(t, m.CompareAndSwap(1, 11, 12), "CompareAndSwap with a wrong old value")
		assert.False(t, m.CompareAndDelete(1, 11), "CompareAndDelete with a wrong old value")
		assert.False(t, m.CompareAndDelete(absent, 0), "CompareAndDelete of an absent key")
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Error("a write that changes nothing waited for the bucket lock")
	}
	close(release)
	<-done
}
