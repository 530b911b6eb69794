package cachebench

import (
	"os"
	"sync"
	"testing"
)

// benchCapacities are the capacities BenchmarkHitRatio replays the
// synthetic traces at. The full set (1K to 80K, as the hitratio command
// uses) takes minutes on two cores, so it runs only with CACHEBENCH_FULL=1;
// the default keeps the smoke run short.
func benchCapacities() []int {
	if os.Getenv("CACHEBENCH_FULL") == "1" {
		return Capacities
	}
	return []int{1_000, 5_000}
}

var traceCache sync.Map // "name/capacity" -> []uint64

func traceFor(tr Trace, capacity int) []uint64 {
	key := tr.Name + "/" + CapName(capacity)
	if v, ok := traceCache.Load(key); ok {
		return v.([]uint64)
	}
	v, _ := traceCache.LoadOrStore(key, tr.Gen(capacity))
	return v.([]uint64)
}

// BenchmarkHitRatio replays each trace single-threaded (get, then set on a
// miss) and reports the hit ratio as the hit% metric; ns/op is per replay,
// ns/request per request. The real traces (testdata) replay at their
// published capacities, the synthetic ones at benchCapacities.
func BenchmarkHitRatio(b *testing.B) {
	for _, tr := range RealTraces {
		b.Run("trace="+tr.Name, func(b *testing.B) {
			keys, err := tr.Keys()
			if err != nil {
				b.Fatal(err)
			}
			for _, capacity := range tr.Capacities {
				benchReplay(b, capacity, keys)
			}
		})
	}
	for _, tr := range Traces {
		b.Run("trace="+tr.Name, func(b *testing.B) {
			for _, capacity := range benchCapacities() {
				benchReplay(b, capacity, traceFor(tr, capacity))
			}
		})
	}
}

func benchReplay(b *testing.B, capacity int, keys []uint64) {
	b.Run("cap="+CapName(capacity), func(b *testing.B) {
		for _, impl := range Impls {
			b.Run("impl="+impl.Name, func(b *testing.B) {
				b.ReportAllocs()
				var ratio float64
				for b.Loop() {
					ratio = ReplayNew(impl, capacity, keys)
				}
				b.ReportMetric(ratio, "hit%")
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(keys)), "ns/request")
			})
		}
	})
}
