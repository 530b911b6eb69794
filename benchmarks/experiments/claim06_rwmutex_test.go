package experiments

import (
	"fmt"
	"sync"
	"testing"
)

// Claim 6: "map+RWMutex throughput collapses beyond about 16 goroutines while
// sync.Map stays flat".
//
// This is a measurement, not a test: nothing here asserts anything, because
// the claim is about timing and the effect it names is a property of the core
// count, which no unit test can control. BenchmarkClaim6RWMutexVsSyncMap
// measures operations per second of Load (hit) and Store (overwrite) over
// 1,024 int keys with an explicit number of goroutines (1, 4, 16, 64; not
// RunParallel's GOMAXPROCS multiple, so the x axis is what the claim talks
// about) at 100/99/90/50 % reads. GOMAXPROCS is whatever -cpu sets; the
// numbers in docs/sync-map-guide.md were taken on a 2-core machine at -cpu 1,2
// and say nothing about more cores.
//
// What does collapse on many cores is RWMutex's read path: every RLock and
// RUnlock is an atomic add on one shared word, whose cache line bounces
// between all reading cores (golang/go#17973, "sync: RWMutex scales poorly
// with CPU count"). Goroutines beyond GOMAXPROCS only queue for a P; they add
// no contention of their own.

type claim6Map interface {
	load(k int) (int, bool)
	store(k, v int)
}

type rwMutexMap struct {
	mu sync.RWMutex
	m  map[int]int
}

func (m *rwMutexMap) load(k int) (int, bool) {
	m.mu.RLock()
	v, ok := m.m[k]
	m.mu.RUnlock()
	return v, ok
}

func (m *rwMutexMap) store(k, v int) {
	m.mu.Lock()
	m.m[k] = v
	m.mu.Unlock()
}

type syncMap struct{ m sync.Map }

func (m *syncMap) load(k int) (int, bool) {
	v, ok := m.m.Load(k)
	if !ok {
		return 0, false
	}
	return v.(int), true
}

func (m *syncMap) store(k, v int) { m.m.Store(k, v) }

const claim6Keys = 1024

func BenchmarkClaim6RWMutexVsSyncMap(b *testing.B) {
	impls := []struct {
		name string
		make func() claim6Map
	}{
		{"RWMutexMap", func() claim6Map { return &rwMutexMap{m: map[int]int{}} }},
		{"sync.Map", func() claim6Map { return &syncMap{} }},
	}
	for _, reads := range []int{100, 99, 90, 50} {
		for _, g := range []int{1, 4, 16, 64} {
			for _, impl := range impls {
				b.Run(fmt.Sprintf("reads=%d/goroutines=%d/impl=%s", reads, g, impl.name), func(b *testing.B) {
					m := impl.make()
					for k := range claim6Keys {
						m.store(k, k)
					}
					b.ReportAllocs()
					b.ResetTimer()
					runGoroutines(b.N, g, func(seed uint64, n int) {
						x := seed*0x9E3779B97F4A7C15 | 1
						for range n {
							x ^= x << 13
							x ^= x >> 7
							x ^= x << 17
							k := int(x % claim6Keys)
							if int(x>>32%100) < reads {
								m.load(k)
							} else {
								m.store(k, k)
							}
						}
					})
				})
			}
		}
	}
}

// runGoroutines splits n operations over g goroutines and waits for them.
func runGoroutines(n, g int, work func(seed uint64, n int)) {
	var wg sync.WaitGroup
	for i := range g {
		share := n / g
		if i < n%g {
			share++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(uint64(i+1), share)
		}()
	}
	wg.Wait()
}
