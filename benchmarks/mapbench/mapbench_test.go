package mapbench

import (
	"fmt"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
)

var (
	sizes = []struct {
		name string
		n    int
	}{{"1K", 1 << 10}, {"1M", 1 << 20}}
	readPercents = []int{100, 99, 90, 75, 50, 0}
	seedCounter  atomic.Uint64
)

func intKeys(n int) []int {
	keys := make([]int, n)
	for i := range keys {
		keys[i] = i
	}
	return keys
}

func stringKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = "key-" + strconv.Itoa(i) + "-value"
	}
	return keys
}

// rng is a per-goroutine xorshift64* generator: cheap and allocation-free,
// so the workload itself costs the same for every implementation.
type rng uint64

func newRNG() rng { return rng(seedCounter.Add(1)*0x9e3779b97f4a7c15 | 1) }

func (r *rng) next() uint64 {
	x := uint64(*r)
	x ^= x >> 12
	x ^= x << 25
	x ^= x >> 27
	*r = rng(x)
	return x * 0x2545f4914f6cdd1d
}

func BenchmarkMapReadWrite(b *testing.B) {
	b.Run("keys=int", func(b *testing.B) { benchReadWrite(b, intKeys) })
	b.Run("keys=string", func(b *testing.B) { benchReadWrite(b, stringKeys) })
}

func benchReadWrite[K comparable](b *testing.B, mkKeys func(int) []K) {
	for _, size := range sizes {
		b.Run("size="+size.name, func(b *testing.B) {
			if size.n > 1<<10 && testing.Short() {
				b.Skip("1M-entry cases skipped in -short mode")
			}
			keys := mkKeys(size.n)
			// One warmed-up map per implementation, shared by the read
			// ratios of this size (stores and deletes at equal rates keep
			// the occupancy stable) so that 1M entries are built only once.
			maps := map[string]impl{}
			for _, reads := range readPercents {
				b.Run(fmt.Sprintf("reads=%d", reads), func(b *testing.B) {
					for _, f := range factories[K]() {
						b.Run("impl="+f.name, func(b *testing.B) {
							m, ok := maps[f.name]
							if !ok {
								m = f.make(keys)
								for i := range keys {
									m.store(i, i)
								}
								maps[f.name] = m
							}
							runMixed(b, m, len(keys), reads)
						})
					}
				})
			}
		})
	}
}

func runMixed(b *testing.B, m impl, n, reads int) {
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		r := newRNG()
		sink := 0
		for pb.Next() {
			sink += mixedOp(m, r.next(), n, reads)
		}
		runtime.KeepAlive(sink)
	})
}

// mixedOp performs one operation of a read/write mix drawn from the random
// word x: a load of a key in [0, n) with probability reads %, otherwise a
// store or a delete with equal probability. The store/delete choice uses bit
// 16 of x, independent of the bits that pick the key and the read/write
// split, so every mix (reads=99 included) stores as often as it deletes and
// the map keeps its size. It returns the loaded value for the caller's sink.
func mixedOp(m impl, x uint64, n, reads int) int {
	i := int((x >> 32) * uint64(n) >> 32)
	p := int(x & 0xffff % 100)
	switch {
	case p < reads:
		v, _ := m.load(i)
		return v
	case x&(1<<16) == 0:
		m.store(i, p)
	default:
		m.del(i)
	}
	return 0
}

// BenchmarkMapRange measures one full Range over 1M entries while another
// goroutine keeps storing to random keys of the map.
func BenchmarkMapRange(b *testing.B) {
	n := bigSize()
	keys := intKeys(n)
	for _, f := range factories[int]() {
		b.Run(bigName()+"/impl="+f.name, func(b *testing.B) {
			m := f.make(keys)
			for i := range keys {
				m.store(i, i)
			}
			stop := make(chan struct{})
			done := make(chan struct{})
			go func() {
				defer close(done)
				r := newRNG()
				for {
					for range 64 {
						x := r.next()
						m.store(int((x>>32)*uint64(n)>>32), int(x&0xff))
					}
					select {
					case <-stop:
						return
					default:
					}
				}
			}()
			b.ReportAllocs()
			b.ResetTimer()
			visited := 0
			for range b.N {
				m.rangeAll(func(v int) { visited++ })
			}
			b.StopTimer()
			close(stop)
			<-done
			if visited < b.N*n {
				b.Fatalf("Range visited %d entries, want at least %d", visited, b.N*n)
			}
		})
	}
}

// BenchmarkMapMemory reports the live heap bytes per entry of a map holding
// 1M int→int entries, from runtime.MemStats after a full GC.
func BenchmarkMapMemory(b *testing.B) {
	n := bigSize()
	keys := intKeys(n)
	for _, f := range factories[int]() {
		b.Run(bigName()+"/impl="+f.name, func(b *testing.B) {
			var perEntry float64
			for range b.N {
				// Built before the baseline: the key set of the any-keyed
				// maps is boxed here, and the boxes are not the map's.
				m := f.make(keys)
				before := heapAlloc()
				for i := range keys {
					m.store(i, i)
				}
				after := heapAlloc()
				runtime.KeepAlive(m)
				perEntry = float64(after-before) / float64(n)
			}
			b.ReportMetric(perEntry, "bytes/entry")
		})
	}
}

// bigSize is 1M entries, or 64K in -short mode (the CI smoke run).
func bigSize() int {
	if testing.Short() {
		return 1 << 16
	}
	return 1 << 20
}

func bigName() string {
	if testing.Short() {
		return "size=64K"
	}
	return "size=1M"
}

func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
