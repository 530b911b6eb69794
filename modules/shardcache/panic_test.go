package shardcache

import (
	"context"
	"errors"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLoaderPanicBecomesErrorForEveryWaiter(t *testing.T) {
	c := mustNew(t, Options[string, int]{MaxEntries: 100})
	release := make(chan struct{})
	load := func(context.Context, string) (int, error) {
		<-release
		panic("kaboom")
	}
	const n = 5
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
		err := <-errs
		var pe *PanicError
		require.ErrorAs(t, err, &pe)
		require.Equal(t, "kaboom", pe.Value)
		require.Contains(t, err.Error(), "kaboom")
		require.NotEmpty(t, pe.Stack)
	}
	// The cache is usable: nothing cached, no lock held, new loads work.
	_, ok := c.Get("k")
	require.False(t, ok)
	v, err := c.GetOrLoad(context.Background(), "k", func(context.Context, string) (int, error) { return 9, nil })
	require.NoError(t, err)
	require.Equal(t, 9, v)
	require.Equal(t, uint64(1), c.Stats().LoadErrors)
}

func TestLoaderPanicWithErrorUnwraps(t *testing.T) {
	c := mustNew(t, Options[string, int]{MaxEntries: 100})
	sentinel := errors.New("sentinel")
	_, err := c.GetOrLoad(context.Background(), "k", func(context.Context, string) (int, error) { panic(sentinel) })
	require.ErrorIs(t, err, sentinel)
}

func TestOnRemovePanicLeavesCacheUsable(t *testing.T) {
	var mu sync.Mutex
	var seen []int
	c := mustNew(t, Options[int, int]{MaxEntries: 10, Shards: 1, OnRemove: func(k, _ int, cause RemovalCause) {
		mu.Lock()
		seen = append(seen, k)
		mu.Unlock()
		if cause == Explicit && k == 3 {
			panic("callback failed")
		}
	}})
	for i := range 10 {
		c.Set(i, i)
	}
	require.PanicsWithValue(t, "callback failed", func() { c.Delete(3) })
	// The shard lock was released: every operation still works.
	c.Set(100, 100)
	v, ok := c.Get(100)
	require.True(t, ok)
	require.Equal(t, 100, v)
	c.Delete(4)

	// A panic in the middle of a batch still reports the rest of the batch.
	mu.Lock()
	seen = nil
	mu.Unlock()
	c.Set(3, 3)
	require.Panics(t, c.Clear)
	mu.Lock()
	require.Len(t, seen, 10, "every cleared entry is reported despite the panic")
	mu.Unlock()
	require.Equal(t, 0, c.Len())
}

func TestWeigherPanicLeavesCacheUsable(t *testing.T) {
	c := mustNew(t, Options[int, int]{MaxWeight: 100, Weigher: func(k, _ int) uint32 {
		if k < 0 {
			panic("bad weight")
		}
		return 1
	}})
	require.Panics(t, func() { c.Set(-1, 0) })
	c.Set(1, 1)
	_, ok := c.Get(1)
	require.True(t, ok)
	_, ok = c.Get(-1)
	require.False(t, ok)
}

func TestWeigherPanicDuringLoadBecomesError(t *testing.T) {
	c := mustNew(t, Options[int, int]{MaxWeight: 100, Weigher: func(k, _ int) uint32 {
		if k < 0 {
			panic("bad weight")
		}
		return 1
	}})
	_, err := c.GetOrLoad(context.Background(), -1, func(context.Context, int) (int, error) { return 1, nil })
	var pe *PanicError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "bad weight", pe.Value)
	_, ok := c.Get(-1)
	require.False(t, ok)
}

// within runs fn and fails the test if it does not return within a few
// seconds: an operation blocked on a lock that a panic left held.
func within(t *testing.T, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s blocked: a lock is still held", what)
	}
}

// requireUsable proves that after a provoked panic or error every
// operation on the (single-shard) cache still completes and works.
func requireUsable(t *testing.T, c *Cache[string, int]) {
	t.Helper()
	ctx := context.Background()
	within(t, "Set", func() { c.Set("after", 1) })
	within(t, "Get", func() {
		v, ok := c.Get("after")
		require.True(t, ok)
		require.Equal(t, 1, v)
	})
	within(t, "GetOrLoad", func() {
		v, err := c.GetOrLoad(ctx, "loaded", func(context.Context, string) (int, error) { return 7, nil })
		require.NoError(t, err)
		require.Equal(t, 7, v)
	})
	within(t, "Delete", func() { c.Delete("after") })
	within(t, "All", func() {
		for range c.All() {
		}
	})
	within(t, "Hottest", func() { c.Hottest(3) })
}

