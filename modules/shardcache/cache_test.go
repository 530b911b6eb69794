package shardcache

import (
	"fmt"
	"maps"
	"strconv"
	"sync"
	"testing"

	"github.com/cespare/xxhash/v2"
	"github.com/stretchr/testify/require"
)

func mustNew[K comparable, V any](t testing.TB, opts Options[K, V]) *Cache[K, V] {
	t.Helper()
	c, err := New(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// removalLog records OnRemove calls.
type removalLog[K comparable, V any] struct {
	mu     sync.Mutex
	events []evicted[K, V]
}

func (l *removalLog[K, V]) record(k K, v V, cause RemovalCause) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, evicted[K, V]{key: k, value: v, cause: cause})
}

func (l *removalLog[K, V]) count(cause RemovalCause) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, e := range l.events {
		if e.cause == cause {
			n++
		}
	}
	return n
}

func TestGetSetDelete(t *testing.T) {
	var log removalLog[string, int]
	c := mustNew(t, Options[string, int]{MaxEntries: 100, OnRemove: log.record})
	_, ok := c.Get("a")
	require.False(t, ok)
	c.Set("a", 1)
	v, ok := c.Get("a")
	require.True(t, ok)
	require.Equal(t, 1, v)
	c.Set("a", 2)
	v, _ = c.Get("a")
	require.Equal(t, 2, v)
	require.Equal(t, []evicted[string, int]{{"a", 1, Replaced}}, log.events)
	require.Equal(t, 1, c.Len())
	c.Delete("a")
	_, ok = c.Get("a")
	require.False(t, ok)
	require.Equal(t, 0, c.Len())
	require.Equal(t, evicted[string, int]{"a", 2, Explicit}, log.events[1])
	c.Delete("a") // absent: no event
	require.Len(t, log.events, 2)
}

func TestCountBoundNeverExceeded(t *testing.T) {
	for _, capacity := range []int{1, 7, 256, 1000, 5000} {
		var log removalLog[int, int]
		c := mustNew(t, Options[int, int]{MaxEntries: capacity, OnRemove: log.record})
		for i := range 10 * capacity {
			c.Set(i, i)
			require.LessOrEqual(t, c.Len(), capacity)
		}
		require.Equal(t, capacity, c.Len(), "a full cache stays full")
		require.Equal(t, 9*capacity, log.count(Size))
		n := 0
		for k, v := range c.All() {
			require.Equal(t, k, v)
			n++
		}
		require.Equal(t, capacity, n)
	}
}

func TestWeightBoundNeverExceeded(t *testing.T) {
	var log removalLog[int, string]
	const maxWeight = 10_000
	c := mustNew(t, Options[int, string]{
		MaxWeight: maxWeight,
		Weigher:   func(_ int, v string) uint32 { return uint32(len(v)) },
		OnRemove:  log.record,
	})
	total := func() int64 {
		var w int64
		for _, v := range c.All() {
			w += int64(len(v))
		}
		return w
	}
	for i := range 5000 {
		c.Set(i, string(make([]byte, 1+i%40)))
		require.LessOrEqual(t, c.Stats().Weight, int64(maxWeight))
	}
	require.LessOrEqual(t, total(), int64(maxWeight))
	require.Equal(t, total(), c.Stats().Weight)
	require.Greater(t, total(), int64(maxWeight/2))

	// An entry heavier than a shard's share is evicted at once, and reported,
	// without evicting anything else; one that replaces a key removes the
	// old value as Replaced.
	before, lenBefore := log.count(Size), c.Len()
	c.Set(-1, string(make([]byte, maxWeight+1)))
	_, ok := c.Get(-1)
	require.False(t, ok)
	require.Equal(t, before+1, log.count(Size))
	require.Equal(t, lenBefore, c.Len())
	c.Set(-2, "x")
	_, ok = c.Get(-2)
	require.True(t, ok, "a new entry starts in the window")
	replacedBefore, sizeBefore := log.count(Replaced), log.count(Size)
	c.Set(-2, string(make([]byte, maxWeight+1)))
	_, ok = c.Get(-2)
	require.False(t, ok)
	require.Equal(t, sizeBefore+1, log.count(Size))
	require.Equal(t, replacedBefore+1, log.count(Replaced))
	require.Equal(t, total(), c.Stats().Weight)
}

func TestSetNeverDropped(t *testing.T) {
	// Unlike admission-buffered caches, the value of a completed Set is
	// visible immediately, even in a full cache with a hot working set.
	c := mustNew(t, Options[int, int]{MaxEntries: 256})
	for range 20 {
		for i := range 256 {
			c.Set(i, i)
			c.Get(i)
		}
	}
	for i := 1000; i < 3000; i++ {
		c.Set(i, i)
		v, ok := c.Get(i)
		require.True(t, ok, "key %d", i)
		require.Equal(t, i, v)
	}
}

func TestClear(t *testing.T) {
	var log removalLog[int, int]
	c := mustNew(t, Options[int, int]{MaxEntries: 1000, OnRemove: log.record})
	for i := range 500 {
		c.Set(i, i)
	}
	c.Clear()
	require.Equal(t, 0, c.Len())
	require.Equal(t, 500, log.count(Explicit))
	for i := range 500 {
		_, ok := c.Get(i)
		require.False(t, ok)
	}
	c.Set(1, 1)
	v, ok := c.Get(1)
	require.True(t, ok)
	require.Equal(t, 1, v)
}

