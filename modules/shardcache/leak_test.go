package shardcache

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestCloseLeavesNoGoroutines(t *testing.T) {
	defer goleak.VerifyNone(t)
	c, err := New(Options[string, int]{MaxEntries: 1000, TTL: time.Hour})
	require.NoError(t, err)
	c.Set("a", 1) // starts the reclaimer
	started := make(chan struct{})
	go func() {
		_, _ = c.GetOrLoad(context.Background(), "slow", func(ctx context.Context, _ string) (int, error) {
			close(started)
			<-ctx.Done()
			return 0, ctx.Err()
		})
	}()
	<-started
	_, err = c.GetOrLoad(context.Background(), "fast", func(context.Context, string) (int, error) { return 1, nil })
	require.NoError(t, err)
	require.NoError(t, c.Close())
	require.NoError(t, c.Close())
}

func TestUnusedCacheStartsNoGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t)
	c, err := New(Options[string, int]{MaxEntries: 1000})
	require.NoError(t, err)
	c.Set("a", 1)
	c.Get("a")
	// Without TTLs there is no background work to stop, even without Close.
}

// TestCloseWaitsForReadDrains reads from goroutines that take turns on the
// same shard, which hands read-buffer drains to short-lived goroutines;
// Close must wait for them, and the policy must still learn of the reads.
func TestCloseWaitsForReadDrains(t *testing.T) {
	defer goleak.VerifyNone(t)
	c, err := New(Options[int, int]{MaxEntries: 1000, Shards: 1})
	require.NoError(t, err)
	for i := range 1000 {
		c.Set(i, i)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20_000 {
				for k := range 3 {
					c.Get(k)
				}
			}
		})
	}
	wg.Wait()
	require.NoError(t, c.Close())
	for i, s := range c.shards {
		// A drain goroutine clears the flag before it is done, and Close
		// waits for every one started: none may be pending any more.
		require.False(t, s.drainScheduled.Load(), "shard %d: a read drain outlived Close", i)
	}
	c.Set(5000, 0) // a write drains what is left
	require.ElementsMatch(t, []int{0, 1, 2}, c.Hottest(3))
	for range 100 {
		c.Get(1) // after Close, drains run inline: no goroutine may start
	}
}
