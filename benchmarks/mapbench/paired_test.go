package mapbench

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

// BenchmarkMapReadWritePaired is BenchmarkMapReadWrite (1K and 1M keys;
// 1M skipped with -short) measured for a noisy machine. Each iteration runs the same short slice of the
// workload (sliceOps operations over GOMAXPROCS goroutines, about a
// millisecond) on the implementation under test and on each peer, in a
// random order, and records the ratio of their wall times. Load from other
// processes changes slowly compared to a slice, so it mostly cancels out
// of a ratio, and the median over all iterations is reported as
// `ratio/<peer>` (below 1 means faster than the peer); ns/op is the mean
// time per operation of the implementation under test over its slices.
// Allocations are not reported here (an iteration runs every
// implementation): see BenchmarkMapReadWrite.
func BenchmarkMapReadWritePaired(b *testing.B) {
	b.Run("keys=int", func(b *testing.B) { benchPaired(b, intKeys) })
	b.Run("keys=string", func(b *testing.B) { benchPaired(b, stringKeys) })
}

// pairedPeers lists, for each implementation under test, its peers.
var pairedPeers = []struct {
	impl  string
	peers []string
}{
	{"safemap.Map", []string{"xsync.Map", "sync.Map"}},
	{"safemap.SyncMap", []string{"sync.Map"}},
}

const sliceOps = 20000

func benchPaired[K comparable](b *testing.B, mkKeys func(int) []K) {
	for _, size := range sizes {
		b.Run("size="+size.name, func(b *testing.B) {
			if size.n > 1<<10 && testing.Short() {
				b.Skip("1M-entry cases skipped in -short mode")
			}
			keys := mkKeys(size.n)
			byName := map[string]impl{}
			for _, f := range factories[K]() {
				m := f.make(keys)
				for i := range keys {
					m.store(i, i)
				}
				byName[f.name] = m
			}
			for _, reads := range readPercents {
				b.Run(fmt.Sprintf("reads=%d", reads), func(b *testing.B) {
					for _, pp := range pairedPeers {
						b.Run("impl="+pp.impl, func(b *testing.B) {
							runPaired(b, byName, pp.impl, pp.peers, len(keys), reads)
						})
					}
				})
			}
		})
	}
}

func runPaired(b *testing.B, maps map[string]impl, name string, peers []string, n, reads int) {
	procs := runtime.GOMAXPROCS(0)
	order := append([]string{name}, peers...)
	ratios := make([][]float64, len(peers))
	var total time.Duration
	seed := uint64(0)
	for range b.N {
		seed++
		rand.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		took := map[string]time.Duration{}
		for _, impl := range order {
			took[impl] = runSlice(maps[impl], n, reads, procs, seed)
		}
		total += took[name]
		for i, p := range peers {
			ratios[i] = append(ratios[i], float64(took[name])/float64(took[p]))
		}
	}
	b.StopTimer()
	for i, p := range peers {
		slices.Sort(ratios[i])
		b.ReportMetric(ratios[i][len(ratios[i])/2], "ratio/"+p)
	}
	b.ReportMetric(float64(total.Nanoseconds())/float64(b.N*sliceOps/procs*procs), "ns/op")
}

// runSlice runs sliceOps operations of the mixed workload on m over procs
// goroutines, with random streams derived from seed (the same for every
// implementation of a pair), and returns the wall time.
func runSlice(m impl, n, reads, procs int, seed uint64) time.Duration {
	var wg sync.WaitGroup
	start := time.Now()
	for g := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rng((seed*64+uint64(g))*0x9e3779b97f4a7c15 | 1)
			sink := 0
			for range sliceOps / procs {
				sink += mixedOp(m, r.next(), n, reads)
			}
			runtime.KeepAlive(sink)
		}()
	}
	wg.Wait()
	return time.Since(start)
}