func TestAllMayCallCache(t *testing.T) {
	c := mustNew(t, Options[int, int]{MaxEntries: 1000})
	for i := range 100 {
		c.Set(i, i)
	}
	seen := map[int]int{}
	for k, v := range c.All() {
		c.Set(k+1000, v) // no deadlock: All yields without locks
		seen[k] = v
		if len(seen) == 50 {
			break
		}
	}
	require.Len(t, seen, 50)
	require.Equal(t, 150, c.Len())
}

func TestHottest(t *testing.T) {
	c := mustNew(t, Options[int, int]{MaxEntries: 2000})
	for i := range 1000 {
		c.Set(i, i)
	}
	for range 64 { // hits are sampled: enough rounds that every hot key is reported
		for k := range 5 {
			c.Get(k)
		}
	}
	c.Set(5000, 0) // a write drains the access buffers
	hot := c.Hottest(5)
	require.ElementsMatch(t, []int{0, 1, 2, 3, 4}, hot)
	require.Len(t, c.Hottest(5000), 1001)
	require.Nil(t, c.Hottest(0))
	require.Positive(t, c.Stats().Promotions)
}

func TestStats(t *testing.T) {
	c := mustNew(t, Options[string, int]{MaxEntries: 600, Shards: 2})
	c.Set("a", 1)
	for range 1000 {
		c.Get("a")
	}
	for range 10 {
		c.Get("b")
	}
	st := c.Stats()
	require.Equal(t, uint64(1000), st.Hits, "every hit is counted, even those dropped from the policy buffer")
	require.Equal(t, uint64(10), st.Misses)
	require.Equal(t, 1, st.Entries)
	require.Equal(t, int64(1), st.Weight)
	require.Len(t, st.ShardEntries, 2)
	require.Equal(t, 1, st.ShardEntries[0]+st.ShardEntries[1])
	require.Len(t, st.LoadDuration.Bounds, len(st.LoadDuration.Cumulative))
}

func TestSeededHashSpreadsCraftedKeys(t *testing.T) {
	// Keys chosen so that an unseeded xxhash routes all of them to shard 0
	// of 4 still spread over all shards of a seeded cache.
	const shards = 4
	var crafted []string
	for i := 0; len(crafted) < 4000; i++ {
		k := "k" + strconv.Itoa(i)
		if (xxhash.Sum64String(k)>>32)*shards>>32 == 0 {
			crafted = append(crafted, k)
		}
	}
	c := mustNew(t, Options[string, int]{MaxEntries: 8192, Shards: shards})
	for _, k := range crafted {
		c.Set(k, 0)
	}
	for i, n := range c.Stats().ShardEntries {
		require.Greater(t, n, len(crafted)/shards/2, "shard %d holds %d of %d", i, n, len(crafted))
	}

	// Same for integer keys and other comparable types.
	type point struct{ x, y int }
	pc := mustNew(t, Options[point, int]{MaxEntries: 8192, Shards: shards})
	ic := mustNew(t, Options[int, int]{MaxEntries: 8192, Shards: shards})
	for i := range 4000 {
		pc.Set(point{i << 32, 0}, i)
		ic.Set(i<<32, i)
	}
	for _, st := range []Stats{pc.Stats(), ic.Stats()} {
		for i, n := range st.ShardEntries {
			require.Greater(t, n, 500, "shard %d", i)
		}
	}
}

func TestHashersAreSeededPerCache(t *testing.T) {
	for _, h := range []func() (uint64, uint64){
		func() (uint64, uint64) { return newHasher[string]()("x"), newHasher[string]()("x") },
		func() (uint64, uint64) { return newHasher[int]()(7), newHasher[int]()(7) },
		func() (uint64, uint64) { return newHasher[[2]int]()([2]int{1, 2}), newHasher[[2]int]()([2]int{1, 2}) },
	} {
		a, b := h()
		require.NotEqual(t, a, b)
	}
	h := newHasher[uint64]()
	require.Equal(t, h(42), h(42))
}

func TestManyKeyTypes(t *testing.T) {
	type id string
	c := mustNew(t, Options[id, []byte]{MaxEntries: 10})
	c.Set("x", []byte("y"))
	v, ok := c.Get("x")
	require.True(t, ok)
	require.Equal(t, "y", string(v))

	f := mustNew(t, Options[float64, int]{MaxEntries: 10})
	f.Set(1.5, 1)
	_, ok = f.Get(1.5)
	require.True(t, ok)
}

func TestLoopResistance(t *testing.T) {
	// A loop over slightly more keys than the capacity defeats LRU; the
	// frequency-based admission keeps most of the loop resident.
	const capacity = 1000
	c := mustNew(t, Options[int, int]{MaxEntries: capacity, Shards: 1})
	hits, total := 0, 0
	for pass := range 50 {
		for k := range capacity + capacity/100 {
			if _, ok := c.Get(k); ok {
				if pass > 0 {
					hits++
				}
			} else {
				c.Set(k, k)
			}
			if pass > 0 {
				total++
			}
		}
	}
	require.Greater(t, float64(hits)/float64(total), 0.9)
}

func ExampleCache_All() {
	c, _ := New(Options[string, int]{MaxEntries: 100})
	defer c.Close()
	c.Set("a", 1)
	c.Set("b", 2)
	m := maps.Collect(c.All())
	fmt.Println(m["a"], m["b"], len(m))
	// Output: 1 2 2
}
