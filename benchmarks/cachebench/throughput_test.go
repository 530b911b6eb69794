package cachebench

import (
	"math/rand/v2"
	"strconv"
	"sync/atomic"
	"testing"
)

const (
	// throughputKeys is the key space of the throughput benchmark; the cache
	// holds all of it, prepopulated, so every read is a hit.
	throughputKeys = 1 << 15
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

// BenchmarkThroughput measures mixed Get/Set on 32,768 prepopulated keys with
// Zipf-distributed access. Goroutine counts come from -cpu (1,2,4). Besides
// ns/op it reports cpu-ns/op, the process CPU time per operation.
func BenchmarkThroughput(b *testing.B) {
	for _, reads := range []int{100, 75, 50, 0} {
		b.Run("reads="+strconv.Itoa(reads), func(b *testing.B) {
			for _, impl := range ConcurrentImpls {
				b.Run("impl="+impl.Name, func(b *testing.B) {
					c := impl.New(throughputKeys)
					defer c.Close()
					for k := range uint64(throughputKeys) {
						c.Set(k, k)
					}
					var offset atomic.Uint64
					b.ReportAllocs()
					b.ResetTimer()
					cpu0 := processCPU()
					b.RunParallel(func(pb *testing.PB) {
						i := int(offset.Add(traceSize/16)) % traceSize
						op := 0
						for pb.Next() {
							k := throughputTrace[i]
							if op < reads {
								c.Get(k)
							} else {
								c.Set(k, k)
							}
							i = (i + 1) & (traceSize - 1)
							if op++; op == 100 {
								op = 0
							}
						}
					})
					// CPU time per operation across all goroutines (GC
					// included): unlike ns/op it does not grow when other
					// processes steal the cores, so it compares well on a
					// shared machine.
					b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
				})
			}
		})
	}
}
