package shardcache

import (
	"context"
	"errors"
	"sync"
	"testing"
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

func TestOnEvictPanicLeavesCacheUsable(t *testing.T) {
	var mu sync.Mutex
	var seen []int
	c := mustNew(t, Options[int, int]{MaxEntries: 10, Shards: 1, OnEvict: func(k, _ int, cause EvictionCause) {
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
