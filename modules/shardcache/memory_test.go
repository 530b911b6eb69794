package shardcache

import (
	"runtime"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// TestEntryLayout pins the layout arithmetic of entry's doc comment: a
// uint64→uint64 entry fills the 48-byte size class.
func TestEntryLayout(t *testing.T) {
	require.Equal(t, uintptr(48), unsafe.Sizeof(entry[uint64, uint64]{}))
	require.Equal(t, uintptr(16), unsafe.Sizeof(slot[uint64, uint64]{}))
}

// TestMetaPacksQueueAndHeapIndex: the queue and the expiry heap position
// share one word without disturbing each other.
func TestMetaPacksQueueAndHeapIndex(t *testing.T) {
	var e entry[int, int]
	require.Equal(t, -1, e.heapIdx())
	e.setQueue(queueProtected)
	e.setHeapIdx(maxShardEntries - 1)
	require.Equal(t, queueProtected, e.queue())
	require.Equal(t, maxShardEntries-1, e.heapIdx())
	e.setQueue(queueWindow)
	require.Equal(t, maxShardEntries-1, e.heapIdx())
	e.setHeapIdx(-1)
	require.Equal(t, queueWindow, e.queue())
	require.Equal(t, -1, e.heapIdx())
}

// TestPolicyStartsAtHalfFull: the frequency sketch and the climber exist
// only once a shard has held half of its bound, so a large, mostly empty
// cache does not pay for them.
func TestPolicyStartsAtHalfFull(t *testing.T) {
	c := mustNew(t, Options[int, int]{MaxEntries: 1000, Shards: 1})
	s := c.shards[0]
	for i := range 499 {
		c.Set(i, i)
	}
	require.Nil(t, s.sketch)
	c.Set(499, 499)
	require.NotNil(t, s.sketch)
	require.NotNil(t, s.climber)
}

// TestHugeCapacityAllocatesLazily: New allocates nothing in proportion to
// the capacity, whatever its size.
func TestHugeCapacityAllocatesLazily(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c := mustNew(t, Options[int, int]{MaxEntries: 1 << 30})
	runtime.ReadMemStats(&after)
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "New of a 2^30-entry cache")
	c.Set(1, 1)
	_, ok := c.Get(1)
	require.True(t, ok)
}

// TestTableSizedForTheBound: a full shard's index is sized from its bound,
// not rounded up to a power of two.
func TestTableSizedForTheBound(t *testing.T) {
	c := mustNew(t, Options[int, int]{MaxEntries: 3000, Shards: 1})
	for i := range 10_000 {
		c.Set(i, i)
	}
	size := len(c.shards[0].table.Load().slots)
	require.LessOrEqual(t, size, sizeFor(3000, 3000))
	require.Equal(t, 5001, sizeFor(3000, 3000))
	require.Equal(t, minTableSize, sizeFor(1, 3000))
	require.Equal(t, 2000, sizeFor(1000, 3000))
}
