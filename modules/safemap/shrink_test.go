package safemap

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// deletePaths deletes every key in keys from m, each through one of the
// Map's ways to delete an entry.
var deletePaths = map[string]func(m *Map[int, int], keys []int){
	"Delete": func(m *Map[int, int], keys []int) {
		for _, k := range keys {
			m.Delete(k)
		}
	},
	"LoadAndDelete": func(m *Map[int, int], keys []int) {
		for _, k := range keys {
			m.LoadAndDelete(k)
		}
	},
	"CompareAndDelete": func(m *Map[int, int], keys []int) {
		for _, k := range keys {
			m.CompareAndDelete(k, k)
		}
	},
	"Compute DeleteOp": func(m *Map[int, int], keys []int) {
		for _, k := range keys {
			m.Compute(k, func(int, bool) (int, ComputeOp) { return 0, DeleteOp })
		}
	},
	"DeleteFunc": func(m *Map[int, int], _ []int) {
		m.DeleteFunc(func(int, int) bool { return true })
	},
	"Update one key per batch": func(m *Map[int, int], keys []int) {
		for _, k := range keys {
			m.Update([]int{k}, func(b *Batch[int, int]) { b.Delete(k) })
		}
	},
	"Update 1000 keys per batch": func(m *Map[int, int], keys []int) {
		for chunk := range slices.Chunk(keys, 1000) {
			m.Update(chunk, func(b *Batch[int, int]) {
				for _, k := range chunk {
					b.Delete(k)
				}
			})
		}
	},
	"Update all keys in one batch": func(m *Map[int, int], keys []int) {
		m.Update(keys, func(b *Batch[int, int]) {
			for _, k := range keys {
				b.Delete(k)
			}
		})
	},
	"Range calling Delete": func(m *Map[int, int], _ []int) {
		m.Range(func(k, _ int) bool { m.Delete(k); return true })
	},
	"All calling LoadAndDelete": func(m *Map[int, int], _ []int) {
		for k := range m.All() {
			m.LoadAndDelete(k)
		}
	},
	"Keys calling Compute": func(m *Map[int, int], _ []int) {
		for k := range m.Keys() {
			m.Compute(k, func(int, bool) (int, ComputeOp) { return 0, DeleteOp })
		}
	},
	"Clear": func(m *Map[int, int], _ []int) {
		m.Clear()
	},
}

// TestShrinkThroughEveryDeletePath fills a map, deletes every entry through
// one path, and checks that the table went back to its smallest size, as
// it does after Delete: a path that never shrinks would leave a table
// sized for the peak (262,144 buckets and 19 MB at Len() == 0 after 1M
// entries deleted through Update).
func TestShrinkThroughEveryDeletePath(t *testing.T) {
	n := scale(1 << 14)
	keys := make([]int, n)
	for i := range keys {
		keys[i] = i
	}
	for name, del := range deletePaths {
		t.Run(name, func(t *testing.T) {
			var m Map[int, int]
			for _, k := range keys {
				m.Store(k, k)
			}
			big := m.Stats()
			require.Greater(t, big.Buckets, 64*minBuckets)

			del(&m, keys)
			s := m.Stats()
			assert.Zero(t, m.Len())
			assert.Zero(t, s.Entries)
			assert.Equal(t, minBuckets, s.Buckets, "table still sized for %d entries", n)
			assert.Zero(t, s.OverflowBuckets)

			// The shrunk map still works and grows again.
			for _, k := range keys {
				m.Store(k, -k)
			}
			assert.Equal(t, n, m.Len())
			v, ok := m.Load(n - 1)
			assert.True(t, ok)
			assert.Equal(t, 1-n, v)
		})
	}
}

// TestShrinkKeepsPresizeThroughEveryDeletePath checks the floor of every
// delete path: a presized map never shrinks below WithPresize, and a
// WithGrowOnly map never shrinks.
func TestShrinkKeepsPresizeThroughEveryDeletePath(t *testing.T) {
	n := scale(1 << 12)
	keys := make([]int, n)
	for i := range keys {
		keys[i] = i
	}
	for name, del := range deletePaths {
		t.Run(name, func(t *testing.T) {
			p := New[int, int](WithPresize(n / 2))
			g := New[int, int](WithGrowOnly())
			for _, k := range keys {
				p.Store(k, k)
				g.Store(k, k)
			}
			peak := g.Stats().Buckets
			del(p, keys)
			del(g, keys)
			assert.Equal(t, bucketsFor(n/2), p.Stats().Buckets, "presized map")
			if name != "Clear" {
				assert.Equal(t, peak, g.Stats().Buckets, "WithGrowOnly map")
				assert.Zero(t, g.Stats().Shrinks)
			}
		})
	}
}

// TestShrinkSyncMap checks that SyncMap's deletes shrink its table too.
func TestShrinkSyncMap(t *testing.T) {
	n := scale(1 << 12)
	for name, del := range map[string]func(m *SyncMap, k int){
		"Delete":           func(m *SyncMap, k int) { m.Delete(k) },
		"LoadAndDelete":    func(m *SyncMap, k int) { m.LoadAndDelete(k) },
		"CompareAndDelete": func(m *SyncMap, k int) { m.CompareAndDelete(k, k) },
	} {
		t.Run(name, func(t *testing.T) {
			var m SyncMap
			for k := range n {
				m.Store(k, k)
			}
			require.Greater(t, m.m.Stats().Buckets, 16*minBuckets)
			for k := range n {
				del(&m, k)
			}
			assert.Equal(t, minBuckets, m.m.Stats().Buckets)
		})
	}
}
