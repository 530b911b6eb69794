package lossy

import (
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAddDrainSingleGoroutine(t *testing.T) {
	b := New[int](1)
	vals := make([]int, 40)
	full, recorded := false, 0
	for i := range vals {
		vals[i] = i
		ok, f := b.Add(&vals[i])
		if ok {
			recorded++
		}
		full = full || f
	}
	require.True(t, full)
	require.Equal(t, ringSize, recorded)
	var got []int
	b.Drain(func(p *int) { got = append(got, *p) })
	require.Len(t, got, ringSize, "a full ring drops further events")
	for i, v := range got {
		require.Equal(t, i, v, "oldest first")
	}
	b.Drain(func(*int) { t.Fatal("drained twice") })
}

func TestStripeCountRoundsUp(t *testing.T) {
	require.Len(t, New[int](3).stripes, 4)
	require.Len(t, New[int](0).stripes, 1)
}

func TestConcurrentAddDrain(t *testing.T) {
	for _, procs := range []int{1, 2, 4} {
		func() {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			b := New[int](4)
			const producers, perProducer = 4, 5000
			var drained int
			var mu sync.Mutex
			var wg sync.WaitGroup
			x := 1
			for range producers {
				wg.Go(func() {
					for range perProducer {
						if _, full := b.Add(&x); full && mu.TryLock() {
							b.Drain(func(p *int) {
								require.Equal(t, 1, *p)
								drained++
							})
							mu.Unlock()
						}
					}
				})
			}
			wg.Wait()
			mu.Lock()
			b.Drain(func(*int) { drained++ })
			mu.Unlock()
			require.LessOrEqual(t, drained, producers*perProducer)
			require.Positive(t, drained)
		}()
	}
}
