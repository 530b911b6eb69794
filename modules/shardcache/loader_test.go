package shardcache

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestGetOrLoadDeduplicates(t *testing.T) {
	c := mustNew(t, Options[string, int]{MaxEntries: 100})
	var calls atomic.Int32
	release := make(chan struct{})
	load := func(ctx context.Context, k string) (int, error) {
		calls.Add(1)
		<-release
		return 42, nil
	}
	const n = 50
	var wg sync.WaitGroup
	results := make([]int, n)
	for i := range n {
		wg.Go(func() {
			v, err := c.GetOrLoad(context.Background(), "k", load)
			require.NoError(t, err)
			results[i] = v
		})
	}
	// Wait until every caller is either the loader or a registered waiter.
	require.Eventually(t, func() bool { return c.Stats().DedupedWaiters == n-1 }, 10*time.Second, time.Millisecond)
	close(release)
	wg.Wait()
	require.Equal(t, int32(1), calls.Load())
	for _, v := range results {
		require.Equal(t, 42, v)
	}
	v, ok := c.Get("k")
	require.True(t, ok)
	require.Equal(t, 42, v)
	st := c.Stats()
	require.Equal(t, uint64(1), st.LoadSuccesses)
	require.Equal(t, uint64(1), st.LoadDuration.Count)
}

func TestGetOrLoadHit(t *testing.T) {
	c := mustNew(t, Options[string, int]{MaxEntries: 100})
	c.Set("k", 7)
	v, err := c.GetOrLoad(context.Background(), "k", func(context.Context, string) (int, error) {
		t.Fatal("load called on a hit")
		return 0, nil
	})
	require.NoError(t, err)
	require.Equal(t, 7, v)
}

func TestGetOrLoadErrorToEveryWaiterNotCached(t *testing.T) {
	c := mustNew(t, Options[string, int]{MaxEntries: 100})
	boom := errors.New("boom")
	release := make(chan struct{})
	var calls atomic.Int32
	load := func(context.Context, string) (int, error) {
		calls.Add(1)
		<-release
		return 0, boom
	}
	const n = 10
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := c.GetOrLoad(context.Background(), "k", load)
			errs <- err
		}()
	}
	require.Eventually(t, func() bool { return c.Stats().DedupedWaiters == n-1 }, 10*time.Second, time.Millisecond)
	close(release)
	for range n {
		require.ErrorIs(t, <-errs, boom)
	}
	require.Equal(t, int32(1), calls.Load())
	_, ok := c.Get("k")
	require.False(t, ok, "errors are not cached")
	require.Equal(t, uint64(1), c.Stats().LoadErrors)

	// The next call loads again.
	v, err := c.GetOrLoad(context.Background(), "k", func(context.Context, string) (int, error) { return 3, nil })
	require.NoError(t, err)
	require.Equal(t, 3, v)
}

func TestGetOrLoadWaiterHonoursOwnContext(t *testing.T) {
	c := mustNew(t, Options[string, int]{MaxEntries: 100})
	release := make(chan struct{})
	started := make(chan struct{})
	load := func(ctx context.Context, k string) (int, error) {
		close(started)
		<-release
		return 1, nil
	}
	leaderDone := make(chan error, 1)
	go func() {
		_, err := c.GetOrLoad(context.Background(), "k", load)
		leaderDone <- err
	}()
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	waiterDone := make(chan error, 1)
	go func() {
		_, err := c.GetOrLoad(ctx, "k", load)
		waiterDone <- err
	}()
	require.Eventually(t, func() bool { return c.Stats().DedupedWaiters == 1 }, 10*time.Second, time.Millisecond)
	cancel()
	require.ErrorIs(t, <-waiterDone, context.Canceled)
	close(release)
	require.NoError(t, <-leaderDone, "the leader still gets the value")
	v, ok := c.Get("k")
	require.True(t, ok)
	require.Equal(t, 1, v)
}

