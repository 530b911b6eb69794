package cachebench

import (
	"runtime"
	"testing"
)

// memoryEntries is the cache size of BenchmarkMemory.
const memoryEntries = 1_000_000

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkMemory fills a cache of 1M entries with uint64→uint64 pairs and
// reports the live heap it holds per entry written (bytes/entry), the 16
// bytes of key and value included, and how many of the entries it holds
// (entries-held; a cache that drops writes holds fewer). Caches that apply writes asynchronously are
// waited for before measuring, so every entry they accepted is counted. The
// metric is deterministic for a given Go version; ns/op (the time to fill
// the cache) is suppressed, since it is not what this benchmark measures.
func BenchmarkMemory(b *testing.B) {
	b.Run("entries=1M", func(b *testing.B) {
		for _, impl := range Impls {
			b.Run("impl="+impl.Name, func(b *testing.B) {
				var perEntry float64
				held := 0
				for b.Loop() {
					before := heapInUse()
					c := impl.New(memoryEntries)
					for k := range uint64(memoryEntries) {
						c.Set(k, k)
					}
					if w, ok := c.(waiter); ok {
						w.Wait()
					}
					after := heapInUse()
					perEntry = float64(after-before) / memoryEntries
					held = 0
					for k := range uint64(memoryEntries) {
						if _, ok := c.Get(k); ok {
							held++
						}
					}
					c.Close()
				}
				b.ReportMetric(perEntry, "bytes/entry")
				b.ReportMetric(float64(held), "entries-held")
				b.ReportMetric(0, "ns/op")
			})
		}
	})
}
