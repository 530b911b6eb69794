package shardcache

import (
	"context"
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
