package shardcache

import (
	"context"
	"math"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"
)

func TestTTLExpiredInvisibleImmediately(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, err := New(Options[string, int]{MaxEntries: 100, TTL: 50 * time.Millisecond})
		require.NoError(t, err)
		defer c.Close()
		c.Set("a", 1)
		c.SetWithTTL("b", 2, 10*time.Millisecond)
		c.SetWithTTL("forever", 3, 0)

		time.Sleep(9 * time.Millisecond)
		_, ok := c.Get("b")
		require.True(t, ok, "b lives 10ms")
		time.Sleep(time.Millisecond)
		_, ok = c.Get("b")
		require.False(t, ok, "b is invisible at 10ms, with millisecond resolution")

		time.Sleep(39 * time.Millisecond)
		_, ok = c.Get("a")
		require.True(t, ok)
		time.Sleep(time.Millisecond)
		_, ok = c.Get("a")
		require.False(t, ok, "default TTL applies to Set")
		_, ok = c.Get("forever")
		require.True(t, ok)

		// Expired entries are skipped by All.
		n := 0
		for range c.All() {
			n++
		}
		require.Equal(t, 1, n)
	})
}

func TestTTLRewriteRestartsClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, err := New(Options[string, int]{MaxEntries: 100, TTL: time.Second})
		require.NoError(t, err)
		defer c.Close()
		c.Set("a", 1)
		time.Sleep(900 * time.Millisecond)
		c.Set("a", 2)
		time.Sleep(900 * time.Millisecond)
		v, ok := c.Get("a")
		require.True(t, ok)
		require.Equal(t, 2, v)
	})
}

func TestTTLBackgroundReclaimReportsExpired(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var log removalLog[int, int]
		c, err := New(Options[int, int]{MaxEntries: 10_000, TTL: time.Minute, OnRemove: log.record})
		require.NoError(t, err)
		defer c.Close()
		for i := range 1000 { // more than one reclaim batch per shard
			c.Set(i, i)
		}
		c.SetWithTTL(-1, -1, time.Hour)
		time.Sleep(time.Minute + reclaimInterval)
		synctest.Wait()
		require.Equal(t, 1, c.Len(), "memory of expired entries is reclaimed in the background")
		require.Equal(t, 1000, log.count(Expired))
		require.Equal(t, uint64(1000), c.Stats().Evicted.Expired)
		_, ok := c.Get(-1)
		require.True(t, ok)
	})
}

func TestTTLExpiredEvictedFirstUnderPressure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var log removalLog[int, int]
		c, err := New(Options[int, int]{MaxEntries: 300, Shards: 1, OnRemove: log.record})
		require.NoError(t, err)
		defer c.Close()
		for i := range 300 {
			if i%2 == 0 {
				c.SetWithTTL(i, i, time.Millisecond)
			} else {
				c.Set(i, i)
			}
		}
		time.Sleep(2 * time.Millisecond)
		for i := 1000; i < 1150; i++ {
			c.Set(i, i)
		}
		require.Equal(t, 150, log.count(Expired))
		require.Zero(t, log.count(Size))
		for i := 1; i < 300; i += 2 {
			_, ok := c.Get(i)
			require.True(t, ok)
		}
	})
}

func TestTTLAppliesToLoadedValues(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, err := New(Options[string, int]{MaxEntries: 100, TTL: time.Second})
		require.NoError(t, err)
		defer c.Close()
		loads := 0
		load := func(context.Context, string) (int, error) { loads++; return loads, nil }
		v, err := c.GetOrLoad(context.Background(), "k", load)
		require.NoError(t, err)
		require.Equal(t, 1, v)
		v, _ = c.GetOrLoad(context.Background(), "k", load)
		require.Equal(t, 1, v)
		time.Sleep(time.Second)
		v, _ = c.GetOrLoad(context.Background(), "k", load)
		require.Equal(t, 2, v, "an expired entry is loaded again")
	})
}

func TestTTLCloseStopsReclaimer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, err := New(Options[string, int]{MaxEntries: 100})
		require.NoError(t, err)
		c.SetWithTTL("a", 1, time.Millisecond)
		require.NoError(t, c.Close())
		// No goroutine is left in the bubble (synctest.Test would fail), and
		// expired entries stay invisible after Close.
		time.Sleep(time.Millisecond)
		_, ok := c.Get("a")
		require.False(t, ok)
		c.SetWithTTL("b", 1, time.Millisecond) // does not restart the reclaimer
	})
}

// TestExpiredEntriesReportedAsExpired: an entry that had already expired is
// an eviction with cause Expired whatever operation removes it, never a
// Replaced or Explicit removal.
func TestExpiredEntriesReportedAsExpired(t *testing.T) {
	clk := &fakeClock{}
	clk.t.Store(1)
	var log removalLog[string, int]
	c, err := newCache(Options[string, int]{MaxEntries: 100, Shards: 1, OnRemove: log.record}, clk)
	require.NoError(t, err)
	c.reclaiming.Store(true) // no background reclaimer: removals come from the calls below
	defer c.Close()

	c.SetWithTTL("set", 1, time.Second)
	c.SetWithTTL("del", 2, time.Second)
	c.SetWithTTL("clr", 3, time.Second)
	c.SetWithTTL("live", 4, time.Hour)
	clk.advance(2 * time.Second)

	c.Set("set", 10)
	c.Delete("del")
	c.Set("live", 40)
	require.Equal(t, []evicted[string, int]{
		{key: "set", value: 1, cause: Expired},
		{key: "del", value: 2, cause: Expired},
		{key: "live", value: 4, cause: Replaced},
	}, log.events)
	c.Clear()
	require.Contains(t, log.events, evicted[string, int]{key: "clr", value: 3, cause: Expired})
	require.Contains(t, log.events, evicted[string, int]{key: "set", value: 10, cause: Explicit})
	require.Contains(t, log.events, evicted[string, int]{key: "live", value: 40, cause: Explicit})
	st := c.Stats()
	require.Equal(t, EvictionCounts{Expired: 3}, st.Evicted)
	require.Equal(t, RemovalCounts{Explicit: 2, Replaced: 1}, st.Removed)
}

// TestHugeTTLNeverExpires: a TTL so long that now+TTL overflows saturates
// instead of wrapping into the past.
func TestHugeTTLNeverExpires(t *testing.T) {
	c := mustNew(t, Options[string, int]{MaxEntries: 10, TTL: time.Duration(math.MaxInt64)})
	c.Set("a", 1)
	c.SetWithTTL("b", 2, time.Duration(math.MaxInt64))
	for _, k := range []string{"a", "b"} {
		_, ok := c.Get(k)
		require.True(t, ok, k)
	}
}
