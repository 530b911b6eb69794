// Package fixturemod is a tiny benchmark suite in the repository's naming
// convention, run for real by benchreport's end-to-end test.
package fixturemod

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

func BenchmarkCounter(b *testing.B) {
	for _, g := range []int{1, 2} {
		b.Run(fmt.Sprintf("goroutines=%d/impl=lockfree.Counter", g), func(b *testing.B) {
			var n atomic.Int64
			run(b, g, func() { n.Add(1) })
		})
		b.Run(fmt.Sprintf("goroutines=%d/impl=RWMutex", g), func(b *testing.B) {
			var mu sync.RWMutex
			n := 0
			run(b, g, func() { mu.Lock(); n++; mu.Unlock() })
		})
	}
}

func run(b *testing.B, g int, op func()) {
	b.ReportAllocs()
	var wg sync.WaitGroup
	for range g {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range b.N / g {
				op()
			}
		}()
	}
	wg.Wait()
}

func BenchmarkHitRatio(b *testing.B) {
	for _, size := range []int{10, 100} {
		for _, impl := range []string{"shardcache.Cache", "LRU"} {
			b.Run(fmt.Sprintf("trace=loop/capacity=%d/impl=%s", size, impl), func(b *testing.B) {
				hits := 0
				for i := range b.N {
					if i%1000 < size {
						hits++
					}
				}
				b.ReportMetric(100*float64(hits)/float64(b.N), "hit%")
			})
		}
	}
}
