package lockfreebench

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/raceproof/raceproof/modules/lockfree"
)

type config struct {
	limit int
	name  string
}

var valueSink atomic.Int64

// BenchmarkValueLoad measures read-mostly configuration loads by 1, 2 and 4
// reader goroutines (run with -cpu 4 for readers on every P): lockfree.Value,
// atomic.Value with a type assertion, and a struct guarded by an RWMutex.
func BenchmarkValueLoad(b *testing.B) {
	cfg := &config{limit: 1, name: "x"}
	for _, r := range []int{1, 2, 4} {
		b.Run(level("readers", r), func(b *testing.B) {
			b.Run("impl=lockfree.Value", func(b *testing.B) {
				var v lockfree.Value[config]
				v.Store(cfg)
				runSplit(b, r, func(_, n int) {
					s := 0
					for range n {
						s += v.Load().limit
					}
					valueSink.Add(int64(s))
				})
			})
			b.Run("impl=atomic.Value", func(b *testing.B) {
				var v atomic.Value
				v.Store(cfg)
				runSplit(b, r, func(_, n int) {
					s := 0
					for range n {
						s += v.Load().(*config).limit
					}
					valueSink.Add(int64(s))
				})
			})
			b.Run("impl=RWMutex", func(b *testing.B) {
				var guarded struct {
					mu  sync.RWMutex
					cfg config
				}
				guarded.cfg = *cfg
				runSplit(b, r, func(_, n int) {
					s := 0
					for range n {
						guarded.mu.RLock()
						s += guarded.cfg.limit
						guarded.mu.RUnlock()
					}
					valueSink.Add(int64(s))
				})
			})
		})
	}
}
