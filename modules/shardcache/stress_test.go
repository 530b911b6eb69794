package shardcache

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// forEachProcs runs fn at GOMAXPROCS 1, 2 and 4, restoring the setting.
func forEachProcs(t *testing.T, fn func(t *testing.T)) {
	for _, procs := range []int{1, 2, 4} {
		t.Run(fmt.Sprintf("procs=%d", procs), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			fn(t)
		})
	}
}

func stressOps() int {
	if raceEnabled || testing.Short() {
		return 3000
	}
	return 20000
}

// TestStressMixed hammers one cache with every operation from several
// goroutines. Values encode their key, so a Get returning another key's
// value, a torn entry or a lost bound shows up as a failure. OnRemove counts
// must balance the inserts at the end.
func TestStressMixed(t *testing.T) {
	forEachProcs(t, func(t *testing.T) {
		const capacity = 600
		var removed atomic.Int64
		c := mustNew(t, Options[int, int]{
			MaxEntries: capacity,
			Shards:     2,
			OnRemove: func(k, v int, cause RemovalCause) {
				if v/1_000_000 != k {
					panic(fmt.Sprintf("OnRemove(%d, %d): value of another key", k, v))
				}
				if cause != Replaced {
					removed.Add(1)
				}
			},
		})
		workers := 2 * runtime.GOMAXPROCS(0)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				r := rand.New(rand.NewPCG(uint64(w), 7))
				for i := range stressOps() {
					k := r.IntN(2000)
					if r.IntN(4) == 0 {
						k = 7 // a hot key
					}
					v := k*1_000_000 + i
					switch r.IntN(10) {
					case 0, 1, 2:
						c.Set(k, v)
					case 3:
						c.SetWithTTL(k, v, time.Duration(r.IntN(3))*time.Millisecond)
					case 4:
						c.Delete(k)
					case 5:
						got, err := c.GetOrLoad(context.Background(), k, func(context.Context, int) (int, error) {
							return v, nil
						})
						require.NoError(t, err)
						require.Equal(t, k, got/1_000_000)
					case 6:
						if i%500 == 0 {
							for key, val := range c.All() {
								require.Equal(t, key, val/1_000_000)
							}
						}
					default:
						if got, ok := c.Get(k); ok {
							require.Equal(t, k, got/1_000_000)
						}
					}
				}
			})
		}
		wg.Wait()
		require.NoError(t, c.Close())
		require.LessOrEqual(t, c.Len(), capacity)
		st := c.Stats()
		evictions := st.Evicted.Size + st.Evicted.Expired + st.Removed.Explicit
		require.Equal(t, uint64(removed.Load()), evictions, "one OnRemove per removal")
		n := 0
		for range c.All() {
			n++
		}
		require.LessOrEqual(t, n, c.Len())
	})
}

// TestStressBoundUnderConcurrentWriters checks the bound whenever every
// writer has finished an operation (a barrier per round).
func TestStressBoundUnderConcurrentWriters(t *testing.T) {
	forEachProcs(t, func(t *testing.T) {
		const capacity = 512
		c := mustNew(t, Options[int, int]{MaxEntries: capacity})
		workers := 4
		for round := range 50 {
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					for i := range 100 {
						c.Set(round*100_000+w*1000+i, i)
					}
				})
			}
			wg.Wait()
			require.LessOrEqual(t, c.Len(), capacity)
			require.LessOrEqual(t, c.Stats().Weight, int64(capacity))
		}
	})
}

// TestStressHotKey reads one key from every goroutine: every read is a hit
// with the right value and every hit is counted.
func TestStressHotKey(t *testing.T) {
	forEachProcs(t, func(t *testing.T) {
		c := mustNew(t, Options[string, int]{MaxEntries: 1000})
		c.Set("hot", 1)
		workers := 4 * runtime.GOMAXPROCS(0)
		reads := stressOps()
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for range reads {
					v, ok := c.Get("hot")
					if !ok || v != 1 {
						panic("hot key lost")
					}
				}
			})
		}
		wg.Wait()
		require.Equal(t, uint64(workers*reads), c.Stats().Hits)
		require.Equal(t, []string{"hot"}, c.Hottest(1))
	})
}

// TestStressLoaderDedupe starts many concurrent GetOrLoad calls over a few
// keys; each key is loaded once per generation (between Deletes).
func TestStressLoaderDedupe(t *testing.T) {
	forEachProcs(t, func(t *testing.T) {
		c := mustNew(t, Options[int, int]{MaxEntries: 1000})
		var loads [8]atomic.Int32
		var wg sync.WaitGroup
		for w := range 16 {
			wg.Go(func() {
				for i := range 200 {
					k := (w + i) % 8
					v, err := c.GetOrLoad(context.Background(), k, func(_ context.Context, k int) (int, error) {
						loads[k].Add(1)
						runtime.Gosched()
						return k * 10, nil
					})
					require.NoError(t, err)
					require.Equal(t, k*10, v)
				}
			})
		}
		wg.Wait()
		for k := range loads {
			require.Equal(t, int32(1), loads[k].Load(), "key %d loaded once", k)
		}
		st := c.Stats()
		require.Equal(t, uint64(8), st.LoadSuccesses)
	})
}
