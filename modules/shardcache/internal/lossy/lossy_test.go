package lossy

import (
	"runtime"
	"sync"
	"testing"
	"unsafe"

	"github.com/raceproof/raceproof/modules/shardcache/internal/cacheline"
	"github.com/stretchr/testify/require"
)

// The producers' words, the slots and the next stripe each start their own
// cacheline.Size block, so no two of them share a line.
func TestStripeLayoutKeepsLinesApart(t *testing.T) {
	require.Equal(t, uintptr(cacheline.Size), unsafe.Offsetof(stripe{}.slots))
	require.Equal(t, uintptr(2*cacheline.Size), unsafe.Sizeof(stripe{}))
}

func TestAddDrainSingleGoroutine(t *testing.T) {
	b := New(1)
	full, recorded := false, 0
	for i := range 40 {
		ok, f := b.Add(uint64(i + 1))
		if ok {
			recorded++
		}
		full = full || f
	}
	require.True(t, full)
	require.Equal(t, ringSize, recorded)
	var got []uint64
	b.Drain(func(event uint64) { got = append(got, event) })
	require.Len(t, got, ringSize, "a full ring drops further events")
	for i, v := range got {
		require.Equal(t, uint64(i+1), v, "oldest first")
	}
	b.Drain(func(uint64) { t.Fatal("drained twice") })
}

func TestZeroEventIsRecordedAsOne(t *testing.T) {
	b := New(1)
	recorded, _ := b.Add(0)
	require.True(t, recorded)
	var got []uint64
	b.Drain(func(event uint64) { got = append(got, event) })
	require.Equal(t, []uint64{1}, got, "0 marks an empty slot, so it is recorded as 1")
}

func TestStripeCountRoundsUp(t *testing.T) {
	require.Len(t, New(3).stripes, 4)
	require.Len(t, New(0).stripes, 1)
}

func TestConcurrentAddDrain(t *testing.T) {
	for _, procs := range []int{1, 2, 4} {
		func() {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			b := New(4)
			const producers, perProducer = 4, 5000
			var drained int
			var mu sync.Mutex
			var wg sync.WaitGroup
			for range producers {
				wg.Go(func() {
					for range perProducer {
						if _, full := b.Add(7); full && mu.TryLock() {
							b.Drain(func(event uint64) {
								require.Equal(t, uint64(7), event)
								drained++
							})
							mu.Unlock()
						}
					}
				})
			}
			wg.Wait()
			mu.Lock()
			b.Drain(func(uint64) { drained++ })
			mu.Unlock()
			require.LessOrEqual(t, drained, producers*perProducer)
			require.Positive(t, drained)
		}()
	}
}