// arms make the Weigher and OnRemove of TestPanicEverywhere panic once.
type arms struct{ weigher, remove atomic.Bool }

// panickingCtx is a context whose Err method panics.
type panickingCtx struct{ context.Context }

func (panickingCtx) Err() error { panic("ctx.Err failed") }

// TestPanicEverywhere provokes a panic, or passes an invalid argument, at
// every point a caller controls, and proves the cache still works: no
// panic may leave a shard lock held.
func TestPanicEverywhere(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		// The Weigher and OnRemove panic once each after their arm is set.
		provoke func(t *testing.T, c *Cache[string, int], arm *arms)
		// closeErr is what Close must report (a background panic).
		closeErr string
	}{
		{name: "nil ctx", provoke: func(t *testing.T, c *Cache[string, int], _ *arms) {
			//lint:ignore SA1012 the nil context is the point of the test
			_, err := c.GetOrLoad(nil, "k", func(context.Context, string) (int, error) { return 1, nil }) //nolint:staticcheck
			require.ErrorIs(t, err, ErrInvalidArgument)
		}},
		{name: "nil load", provoke: func(t *testing.T, c *Cache[string, int], _ *arms) {
			_, err := c.GetOrLoad(ctx, "k", nil)
			require.ErrorIs(t, err, ErrInvalidArgument)
		}},
		{name: "ctx.Err panics", provoke: func(t *testing.T, c *Cache[string, int], _ *arms) {
			require.PanicsWithValue(t, "ctx.Err failed", func() {
				_, _ = c.GetOrLoad(panickingCtx{ctx}, "k", func(context.Context, string) (int, error) { return 1, nil })
			})
		}},
		{name: "load panics", provoke: func(t *testing.T, c *Cache[string, int], _ *arms) {
			_, err := c.GetOrLoad(ctx, "k", func(context.Context, string) (int, error) { panic("load failed") })
			var pe *PanicError
			require.ErrorAs(t, err, &pe)
			require.Equal(t, "load", pe.Func)
		}},
		{name: "Weigher panics in Set", provoke: func(t *testing.T, c *Cache[string, int], arm *arms) {
			arm.weigher.Store(true)
			require.PanicsWithValue(t, "Weigher failed", func() { c.Set("k", 1) })
		}},
		{name: "Weigher panics in a load", provoke: func(t *testing.T, c *Cache[string, int], arm *arms) {
			arm.weigher.Store(true)
			_, err := c.GetOrLoad(ctx, "k", func(context.Context, string) (int, error) { return 1, nil })
			var pe *PanicError
			require.ErrorAs(t, err, &pe)
			require.Equal(t, "Weigher", pe.Func)
		}},
		{name: "OnRemove panics in Set over a key", provoke: func(t *testing.T, c *Cache[string, int], arm *arms) {
			c.Set("k", 1)
			arm.remove.Store(true)
			require.PanicsWithValue(t, "OnRemove failed", func() { c.Set("k", 2) })
		}},
		{name: "OnRemove panics in an evicting Set", provoke: func(t *testing.T, c *Cache[string, int], arm *arms) {
			for i := range 300 {
				c.Set(strconv.Itoa(i), i)
			}
			arm.remove.Store(true)
			require.PanicsWithValue(t, "OnRemove failed", func() { c.Set("k", 1) })
		}},
		{name: "OnRemove panics in Delete", provoke: func(t *testing.T, c *Cache[string, int], arm *arms) {
			c.Set("k", 1)
			arm.remove.Store(true)
			require.PanicsWithValue(t, "OnRemove failed", func() { c.Delete("k") })
		}},
		{name: "OnRemove panics in Clear", provoke: func(t *testing.T, c *Cache[string, int], arm *arms) {
			c.Set("k", 1)
			arm.remove.Store(true)
			require.PanicsWithValue(t, "OnRemove failed", c.Clear)
		}},
		{name: "OnRemove panics in a load's store", closeErr: "OnRemove", provoke: func(t *testing.T, c *Cache[string, int], arm *arms) {
			c.Set("k", 1)
			c.Delete("k") // the load below then stores into a full cache
			for i := range 256 {
				c.Set(strconv.Itoa(i), i)
			}
			arm.remove.Store(true)
			v, err := c.GetOrLoad(ctx, "k", func(context.Context, string) (int, error) { return 5, nil })
			require.NoError(t, err)
			require.Equal(t, 5, v)
			// The load goroutine reports the eviction its store caused
			// after it has handed the value to the waiters, so the
			// callback may run after GetOrLoad returns (racecheck -stress
			// found the test assuming otherwise).
			require.Eventually(t, func() bool { return !arm.remove.Load() }, 10*time.Second, time.Millisecond,
				"the store's eviction reaches OnRemove")
		}},
		{name: "All loop body panics", provoke: func(t *testing.T, c *Cache[string, int], _ *arms) {
			c.Set("k", 1)
			require.PanicsWithValue(t, "body failed", func() {
				for range c.All() {
					panic("body failed")
				}
			})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var arm arms
			c, err := New(Options[string, int]{
				MaxEntries: 256,
				MaxWeight:  1 << 20,
				Shards:     1,
				Weigher: func(string, int) uint32 {
					if arm.weigher.CompareAndSwap(true, false) {
						panic("Weigher failed")
					}
					return 1
				},
				OnRemove: func(string, int, RemovalCause) {
					if arm.remove.CompareAndSwap(true, false) {
						panic("OnRemove failed")
					}
				},
			})
			require.NoError(t, err)
			within(t, "provoking", func() { tc.provoke(t, c, &arm) })
			require.False(t, arm.weigher.Load() || arm.remove.Load(), "the armed callback ran")
			requireUsable(t, c)
			within(t, "Close", func() { err = c.Close() })
			if tc.closeErr != "" {
				var pe *PanicError
				require.ErrorAs(t, err, &pe, "Close reports the background panic")
				require.Equal(t, tc.closeErr, pe.Func)
			} else {
				require.NoError(t, err)
			}
		})
	}
}

