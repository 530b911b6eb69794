package cachebench

import (
	"fmt"
	"math/rand/v2"
)

// Trace is a deterministic synthetic access trace, generated for a given
// cache capacity (some traces are shaped by it). The real-workload traces
// are RealTraces.
type Trace struct {
	Name string
	Gen  func(capacity int) []uint64
}

// traceLen is the number of requests replayed for capacity: long enough to
// reach steady state (at least 40 capacities of history).
func traceLen(capacity int) int {
	return max(600_000, 40*capacity)
}

// zipf returns n keys from a Zipf(s) distribution over [0, imax].
func zipf(seed uint64, s float64, imax uint64, n int) []uint64 {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	z := rand.NewZipf(r, s, 1, imax)
	keys := make([]uint64, n)
	for i := range keys {
		keys[i] = z.Uint64()
	}
	return keys
}

// Traces are the synthetic hit-ratio workloads.
var Traces = []Trace{
	{"zipf1.0001", func(c int) []uint64 { return zipf(1, 1.0001, 1<<24, traceLen(c)) }},
	{"zipf1.2", func(c int) []uint64 { return zipf(2, 1.2, 1<<24, traceLen(c)) }},
	{"loop", loopTrace},
	{"zipf+scan", scanTrace},
	{"phases", phaseTrace},
}

// loopPasses is how many times loopTrace cycles over its keys. The first pass
// is all cold misses for every cache, so the ratio a policy can reach is
// bounded by 1 - 1/loopPasses; 100 passes keep that warm-up cost at 1 point.
const loopPasses = 100

// loopTrace cycles over capacity+1% distinct keys: LRU always evicts the key
// needed next and scores 0 %.
func loopTrace(c int) []uint64 {
	n := c + c/100
	keys := make([]uint64, loopPasses*n)
	for i := range keys {
		keys[i] = uint64(i % n)
	}
	return keys
}

// scanTrace is Zipf(1.0001) traffic interrupted, every 10 capacities of
// requests, by a one-shot scan of 2 capacities of keys never seen again.
func scanTrace(c int) []uint64 {
	base := zipf(3, 1.0001, 1<<24, traceLen(c))
	keys := make([]uint64, 0, len(base)*6/5)
	next := uint64(1 << 40)
	for i, k := range base {
		if i > 0 && i%(10*c) == 0 {
			for range 2 * c {
				keys = append(keys, next)
				next++
			}
		}
		keys = append(keys, k)
	}
	return keys
}

// phaseTrace alternates between two disjoint Zipf(0.9-like, s=1.1) working
// sets of 4 capacities each, switching every 5 capacities of requests: the
// policy must forget the previous phase quickly.
func phaseTrace(c int) []uint64 {
	n := traceLen(c)
	a := zipf(4, 1.1, uint64(4*c), n)
	keys := make([]uint64, n)
	period := 5 * c
	for i := range keys {
		keys[i] = a[i]
		if (i/period)%2 == 1 {
			keys[i] += 1 << 32
		}
	}
	return keys
}

// Capacities are the cache sizes the simulator replays every trace at.
var Capacities = []int{1_000, 5_000, 20_000, 80_000}

// Replay runs keys through cache single-threaded as get-then-set-on-miss
// and returns the hit ratio in percent. A cache that applies writes
// asynchronously (ristretto, theine) is waited for after every Set, as
// their simulators do, so each request sees the previous ones applied.
func Replay(cache Cache, keys []uint64) float64 {
	w, async := cache.(waiter)
	hits := 0
	for _, k := range keys {
		if _, ok := cache.Get(k); ok {
			hits++
			continue
		}
		cache.Set(k, k)
		if async {
			w.Wait()
		}
	}
	return 100 * float64(hits) / float64(len(keys))
}

// ReplayNew builds impl for a replay at capacity (NewReplay if set, else
// New), replays keys through it (see Replay) and closes it.
func ReplayNew(impl Impl, capacity int, keys []uint64) float64 {
	build := impl.NewReplay
	if build == nil {
		build = impl.New
	}
	c := build(capacity)
	defer c.Close()
	return Replay(c, keys)
}

// CapName formats a capacity as in benchmark names (1K, 80K).
func CapName(c int) string {
	if c%1000 == 0 && c > 0 {
		return fmt.Sprintf("%dK", c/1000)
	}
	return fmt.Sprint(c)
}
