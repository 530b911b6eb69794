package servicebench

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
)

// SuiteOptions configure a full run: every implementation at every rate, in
// rounds.
type SuiteOptions struct {
	// Rates are the offered loads, in requests per second.
	Rates []int
	// Impls are the implementation names to run, in Impls order; empty means all.
	Impls []string
	// Duration and Warmup are per run (see Config).
	Duration, Warmup time.Duration
	// Rounds repeats the whole grid; within a round and rate, the
	// implementations run back to back so machine noise hits them alike.
	Rounds int
	// Command is the reproduce command recorded in the output.
	Command string
}

// Quick and full defaults.
var (
	FullRates  = []int{3_000, 6_000, 12_000, 24_000, 48_000, 96_000, 192_000, 384_000}
	QuickRates = []int{12_000}
)

const (
	FullDuration   = 3 * time.Second
	FullWarmup     = 500 * time.Millisecond
	FullRounds     = 3
	QuickDuration  = 200 * time.Millisecond
	QuickWarmup    = 50 * time.Millisecond
	QuickRounds    = 1
	DefaultCommand = "go tool mage bench"
)

// Configuration keys of the raw output header (the Go benchmark format's
// "key: value" lines).
const (
	KeyLoadBefore = "loadavg-before"
	KeyLoadAfter  = "loadavg-after"
	KeyOversleep  = "sleep-oversleep"
)

// RunSuite runs the grid and writes the raw output to out, progress to log.
func RunSuite(o SuiteOptions, out, log io.Writer) error {
	impls := Impls
	if len(o.Impls) > 0 {
		impls = nil
		for _, name := range o.Impls {
			impl, ok := ImplByName(name)
			if !ok {
				return fmt.Errorf("servicebench: unknown implementation %q: %w", name, ErrInvalidConfig)
			}
			impls = append(impls, impl)
		}
	}
	if len(o.Rates) == 0 || o.Rounds <= 0 {
		return fmt.Errorf("servicebench: need rates and rounds > 0, got %v and %d: %w", o.Rates, o.Rounds, ErrInvalidConfig)
	}
	c := NewConfig(o.Rates[0], o.Duration, o.Warmup)
	if err := c.validate(); err != nil {
		return err
	}
	fmt.Fprint(out, header(o, c))
	for round := 1; round <= o.Rounds; round++ {
		for _, rate := range o.Rates {
			for _, impl := range impls {
				c.Rate = rate
				res, err := Run(impl, c)
				if err != nil {
					return err
				}
				fmt.Fprintln(out, res.Line())
				fmt.Fprintf(log, "servicebench: round %d/%d rate %d %s: %.0f req/s, p99 %.3f ms\n",
					round, o.Rounds, rate, impl.Name, res.Throughput(), res.Percentile(99))
			}
		}
	}
	fmt.Fprintf(out, "%s: %s\n", KeyLoadAfter, loadAverage())
	return nil
}

func header(o SuiteOptions, c Config) string {
	var b strings.Builder
	kv := func(k string, v any) { fmt.Fprintf(&b, "%s: %v\n", k, v) }
	kv("goos", runtime.GOOS)
	kv("goarch", runtime.GOARCH)
	kv("cpu", cpuModel())
	kv("ncpu", runtime.NumCPU())
	kv("gomaxprocs", runtime.GOMAXPROCS(0))
	kv("goversion", runtime.Version())
	kv("date", time.Now().UTC().Format("2006-01-02 15:04"))
	kv("rounds", o.Rounds)
	kv("duration", o.Duration)
	kv("warmup", o.Warmup)
	kv("workers", c.Workers)
	kv("sessions", c.Sessions)
	kv("writes", fmt.Sprintf("1 in %d requests", c.WriteEvery))
	kv("queuecap", c.QueueCap)
	kv("command", o.Command)
	kv(KeyLoadBefore, loadAverage())
	kv(KeyOversleep, oversleep())
	return b.String()
}

// loadAverage is the first three fields of /proc/loadavg, or "not available".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "not available"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "not available"
	}
	return strings.Join(f[:3], " ")
}

// cpuModel is the first "model name" of /proc/cpuinfo, or GOARCH.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				return strings.TrimSpace(v)
			}
		}
	}
	return runtime.GOARCH
}

// oversleep measures how late time.Sleep(50µs) wakes up here (median and
// 99th percentile of 200 sleeps): the load generator's pacing granularity.
func oversleep() string {
	const d = 50 * time.Microsecond
	late := make([]time.Duration, 200)
	for i := range late {
		t := time.Now()
		time.Sleep(d)
		late[i] = time.Since(t) - d
	}
	slices.Sort(late)
	return fmt.Sprintf("median %v, p99 %v (time.Sleep(50µs), 200 samples)", late[len(late)/2].Round(time.Microsecond), late[len(late)*99/100].Round(time.Microsecond))
}
