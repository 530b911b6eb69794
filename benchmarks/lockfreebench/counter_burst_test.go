package lockfreebench

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/puzpuzpuz/xsync/v4"
	"github.com/raceproof/raceproof/modules/lockfree"
)

// burstTime is how long a contention burst lasts. It is a duration, not a
// number of Adds: on a shared machine the goroutines of a short burst may
// never run at the same time, and a lockfree.Counter then never sees a lost
// compare-and-swap and stays unstriped. Measured on the 2-core development
// machine under load average 6: 50 ms bursts striped 12 counters of 20,
// 200 ms bursts 20 of 20. In -short mode (the smoke run) bursts last 10 ms.
func burstTime() time.Duration {
	if testing.Short() {
		return 10 * time.Millisecond
	}
	return 200 * time.Millisecond
}

// contentionBurst has 2×GOMAXPROCS goroutines (at least 4, on at least 2
// Ps) call add for burstTime() at the same time, then returns once they are
// done: enough lost compare-and-swaps to make a lockfree.Counter switch to
// its stripes and grow them.
func contentionBurst(add func()) {
	procs := max(runtime.GOMAXPROCS(0), 2)
	prev := runtime.GOMAXPROCS(procs)
	defer runtime.GOMAXPROCS(prev)
	var wg sync.WaitGroup
	var stop atomic.Bool
	start := make(chan struct{})
	for range max(2*procs, 4) {
		wg.Go(func() {
			<-start
			for !stop.Load() {
				for range 256 {
					add()
				}
			}
		})
	}
	close(start)
	time.Sleep(burstTime())
	stop.Store(true)
	wg.Wait()
}

// The add loops are written once per type, so that each calls Add directly
// as a program would (through an interface or a func value per Add, the
// call would cost more than the add), and kept out of line so that a
// profile attributes each loop's time to its type.

//go:noinline
func addLockfree(c *lockfree.Counter, n int) {
	for range n {
		c.Add(1)
	}
}

//go:noinline
func addAtomic(c *atomic.Int64, n int) {
	for range n {
		c.Add(1)
	}
}

//go:noinline
func addXsync(c *xsync.Counter, n int) {
	for range n {
		c.Add(1)
	}
}

// BenchmarkCounterAddSingle measures Add by one goroutine, on a fresh
// counter (state=fresh) and on one that has just been through a contention
// burst (state=after-burst: a lockfree.Counter is then striped), against
// atomic.Int64 and xsync.Counter given the same history. ns/op and
// allocs/op are per Add.
func BenchmarkCounterAddSingle(b *testing.B) {
	for _, state := range []string{"fresh", "after-burst"} {
		b.Run("state="+state, func(b *testing.B) {
			b.Run("impl=lockfree.Counter", func(b *testing.B) {
				var c lockfree.Counter
				if state == "after-burst" {
					contentionBurst(func() { c.Add(1) })
				}
				b.ReportAllocs()
				b.ResetTimer()
				addLockfree(&c, b.N)
				counterSink.Store(c.Load())
			})
			b.Run("impl=atomic.Int64", func(b *testing.B) {
				var c atomic.Int64
				if state == "after-burst" {
					contentionBurst(func() { c.Add(1) })
				}
				b.ReportAllocs()
				b.ResetTimer()
				addAtomic(&c, b.N)
				counterSink.Store(c.Load())
			})
			b.Run("impl=xsync.Counter", func(b *testing.B) {
				c := xsync.NewCounter()
				if state == "after-burst" {
					contentionBurst(func() { c.Add(1) })
				}
				b.ReportAllocs()
				b.ResetTimer()
				addXsync(c, b.N)
				counterSink.Store(c.Value())
			})
		})
	}
}

// singleAdds is the number of Adds in one timed slice of
// BenchmarkCounterAddSinglePaired: tens of microseconds, short against the
// changes in load from other processes.
const singleAdds = 1 << 14

// BenchmarkCounterAddSinglePaired is BenchmarkCounterAddSingle measured for
// a noisy machine, with the method of BenchmarkCounterAddPaired: each
// iteration times one slice of singleAdds Adds by the benchmark's goroutine
// on each counter, in a random order, and the medians of lockfree.Counter's
// time over each peer's are reported as cost/<peer>.
func BenchmarkCounterAddSinglePaired(b *testing.B) {
	for _, state := range []string{"fresh", "after-burst"} {
		b.Run("state="+state, func(b *testing.B) {
			impls := counterImpls()
			if state == "after-burst" {
				for _, c := range impls {
					contentionBurst(func() { c.add(1) })
				}
			}
			runPairedCounters(b, impls, func(c counterImpl) time.Duration {
				start := time.Now()
				c.add(singleAdds)
				return time.Since(start)
			}, singleAdds)
		})
	}
}
