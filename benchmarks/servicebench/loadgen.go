package servicebench

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// ErrInvalidConfig is wrapped by the errors Run returns for a bad Config.
var ErrInvalidConfig = errors.New("servicebench: invalid config")

// Config describes one run of one implementation at one offered rate.
type Config struct {
	// Rate is the offered load in requests per second.
	Rate int
	// Duration is the measurement window's length (by intended send time).
	Duration time.Duration
	// Warmup is run at Rate before the window and not recorded.
	Warmup time.Duration
	// Workers is the number of handler goroutines.
	Workers int
	// Sessions is the number of distinct session keys.
	Sessions int
	// WriteEvery makes one request in WriteEvery replace its session.
	WriteEvery int
	// QueueCap is the capacity of the event queue.
	QueueCap int
}

// Defaults for the fields of Config.
const (
	DefaultWorkers    = 64
	DefaultSessions   = 10_000
	DefaultWriteEvery = 10
	DefaultQueueCap   = 1024
)

// NewConfig returns a Config with the default workload at the given rate,
// window and warm-up.
func NewConfig(rate int, duration, warmup time.Duration) Config {
	return Config{Rate: rate, Duration: duration, Warmup: warmup, Workers: DefaultWorkers,
		Sessions: DefaultSessions, WriteEvery: DefaultWriteEvery, QueueCap: DefaultQueueCap}
}

func (c Config) validate() error {
	switch {
	case c.Rate <= 0:
		return fmt.Errorf("servicebench: Rate must be > 0, got %d: %w", c.Rate, ErrInvalidConfig)
	case c.Duration <= 0:
		return fmt.Errorf("servicebench: Duration must be > 0, got %v: %w", c.Duration, ErrInvalidConfig)
	case c.Warmup < 0:
		return fmt.Errorf("servicebench: Warmup must be >= 0, got %v: %w", c.Warmup, ErrInvalidConfig)
	case c.Workers <= 0:
		return fmt.Errorf("servicebench: Workers must be > 0, got %d: %w", c.Workers, ErrInvalidConfig)
	case c.Sessions <= 0:
		return fmt.Errorf("servicebench: Sessions must be > 0, got %d: %w", c.Sessions, ErrInvalidConfig)
	case c.WriteEvery <= 0:
		return fmt.Errorf("servicebench: WriteEvery must be > 0, got %d: %w", c.WriteEvery, ErrInvalidConfig)
	case c.QueueCap <= 0:
		return fmt.Errorf("servicebench: QueueCap must be > 0, got %d: %w", c.QueueCap, ErrInvalidConfig)
	}
	return nil
}

// Result is what one run measured in its window.
type Result struct {
	Impl string
	Rate int
	// Requests is the number of requests scheduled in the window; all of
	// them completed before Run returned.
	Requests int64
	// Elapsed runs from the window's first intended send time to the last
	// completion of a request scheduled in it.
	Elapsed time.Duration
	// Latency holds each request's latency from its intended send time to
	// its completion, in microseconds.
	Latency *hdrhistogram.Histogram
	// GCCycles and AllocBytes are the process's completed GC cycles and
	// heap allocation during the window (runtime/metrics), the load
	// generator's own included (see the harness row).
	GCCycles, AllocBytes uint64
	// HeapGoal is the heap size at which the next GC cycle starts, read at
	// the window's end: GC cycles per second are about the allocation rate
	// divided by it.
	HeapGoal uint64
}

// Throughput is the completed requests per second.
func (r Result) Throughput() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

// GCPerSecond is the number of GC cycles per second of the window.
func (r Result) GCPerSecond() float64 { return float64(r.GCCycles) / r.Elapsed.Seconds() }

// AllocMBPerSecond is the heap allocation in MB (10^6 bytes) per second.
func (r Result) AllocMBPerSecond() float64 { return float64(r.AllocBytes) / 1e6 / r.Elapsed.Seconds() }

// AllocPerRequest is the heap allocation in bytes per request.
func (r Result) AllocPerRequest() float64 { return float64(r.AllocBytes) / float64(r.Requests) }

// Percentile returns the latency at percentile p (0-100) in milliseconds.
func (r Result) Percentile(p float64) float64 {
	return float64(r.Latency.ValueAtPercentile(p)) / 1e3
}

// Line renders the result in the Go benchmark format.
func (r Result) Line() string {
	name := "BenchmarkService/rate=" + strconv.Itoa(r.Rate) + "/impl=" + r.Impl
	if p := runtime.GOMAXPROCS(0); p != 1 {
		name += "-" + strconv.Itoa(p)
	}
	return fmt.Sprintf("%s\t%d\t%.0f req/s\t%.3f p50-ms\t%.3f p99-ms\t%.3f p99.9-ms\t%.3f max-ms\t%.2f GC/s\t%.3f alloc-MB/s\t%.1f B/req\t%.1f heap-goal-MB",
		name, r.Requests, r.Throughput(), r.Percentile(50), r.Percentile(99), r.Percentile(99.9),
		float64(r.Latency.Max())/1e3, r.GCPerSecond(), r.AllocMBPerSecond(), r.AllocPerRequest(), float64(r.HeapGoal)/1e6)
}

// maxLatencyMicros bounds the histogram: latencies above a minute are
// recorded as a minute.
const maxLatencyMicros = 60_000_000