// TestPanicOnReclaimerIsReportedByClose makes OnRemove panic on the
// background reclaimer: the program survives, expiry continues, and Close
// returns the panic.
func TestPanicOnReclaimerIsReportedByClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var arm atomic.Bool
		arm.Store(true)
		c, err := New(Options[string, int]{MaxEntries: 256, Shards: 1, TTL: time.Second,
			OnRemove: func(string, int, RemovalCause) {
				if arm.CompareAndSwap(true, false) {
					panic("reclaim failed")
				}
			}})
		require.NoError(t, err)
		c.Set("a", 1)
		c.Set("b", 2)
		time.Sleep(3 * reclaimInterval)
		synctest.Wait()
		require.Zero(t, c.Len(), "both expired entries are reclaimed despite the panic")
		requireUsable(t, c)
		var pe *PanicError
		require.ErrorAs(t, c.Close(), &pe)
		require.Equal(t, "OnRemove", pe.Func)
		require.Equal(t, "reclaim failed", pe.Value)
	})
}

// TestInvalidKeysLeaveCacheUsable uses keys that cannot be hashed (an
// interface holding a slice) or never equal themselves (NaN).
func TestInvalidKeysLeaveCacheUsable(t *testing.T) {
	c := mustNew(t, Options[any, int]{MaxEntries: 256, Shards: 1})
	bad := []int{1}
	require.Panics(t, func() { c.Set(bad, 1) })
	require.Panics(t, func() { c.Get(bad) })
	require.Panics(t, func() { c.Delete(bad) })
	require.Panics(t, func() {
		_, _ = c.GetOrLoad(context.Background(), bad, func(context.Context, any) (int, error) { return 1, nil })
	})
	nan := math.NaN()
	for range 1000 {
		c.Set(nan, 1) // NaN != NaN: no Get could ever find it
	}
	require.Zero(t, c.Len(), "keys not equal to themselves are not stored")
	_, ok := c.Get(nan)
	require.False(t, ok)
	c.Delete(nan)
	_, err := c.GetOrLoad(context.Background(), nan, func(context.Context, any) (int, error) { return 1, nil })
	require.ErrorIs(t, err, ErrInvalidArgument)
	within(t, "Set", func() { c.Set("k", 1) })
	within(t, "Get", func() {
		_, ok := c.Get("k")
		require.True(t, ok)
	})
	within(t, "GetOrLoad", func() {
		_, err := c.GetOrLoad(context.Background(), "m", func(context.Context, any) (int, error) { return 1, nil })
		require.NoError(t, err)
	})
	within(t, "Close", func() { require.NoError(t, c.Close()) })
}
