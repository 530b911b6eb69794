package shardcache

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAllocsHitIsZero(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	c, err := New(Options[int, int]{MaxEntries: 10_000})
	require.NoError(t, err)
	defer c.Close()
	for i := range 1000 {
		c.Set(i, i)
	}
	i := 0
	allocs := testing.AllocsPerRun(10_000, func() {
		if _, ok := c.Get(i % 1000); !ok {
			t.Fatal("miss")
		}
		i++
	})
	require.Zero(t, allocs, "Get hit (int keys)")

	sc, err := New(Options[string, int]{MaxEntries: 10_000, TTL: 1 << 40})
	require.NoError(t, err)
	defer sc.Close()
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = "key-" + strconv.Itoa(i)
		sc.Set(keys[i], i)
	}
	allocs = testing.AllocsPerRun(10_000, func() {
		if _, ok := sc.Get(keys[i%1000]); !ok {
			t.Fatal("miss")
		}
		i++
	})
	require.Zero(t, allocs, "Get hit (string keys, TTL)")
}

func TestAllocsInsertAtMostOne(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	c, err := New(Options[int, int]{MaxEntries: 1024})
	require.NoError(t, err)
	defer c.Close()
	for i := range 4096 {
		c.Set(i, i) // grow tables to their steady size
	}
	i := 4096
	allocs := testing.AllocsPerRun(10_000, func() {
		c.Set(i, i) // new key: inserts and evicts
		i++
	})
	require.LessOrEqual(t, allocs, 1.0, "Set of a new key")
	allocs = testing.AllocsPerRun(10_000, func() {
		c.Set(i-1, i) // existing key: overwritten in place
	})
	require.Zero(t, allocs, "Set of an existing key (int values)")

	sc, err := New(Options[int, string]{MaxEntries: 1024})
	require.NoError(t, err)
	defer sc.Close()
	sc.Set(1, "a")
	allocs = testing.AllocsPerRun(10_000, func() {
		sc.Set(1, "b") // string values are immutable: a new entry
	})
	require.LessOrEqual(t, allocs, 1.0, "Set of an existing key (string values)")
}

func TestAllocsOverwriteInPlaceWithOnRemove(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	replaced := 0
	c, err := New(Options[int, *int]{MaxEntries: 1024, OnRemove: func(_ int, _ *int, cause RemovalCause) {
		if cause == Replaced {
			replaced++
		}
	}})
	require.NoError(t, err)
	defer c.Close()
	a, b := new(int), new(int)
	c.Set(1, a)
	c.Set(1, b) // warm the pool of eviction lists
	runs := 0
	allocs := testing.AllocsPerRun(10_000, func() {
		c.Set(1, a) // overwritten in place under the lock, old value reported
		runs++
	})
	require.Zero(t, allocs, "Set of an existing key (pointer values, OnRemove)")
	require.Equal(t, runs+1, replaced, "every overwrite reports the replaced value")
}