func TestGetOrLoadCancelsLoadWhenEveryWaiterLeaves(t *testing.T) {
	c := mustNew(t, Options[string, int]{MaxEntries: 100})
	loadCtxDone := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.GetOrLoad(ctx, "k", func(lctx context.Context, _ string) (int, error) {
			cancel()
			<-lctx.Done()
			close(loadCtxDone)
			return 0, lctx.Err()
		})
		done <- err
	}()
	require.ErrorIs(t, <-done, context.Canceled)
	<-loadCtxDone
	// A new caller starts a fresh load instead of joining the cancelled one.
	v, err := c.GetOrLoad(context.Background(), "k", func(context.Context, string) (int, error) { return 5, nil })
	require.NoError(t, err)
	require.Equal(t, 5, v)
}

func TestGetOrLoadLoadContextKeepsValues(t *testing.T) {
	c := mustNew(t, Options[string, string]{MaxEntries: 100})
	type key struct{}
	ctx := context.WithValue(context.Background(), key{}, "trace-id")
	v, err := c.GetOrLoad(ctx, "k", func(lctx context.Context, _ string) (string, error) {
		return lctx.Value(key{}).(string), nil
	})
	require.NoError(t, err)
	require.Equal(t, "trace-id", v)
}

func TestGetOrLoadNeverOverwritesLaterWrite(t *testing.T) {
	for _, write := range []struct {
		name string
		do   func(c *Cache[string, int])
		want func(t *testing.T, c *Cache[string, int])
	}{
		{"Set", func(c *Cache[string, int]) { c.Set("k", 2) }, func(t *testing.T, c *Cache[string, int]) {
			v, ok := c.Get("k")
			require.True(t, ok)
			require.Equal(t, 2, v)
		}},
		{"Delete", func(c *Cache[string, int]) { c.Delete("k") }, func(t *testing.T, c *Cache[string, int]) {
			_, ok := c.Get("k")
			require.False(t, ok)
		}},
		{"Clear", func(c *Cache[string, int]) { c.Clear() }, func(t *testing.T, c *Cache[string, int]) {
			_, ok := c.Get("k")
			require.False(t, ok)
		}},
	} {
		t.Run(write.name, func(t *testing.T) {
			c := mustNew(t, Options[string, int]{MaxEntries: 100})
			started := make(chan struct{})
			release := make(chan struct{})
			done := make(chan int, 1)
			go func() {
				v, err := c.GetOrLoad(context.Background(), "k", func(context.Context, string) (int, error) {
					close(started)
					<-release
					return 1, nil
				})
				require.NoError(t, err)
				done <- v
			}()
			<-started
			write.do(c)
			close(release)
			require.Equal(t, 1, <-done, "the caller gets the loaded value")
			write.want(t, c)
		})
	}
}

func TestGetOrLoadAfterClose(t *testing.T) {
	c, err := New(Options[string, int]{MaxEntries: 100})
	require.NoError(t, err)
	c.Set("a", 1)
	require.NoError(t, c.Close())
	require.NoError(t, c.Close(), "Close is idempotent")
	v, err := c.GetOrLoad(context.Background(), "a", nil)
	require.NoError(t, err, "hits still work")
	require.Equal(t, 1, v)
	_, err = c.GetOrLoad(context.Background(), "b", func(context.Context, string) (int, error) { return 1, nil })
	require.ErrorIs(t, err, ErrClosed)
	c.Set("b", 2)
	c.SetWithTTL("c", 3, time.Hour)
	c.Delete("a")
	c.Clear()
	require.Equal(t, 0, c.Len())
}

func TestCloseCancelsLoads(t *testing.T) {
	c, err := New(Options[string, int]{MaxEntries: 100})
	require.NoError(t, err)
	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := c.GetOrLoad(context.Background(), "k", func(ctx context.Context, _ string) (int, error) {
			close(started)
			<-ctx.Done()
			return 0, ctx.Err()
		})
		done <- err
	}()
	<-started
	require.NoError(t, c.Close())
	require.ErrorIs(t, <-done, context.Canceled)
}

func TestGetOrLoadCancelledContextDoesNotLoad(t *testing.T) {
	c := mustNew(t, Options[string, int]{MaxEntries: 100})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.GetOrLoad(ctx, "k", func(context.Context, string) (int, error) {
		t.Error("load called with a cancelled context")
		return 0, nil
	})
	require.ErrorIs(t, err, context.Canceled)
}
