package cachebench

import (
	"math/rand/v2"
	"strconv"
	"sync/atomic"
	"testing"
)

const (
	// throughputKeys is the key space of the throughput benchmark; the cache
	// holds all of it, prepopulated, so every read should hit.
	throughputKeys = 1 << 15
	// throughputCapacity is the capacity of every cache in the throughput
	// benchmark: a quarter more than the key space, so that a sharded cache,
	// whose shards each own a share of the capacity while keys never split
	// exactly evenly over shards, also holds every key.
	throughputCapacity = throughputKeys * 5 / 4
	// traceSize is the length of the shared Zipf key sequence goroutines
	// walk, each from its own offset.
	traceSize = 1 << 20
)

var throughputTrace = func() []uint64 {
	r := rand.New(rand.NewPCG(42, 42))
	z := rand.NewZipf(r, 1.01, 1, throughputKeys-1)
	keys := make([]uint64, traceSize)
	for i := range keys {
		keys[i] = z.Uint64()
	}
	return keys
}()

// prepopulate writes every key of the throughput key space into c and
// returns how many of them c then holds. A cache that applies writes
// asynchronously is waited for after the writes, as ristretto's and theine's
// documentation require before reading what was written; ristretto may also
// drop a Set when its buffers are full, so keys it does not hold are written
// again (at most a few rounds). A sharded cache whose shards each own a
// share of the capacity may not hold every key: keys do not split exactly
// evenly over shards.
func prepopulate(c Cache) int {
	missing := make([]uint64, throughputKeys)
	for k := range missing {
		missing[k] = uint64(k)
	}
	for round := 0; round < 4 && len(missing) > 0; round++ {
		for _, k := range missing {
			c.Set(k, k)
		}
		if w, ok := c.(waiter); ok {
			w.Wait()
		}
		still := missing[:0]
		for _, k := range missing {
			if _, ok := c.Get(k); !ok {
				still = append(still, k)
			}
		}
		missing = still
	}
	held := 0
	for k := range uint64(throughputKeys) {
		if _, ok := c.Get(k); ok {
			held++
		}
	}
	return held
}

// BenchmarkThroughput measures mixed Get/Set on 32,768 prepopulated keys with
// Zipf-distributed access, in caches of 40,960 entries. Goroutine counts come from -cpu (1,2,4). Besides
// ns/op it reports cpu-ns/op, the process CPU time per operation, and
// held%, the share of the keys the cache holds after prepopulation, and
// get-hit%, the share of the timed Gets that hit (every key was written, so
// anything below 100 is a key the cache did not keep or admit).
func BenchmarkThroughput(b *testing.B) {
	for _, reads := range []int{100, 75, 50, 0} {
		b.Run("reads="+strconv.Itoa(reads), func(b *testing.B) {
			for _, impl := range ConcurrentImpls {
				b.Run("impl="+impl.Name, func(b *testing.B) {
					c := impl.New(throughputCapacity)
					defer c.Close()
					held := prepopulate(c)
					var offset atomic.Uint64
					var gets, hits atomic.Int64
					b.ReportAllocs()
					b.ResetTimer()
					cpu0 := processCPU()
					b.RunParallel(func(pb *testing.PB) {
						i := int(offset.Add(traceSize/16)) % traceSize
						op := 0
						var g, h int64
						for pb.Next() {
							k := throughputTrace[i]
							if op < reads {
								g++
								if _, ok := c.Get(k); ok {
									h++
								}
							} else {
								c.Set(k, k)
							}
							i = (i + 1) & (traceSize - 1)
							if op++; op == 100 {
								op = 0
							}
						}
						gets.Add(g)
						hits.Add(h)
					})
					// CPU time per operation across all goroutines (GC
					// included): unlike ns/op it does not grow when other
					// processes steal the cores, so it compares well on a
					// shared machine.
					b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
					b.ReportMetric(100*float64(held)/throughputKeys, "held%")
					if g := gets.Load(); g > 0 {
						b.ReportMetric(100*float64(hits.Load())/float64(g), "get-hit%")
					}
				})
			}
		})
	}
}
