package servicebench

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func smallConfig(rate int, d time.Duration) Config {
	c := NewConfig(rate, d, 10*time.Millisecond)
	c.Workers, c.Sessions, c.QueueCap = 8, 100, 16
	return c
}

// TestEveryImplementationServes is the smoke run of the normal test suite:
// every row of the table serves a short, light load, every scheduled
// request is recorded once, and every event reaches the consumer (Run
// checks that).
func TestEveryImplementationServes(t *testing.T) {
	for _, impl := range Impls {
		t.Run(impl.Name, func(t *testing.T) {
			res, err := Run(impl, smallConfig(2000, 50*time.Millisecond))
			if err != nil {
				t.Fatal(err)
			}
			if res.Requests != 100 || res.Latency.TotalCount() != 100 {
				t.Errorf("requests %d, recorded %d, want 100 and 100", res.Requests, res.Latency.TotalCount())
			}
			if res.Elapsed <= 0 || res.Percentile(50) <= 0 {
				t.Errorf("elapsed %v, p50 %v ms", res.Elapsed, res.Percentile(50))
			}
			t.Log(res.Line())
		})
	}
}

// TestOpenLoopRecordsAStall: the first request holds every handler up for
// 60 ms. An open-loop generator keeps scheduling requests during the stall
// and measures each from its intended send time, so every request
// scheduled in the first 50 ms has a latency of at least 10 ms. A
// closed-loop generator would have sent only one request per handler
// during the stall and recorded one slow request each.
func TestOpenLoopRecordsAStall(t *testing.T) {
	var mu sync.Mutex
	stall := func(st *Stack, keys []string, c Config, r request) {
		mu.Lock()
		defer mu.Unlock()
		if r.i == 0 {
			time.Sleep(60 * time.Millisecond)
		}
	}
	c := smallConfig(2000, 200*time.Millisecond)
	c.Warmup = 0
	res, err := run(Impls[0], c, stall)
	if err != nil {
		t.Fatal(err)
	}
	const scheduledInStall = 2000 * 50 / 1000
	slow := res.Requests - int64(countBelow(res, 10_000))
	t.Logf("%d of %d requests took 10 ms or more; p50 %.1f ms, max %.1f ms", slow, res.Requests, res.Percentile(50), float64(res.Latency.Max())/1e3)
	if slow < scheduledInStall {
		t.Errorf("%d requests recorded at >= 10 ms, want at least the %d scheduled during the stall", slow, scheduledInStall)
	}
}

// countBelow counts the recorded latencies below us microseconds.
func countBelow(r Result, us int64) int64 {
	var n int64
	for _, b := range r.Latency.Distribution() {
		if b.To < us {
			n += b.Count
		}
	}
	return n
}

func TestConfigErrorsNameTheField(t *testing.T) {
	for field, mutate := range map[string]func(*Config){
		"Rate":       func(c *Config) { c.Rate = 0 },
		"Duration":   func(c *Config) { c.Duration = 0 },
		"Warmup":     func(c *Config) { c.Warmup = -1 },
		"Workers":    func(c *Config) { c.Workers = 0 },
		"Sessions":   func(c *Config) { c.Sessions = -1 },
		"WriteEvery": func(c *Config) { c.WriteEvery = 0 },
		"QueueCap":   func(c *Config) { c.QueueCap = 0 },
	} {
		c := smallConfig(1000, time.Millisecond)
		mutate(&c)
		_, err := Run(Impls[1], c)
		if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: error %v, want ErrInvalidConfig naming the field", field, err)
		}
	}
}

var linePattern = regexp.MustCompile(`^BenchmarkService/rate=2000/impl=sync\.Map(-\d+)?\t100\t\d+ req/s\t[\d.]+ p50-ms\t[\d.]+ p99-ms\t[\d.]+ p99\.9-ms\t[\d.]+ max-ms\t[\d.]+ GC/s\t[\d.]+ alloc-MB/s\t[\d.]+ B/req\t[\d.]+ heap-goal-MB$`)

func TestLineIsGoBenchmarkFormat(t *testing.T) {
	res, err := Run(Impls[1], smallConfig(2000, 50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if !linePattern.MatchString(res.Line()) {
		t.Errorf("line %q does not match %s", res.Line(), linePattern)
	}
}

func TestRunSuiteWritesHeaderAndOneLinePerRun(t *testing.T) {
	var out, log bytes.Buffer
	err := RunSuite(SuiteOptions{Rates: []int{1000, 2000}, Impls: []string{"harness", "lockfree.Queue"},
		Duration: 20 * time.Millisecond, Warmup: 5 * time.Millisecond, Rounds: 2, Command: "test"}, &out, &log)
	if err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if n := strings.Count(s, "\nBenchmarkService/"); n != 2*2*2 {
		t.Errorf("%d result lines, want 8:\n%s", n, s)
	}
	for _, k := range []string{"goos: ", "ncpu: ", "command: test", KeyLoadBefore + ": ", KeyLoadAfter + ": ", KeyOversleep + ": "} {
		if !strings.Contains(s, k) {
			t.Errorf("output lacks %q", k)
		}
	}
	if err := RunSuite(SuiteOptions{Rates: []int{1000}, Impls: []string{"nope"}, Duration: time.Millisecond, Rounds: 1}, &out, &log); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("unknown implementation: %v, want ErrInvalidConfig", err)
	}
}

func TestCountersCount(t *testing.T) {
	for _, c := range []Counter{new(atomicCounter), new(sharded64Counter), new(lockfreeCounter)} {
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for i := range 1000 {
					c.Inc("session-" + string(rune('a'+(g*1000+i)%26)))
				}
			})
		}
		wg.Wait()
		if got := c.Load(); got != 4000 {
			t.Errorf("%T counted %d, want 4000", c, got)
		}
	}
}
