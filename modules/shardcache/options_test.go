package shardcache

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestNewRejectsBadOptions(t *testing.T) {
	weigher := func(int, int) uint32 { return 1 }
	for _, tc := range []struct {
		name  string
		opts  Options[int, int]
		field string
		err   error
	}{
		{"no bound", Options[int, int]{}, "MaxEntries", ErrInvalidCapacity},
		{"negative entries", Options[int, int]{MaxEntries: -1}, "MaxEntries", ErrInvalidCapacity},
		{"negative weight", Options[int, int]{MaxWeight: -5, Weigher: weigher}, "MaxWeight", ErrInvalidCapacity},
		{"too many entries", Options[int, int]{MaxEntries: 1 << 62}, "MaxEntries", ErrInvalidCapacity},
		{"too many shards", Options[int, int]{MaxEntries: 1 << 30, Shards: 1 << 20}, "Shards", ErrInvalidShards},
		{"shards too large", Options[int, int]{MaxEntries: 1 << 31, Shards: 1}, "Shards", ErrInvalidShards},
		{"weight without weigher", Options[int, int]{MaxWeight: 10}, "Weigher", ErrMissingWeigher},
		{"negative TTL", Options[int, int]{MaxEntries: 10, TTL: -time.Second}, "TTL", ErrInvalidTTL},
		{"negative shards", Options[int, int]{MaxEntries: 10, Shards: -1}, "Shards", ErrInvalidShards},
		{"tiny shards", Options[int, int]{MaxEntries: 1000, Shards: 8}, "Shards", ErrInvalidShards},
		{"more shards than weight", Options[int, int]{MaxWeight: 4, Weigher: weigher, Shards: 8}, "Shards", ErrInvalidShards},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.opts)
			require.Nil(t, c)
			require.Error(t, err)
			require.True(t, errors.Is(err, tc.err), "got %v", err)
			require.Contains(t, err.Error(), tc.field)
		})
	}
}

func TestNewAcceptsGoodOptions(t *testing.T) {
	for _, opts := range []Options[int, int]{
		{MaxEntries: 1},
		{MaxEntries: 1000, Shards: 1},
		{MaxEntries: 1024, Shards: 4},
		{MaxWeight: 1 << 20, Weigher: func(int, int) uint32 { return 8 }, Shards: 16},
		{MaxEntries: 1 << 20, TTL: time.Minute},
		{MaxEntries: 1000, MaxWeight: 1 << 20, Weigher: func(int, int) uint32 { return 8 }},
		{MaxEntries: int(min(MaxEntriesLimit, math.MaxInt))},
	} {
		c, err := New(opts)
		require.NoError(t, err)
		require.NoError(t, c.Close())
	}
}

func TestAutoShardsKeepAtLeastMinEntries(t *testing.T) {
	for _, capacity := range []int{1, 255, 256, 1000, 4096, 100_000, 1 << 22} {
		for _, procs := range []int{1, 2, 4, 64} {
			n := autoShards(int64(capacity), int64(capacity), procs)
			require.GreaterOrEqual(t, n, 1)
			if n > 1 {
				require.GreaterOrEqual(t, capacity/n, autoShardEntries, "capacity %d procs %d", capacity, procs)
			}
			require.LessOrEqual(t, n, 4*procs)
		}
	}
	// Shards grow with the cache.
	require.Less(t, autoShards(4000, 4000, 8), autoShards(100_000, 100_000, 8))
}

func TestRemovalCauseString(t *testing.T) {
	require.Equal(t, "size", Size.String())
	require.Equal(t, "expired", Expired.String())
	require.Equal(t, "explicit", Explicit.String())
	require.Equal(t, "replaced", Replaced.String())
	require.Equal(t, "RemovalCause(9)", RemovalCause(9).String())
}
