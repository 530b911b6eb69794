package safemap

import (
	"errors"
	"maps"
	"testing"

	"github.com/stretchr/testify/require"
)

// maxFuzzOps bounds the work of one input, so the fuzzer explores many
// short sequences rather than a few huge ones.
const maxFuzzOps = 256

// FuzzMap applies a random sequence of operations to a Map and to a plain
// map model and compares every result. Each operation takes three bytes:
// the opcode, a key (0..255, so tables grow and shrink) and a value.
func FuzzMap(f *testing.F) {
	f.Add([]byte{0, 1, 2, 1, 1, 0, 13, 1, 0})
	f.Add([]byte{0, 1, 1, 0, 2, 2, 10, 1, 2, 12, 0, 0, 11, 0, 0})
	f.Add([]byte{14, 200, 1, 8, 1, 3, 9, 2, 2, 9, 2, 2, 15, 3, 0})
	grow := make([]byte, 0, 3*300)
	for i := range 255 {
		grow = append(grow, 0, byte(i), byte(i))
	}
	f.Add(append(grow, 13, 0, 0, 15, 1, 0, 12, 0, 0))
	// Grow to 40 entries, then delete each through an Update (op 13 with
	// v == 7 stores and then deletes k): the table must shrink back.
	emptyByUpdate := []byte{14, 0, 40}
	for k := range 40 {
		emptyByUpdate = append(emptyByUpdate, 13, byte(k), 7)
	}
	f.Add(emptyByUpdate)
	f.Fuzz(fuzzBody)
}

func fuzzBody(t *testing.T, ops []byte) {
	if len(ops) > maxFuzzOps*3 {
		ops = ops[:maxFuzzOps*3]
	}
	{
		var m Map[int, int]
		model := map[int]int{}
		errBoom := errors.New("boom")
		for i := 0; i+2 < len(ops); i += 3 {
			op, k, v := ops[i]%16, int(ops[i+1]), int(ops[i+2])
			mv, mok := model[k]
			switch op {
			case 0:
				m.Store(k, v)
				model[k] = v
			case 1:
				got, ok := m.Load(k)
				require.Equal(t, mok, ok, "Load(%d)", k)
				require.Equal(t, mv, got, "Load(%d)", k)
			case 2:
				got, loaded := m.LoadOrStore(k, v)
				require.Equal(t, mok, loaded)
				if !mok {
					model[k], mv = v, v
				}
				require.Equal(t, mv, got)
			case 3:
				got, loaded := m.LoadAndDelete(k)
				require.Equal(t, mok, loaded)
				require.Equal(t, mv, got)
				delete(model, k)
			case 4:
				m.Delete(k)
				delete(model, k)
			case 5:
				got, loaded := m.Swap(k, v)
				require.Equal(t, mok, loaded)
				require.Equal(t, mv, got)
				model[k] = v
			case 6:
				old := v % 4
				swapped := m.CompareAndSwap(k, old, v)
				require.Equal(t, mok && mv == old, swapped)
				if swapped {
					model[k] = v
				}
			case 7:
				old := v % 4
				deleted := m.CompareAndDelete(k, old)
				require.Equal(t, mok && mv == old, deleted)
				if deleted {
					delete(model, k)
				}
			case 8:
				cop := ComputeOp(v % 3)
				got, ok := m.Compute(k, func(old int, loaded bool) (int, ComputeOp) {
					require.Equal(t, mok, loaded)
					require.Equal(t, mv, old)
					return old + v, cop
				})
				switch cop {
				case UpdateOp:
					model[k] = mv + v
				case DeleteOp:
					delete(model, k)
				}
				wv, wok := model[k]
				require.Equal(t, wok, ok)
				require.Equal(t, wv, got)
			case 9:
				fail := v%2 == 0
				got, loaded, err := m.LoadOrCompute(k, func() (int, error) {
					require.False(t, mok, "LoadOrCompute called f for a present key")
					if fail {
						return 0, errBoom
					}
					return v, nil
				})
				switch {
				case mok:
					require.True(t, loaded)
					require.NoError(t, err)
					require.Equal(t, mv, got)
				case fail:
					require.ErrorIs(t, err, errBoom)
					require.False(t, loaded)
				default:
					require.NoError(t, err)
					require.False(t, loaded)
					require.Equal(t, v, got)
					model[k] = v
				}
			case 10:
				require.Equal(t, model, m.Snapshot())
			case 11:
				require.Equal(t, len(model), m.Len())
				require.Equal(t, model, maps.Collect(m.All()))
			case 12:
				m.Clear()
				clear(model)
			case 13:
				// Update over keys k, k+v%7 and k+1: move value, delete one,
				// add one.
				k2, k3 := k+v%7, k+1
				m.Update([]int{k, k2, k3}, func(b *Batch[int, int]) {
					a, aok := b.Load(k)
					require.Equal(t, mok, aok)
					require.Equal(t, mv, a)
					c, _ := b.Load(k2)
					b.Store(k2, c+a+1)
					b.Delete(k)
					if v%2 == 0 {
						b.Store(k3, v)
					}
				})
				a := model[k]
				c := model[k2]
				model[k2] = c + a + 1
				if k2 != k {
					delete(model, k)
				}
				if v%2 == 0 {
					model[k3] = v
				}
				if k2 == k && k3 != k {
					// The Delete of k ran after the Store to k2 == k.
					delete(model, k)
				} else if k2 == k {
					delete(model, k)
				}
			case 14:
				for j := range v % 64 {
					m.Store(k*256+j, j)
					model[k*256+j] = j
				}
			case 15:
				n := m.DeleteFunc(func(key, val int) bool { return (key+val)%(v%3+2) == 0 })
				want := 0
				for key, val := range model {
					if (key+val)%(v%3+2) == 0 {
						delete(model, key)
						want++
					}
				}
				require.Equal(t, want, n)
			}
			if len(model) == 0 && m.table.Load() != nil {
				// Whichever operation deleted the last entry, the table
				// is back to its smallest size.
				require.Equal(t, minBuckets, m.Stats().Buckets, "empty map after op %d (%d)", i/3, op)
			}
		}
		require.Equal(t, model, m.Snapshot())
		require.Equal(t, len(model), m.Len())
	}
}