func newHistogram() *hdrhistogram.Histogram { return hdrhistogram.New(1, maxLatencyMicros, 3) }

// request is one scheduled request: its index and intended send time (ns
// since the run's start).
type request struct{ i, intended int64 }

// handler runs one request on the stack; it is replaceable in tests.
type handler func(st *Stack, keys []string, c Config, r request)

// Run measures impl at c.Rate and returns the window's result.
func Run(impl Impl, c Config) (Result, error) {
	return run(impl, c, handle)
}

func run(impl Impl, c Config, h handler) (Result, error) {
	if err := c.validate(); err != nil {
		return Result{}, err
	}
	st, err := impl.newStack(c.Sessions, c.QueueCap)
	if err != nil {
		return Result{}, err
	}
	if st.close != nil {
		defer st.close()
	}
	keys := make([]string, c.Sessions)
	for i := range keys {
		keys[i] = "session-" + strconv.Itoa(i)
		if st.Sessions != nil {
			st.Sessions.Store(keys[i], &Session{User: int64(i)})
		}
	}
	consumed := make(chan int64, 1)
	if st.Queue != nil {
		go func() {
			var n int64
			for _, ok := st.Queue.Dequeue(); ok; _, ok = st.Queue.Dequeue() {
				n++
			}
			consumed <- n
		}()
	}

	interval := 1e9 / float64(c.Rate)
	warm := int64(c.Warmup.Seconds() * float64(c.Rate))
	total := warm + int64(c.Duration.Seconds()*float64(c.Rate))
	if total == warm {
		total++
	}
	intendedAt := func(i int64) int64 { return int64(float64(i) * interval) }

	hists := make([]*hdrhistogram.Histogram, c.Workers)
	for w := range hists {
		hists[w] = newHistogram()
	}
	lastDone := make([]int64, c.Workers)
	ch := make(chan request, 1<<16)
	// Start from a collected heap with everything the harness needs
	// allocated, so the window's GC cycles are the workload's.
	runtime.GC()
	start := time.Now()
	var wg sync.WaitGroup
	for w := range c.Workers {
		wg.Go(func() {
			for r := range ch {
				h(st, keys, c, r)
				done := time.Since(start).Nanoseconds()
				if r.i >= warm {
					lat := max((done-r.intended)/1e3, 1)
					if lat > maxLatencyMicros {
						lat = maxLatencyMicros
					}
					hists[w].RecordValue(lat)
					lastDone[w] = max(lastDone[w], done)
				}
			}
		})
	}
	var before []metrics.Sample
	for i := int64(0); i < total; {
		now := time.Since(start).Nanoseconds()
		if due := intendedAt(i); due > now {
			time.Sleep(time.Duration(due - now))
			continue
		}
		for ; i < total && intendedAt(i) <= now; i++ {
			if i == warm {
				before = readMetrics()
			}
			ch <- request{i: i, intended: intendedAt(i)}
		}
	}
	close(ch)
	wg.Wait()
	after := readMetrics()
	if st.Queue != nil {
		st.Queue.Close()
		if n := <-consumed; n != total {
			return Result{}, fmt.Errorf("servicebench: %s: the consumer received %d events for %d requests", impl.Name, n, total)
		}
	}
	res := Result{Impl: impl.Name, Rate: c.Rate, Requests: total - warm, Latency: newHistogram(),
		GCCycles: after[0].Value.Uint64() - before[0].Value.Uint64(), AllocBytes: after[1].Value.Uint64() - before[1].Value.Uint64(),
		HeapGoal: after[2].Value.Uint64()}
	end := int64(0)
	for w, hist := range hists {
		res.Latency.Merge(hist)
		end = max(end, lastDone[w])
	}
	res.Elapsed = time.Duration(end - intendedAt(warm))
	if got := res.Latency.TotalCount(); got != res.Requests {
		return Result{}, fmt.Errorf("servicebench: %s: recorded %d latencies for %d requests", impl.Name, got, res.Requests)
	}
	return res, nil
}

// readMetrics reads the GC cycle count, the cumulative heap allocation and
// the heap goal.
func readMetrics() []metrics.Sample {
	s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}, {Name: "/gc/heap/allocs:bytes"}, {Name: "/gc/heap/goal:bytes"}}
	metrics.Read(s)
	return s
}

// mix is a 64-bit finalizer (SplitMix64's) that spreads request indices.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// handle is one request: read the session (or, one in WriteEvery times,
// replace it with an updated copy), count the request, hand an event to the
// consumer. The harness stack does nothing.
func handle(st *Stack, keys []string, c Config, r request) {
	if st.Sessions == nil {
		return
	}
	x := mix(uint64(r.i))
	id := int(x % uint64(len(keys)))
	key := keys[id]
	write := (x>>32)%uint64(c.WriteEvery) == 0
	old, ok := st.Sessions.Load(key)
	if write {
		s := &Session{User: int64(id)}
		if ok {
			*s = *old
		}
		s.Hits++
		s.Seen = r.intended
		st.Sessions.Store(key, s)
	} else if !ok {
		panic(fmt.Sprintf("servicebench: session %q missing", key))
	}
	st.Counter.Inc(key)
	st.Queue.Enqueue(Event{Session: int32(id), Write: write, At: r.intended})
}
