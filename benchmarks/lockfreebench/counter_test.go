package lockfreebench

import (
	"sync/atomic"
	"testing"

	"github.com/puzpuzpuz/xsync/v4"
	"github.com/raceproof/raceproof/modules/lockfree"
)

var counterSink atomic.Int64

// BenchmarkCounterAdd measures Add throughput with 1 goroutine (uncontended)
// and with 2 and 4 goroutines all adding to the same counter.
func BenchmarkCounterAdd(b *testing.B) {
	for _, g := range []int{1, 2, 4} {
		b.Run(level("goroutines", g), func(b *testing.B) {
			b.Run("impl=lockfree.Counter", func(b *testing.B) {
				var c lockfree.Counter
				runSplit(b, g, func(_, n int) {
					for range n {
						c.Add(1)
					}
				})
				counterSink.Store(c.Load())
			})
			b.Run("impl=atomic.Int64", func(b *testing.B) {
				var c atomic.Int64
				runSplit(b, g, func(_, n int) {
					for range n {
						c.Add(1)
					}
				})
				counterSink.Store(c.Load())
			})
			b.Run("impl=xsync.Counter", func(b *testing.B) {
				c := xsync.NewCounter()
				runSplit(b, g, func(_, n int) {
					for range n {
						c.Add(1)
					}
				})
				counterSink.Store(c.Value())
			})
		})
	}
}
