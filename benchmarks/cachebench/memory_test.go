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

// BenchmarkMemory fills a cache of 1M entries with int→int pairs and reports
// the live heap it holds per entry (bytes/entry), the 16 bytes of key and
// value included.
func BenchmarkMemory(b *testing.B) {
	b.Run("entries=1M", func(b *testing.B) {
		for _, impl := range Impls {
			b.Run("impl="+impl.Name, func(b *testing.B) {
				b.ReportAllocs()
				var perEntry float64
				for b.Loop() {
					before := heapInUse()
					c := impl.New(memoryEntries)
					for k := range uint64(memoryEntries) {
						c.Set(k, k)
					}
					if w, ok := c.(interface{ Wait() }); ok {
						w.Wait()
					}
					after := heapInUse()
					perEntry = float64(after-before) / memoryEntries
					runtime.KeepAlive(c)
					c.Close()
				}
				b.ReportMetric(perEntry, "bytes/entry")
			})
		}
	})
}
