package lockfreebench

import (
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/puzpuzpuz/xsync/v4"
	"github.com/raceproof/raceproof/modules/lockfree"
)

// contendedAdds is the number of Adds in one timed slice of
// BenchmarkCounterAddPaired, split over the goroutines: milliseconds, so
// that the goroutines of a slice overlap for most of it even when the
// scheduler is slow to give the second one a core.
const contendedAdds = 1 << 20

// counterImpl is one counter of a paired comparison: add runs n Adds.
type counterImpl struct {
	name string
	add  func(n int)
}

func counterImpls() []counterImpl {
	var lf lockfree.Counter
	var at atomic.Int64
	xs := xsync.NewCounter()
	return []counterImpl{
		{"lockfree.Counter", func(n int) { addLockfree(&lf, n) }},
		{"atomic.Int64", func(n int) { addAtomic(&at, n) }},
		{"xsync.Counter", func(n int) { addXsync(xs, n) }},
	}
}

// BenchmarkCounterAddPaired is BenchmarkCounterAdd measured for a noisy
// machine. Each iteration times one slice of contendedAdds Adds, split over
// the goroutines, on each counter in a random order, and records the ratio
// of lockfree.Counter's wall time to each peer's. The medians are reported
// as cost/<peer> (below 1: lockfree.Counter is faster); ns/op is
// lockfree.Counter's mean wall time per Add.
func BenchmarkCounterAddPaired(b *testing.B) {
	for _, g := range []int{1, 2, 4} {
		b.Run(level("goroutines", g), func(b *testing.B) {
			impls := counterImpls()
			runPairedCounters(b, impls, func(c counterImpl) time.Duration {
				return addTogether(c, g)
			}, contendedAdds)
		})
	}
}

// addTogether has g goroutines, released at once, make contendedAdds Adds
// on c between them, and returns the wall time from their release.
func addTogether(c counterImpl, g int) time.Duration {
	var wg sync.WaitGroup
	release := make(chan struct{})
	for i := range g {
		wg.Go(func() {
			<-release
			c.add(share(contendedAdds, g, i))
		})
	}
	start := time.Now()
	close(release)
	wg.Wait()
	return time.Since(start)
}

// runPairedCounters runs b.N rounds; a round times one slice of each impl
// (run) in a random order. impls[0] is the counter under test; ops is the
// number of Adds in a slice.
func runPairedCounters(b *testing.B, impls []counterImpl, run func(counterImpl) time.Duration, ops int) {
	order := slices.Clone(impls)
	took := make(map[string]time.Duration, len(impls))
	ratios := make([][]float64, len(impls))
	var total time.Duration
	b.ResetTimer()
	for range b.N {
		rand.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, c := range order {
			took[c.name] = run(c)
		}
		total += took[impls[0].name]
		for i, c := range impls[1:] {
			ratios[i] = append(ratios[i], float64(took[impls[0].name])/float64(took[c.name]))
		}
	}
	b.StopTimer()
	for i, c := range impls[1:] {
		slices.Sort(ratios[i])
		b.ReportMetric(ratios[i][len(ratios[i])/2], "cost/"+c.name)
	}
	b.ReportMetric(float64(total.Nanoseconds())/float64(b.N*ops), "ns/op")
}
