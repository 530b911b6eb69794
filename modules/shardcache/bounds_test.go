package shardcache

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestZeroWeightsStayBounded: a Weigher that returns 0 must not let entries
// bypass MaxWeight (every entry counts at least 1).
func TestZeroWeightsStayBounded(t *testing.T) {
	var log removalLog[int, []byte]
	c := mustNew(t, Options[int, []byte]{
		MaxWeight: 100,
		Weigher:   func(int, []byte) uint32 { return 0 },
		OnRemove:  log.record,
	})
	for i := range 200_000 {
		c.Set(i, make([]byte, 16))
		if i%1000 == 0 {
			require.LessOrEqual(t, c.Len(), 100)
		}
	}
	require.LessOrEqual(t, c.Len(), 100)
	st := c.Stats()
	require.LessOrEqual(t, st.Weight, int64(100))
	require.Equal(t, int64(c.Len()), st.Weight, "a zero weight counts as 1")
	require.Equal(t, 200_000-c.Len(), log.count(Size))
}

// TestEntryAndWeightBoundsTogether: with both MaxEntries and MaxWeight set,
// both hold.
func TestEntryAndWeightBoundsTogether(t *testing.T) {
	c := mustNew(t, Options[int, int]{
		MaxEntries: 300,
		MaxWeight:  1000,
		Shards:     1,
		Weigher:    func(k, _ int) uint32 { return uint32(k % 7) }, // many zero and light entries
	})
	for i := range 10_000 {
		c.Set(i, i)
		require.LessOrEqual(t, c.Len(), 300)
		require.LessOrEqual(t, c.Stats().Weight, int64(1000))
	}
	require.Equal(t, 300, c.Len(), "light entries fill the entry bound")

	heavy := mustNew(t, Options[int, int]{MaxEntries: 300, MaxWeight: 1000, Shards: 1,
		Weigher: func(int, int) uint32 { return 50 }})
	for i := range 1000 {
		heavy.Set(i, i)
	}
	require.Equal(t, 20, heavy.Len(), "heavy entries fill the weight bound")
}

// TestHugeMaxWeightAllocatesLittle: MaxWeight bounds the entries too, but a
// huge MaxWeight must not size the cache (its shard count) for that many
// entries: the entry bound it implies is capped at MaxEntriesLimit.
func TestHugeMaxWeightAllocatesLittle(t *testing.T) {
	c := mustNew(t, Options[int, int]{MaxWeight: 1 << 62, Weigher: func(int, int) uint32 { return 1 }})
	require.LessOrEqual(t, len(c.shards), MaxEntriesLimit/maxShardEntries+1)
	c.Set(1, 1)
	v, ok := c.Get(1)
	require.True(t, ok)
	require.Equal(t, 1, v)
}
