package shardcache

import (
	"context"
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
		var log evictLog[int, int]
		c, err := New(Options[int, int]{MaxEntries: 10_000, TTL: time.Minute, OnEvict: log.record})
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
		require.Equal(t, uint64(1000), c.Stats().Evictions[Expired])
		_, ok := c.Get(-1)
		require.True(t, ok)
	})
}

func TestTTLExpiredEvictedFirstUnderPressure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var log evictLog[int, int]
		c, err := New(Options[int, int]{MaxEntries: 300, Shards: 1, OnEvict: log.record})
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
