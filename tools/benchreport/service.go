package benchreport

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// ServiceBench is the benchmark name benchmarks/servicebench writes.
const ServiceBench = "BenchmarkService"

// Service metrics, as benchmarks/servicebench names them.
const (
	svcThroughput = "req/s"
	svcP50        = "p50-ms"
	svcP99        = "p99-ms"
	svcP999       = "p99.9-ms"
	svcGC         = "GC/s"
	svcAlloc      = "alloc-MB/s"
	svcPerRequest = "B/req"
	svcHeapGoal   = "heap-goal-MB"
)

// articleRate is the offered load of the article's headline numbers.
const articleRate = 12_000

// articleRow is one row of the article's table (QPS in its own unit, 万 =
// 10,000 requests per second, converted).
type articleRow struct {
	name                   string
	qps, p99, gcPerSec, mb float64
}

var articleTable = []articleRow{
	{"sync.Map", 82_000, 47.3, 124, 18.6},
	{"sharded CAS counter", 365_000, 1.8, 47, 3.2},
	{"atomic-pointer lock-free queue", 411_000, 0.9, 19, 1.4},
}

// The article's rows the comparison names.
var (
	articleSyncMap = articleTable[0]
	articleQueue   = articleTable[2]
)

// minHeapGoalMB is the Go runtime's minimum heap goal at GOGC=100 (4 MiB):
// without runtime.GC calls or a lower GOGC, a GC cycle needs at least this
// much allocation.
const minHeapGoalMB = 4 * 1.048576

// ServiceHeading is the heading of the service-level section (its anchor is
// "service-level").
const ServiceHeading = "Service level"

// ServiceChartFile is the service-level section's chart, in the report's
// chart directory.
const ServiceChartFile = "service-p99.svg"

// ServiceOptions locate servicebench's raw output for the service-level
// section of the report.
type ServiceOptions struct {
	// Raw is servicebench's parsed output.
	Raw *Raw
	// RawLink is its path relative to the Markdown file.
	RawLink string
	// RawCommandPath is its path in the benchstat command (relative to the
	// repository root); empty means RawLink.
	RawCommandPath string
}

// writeService renders the service-level section from servicebench's raw
// output: the article's columns per offered rate and implementation, a
// latency-against-load chart (linked in chartLink) and the comparison with
// the article, every number of which is computed from the raw output.
func writeService(b *bytes.Buffer, opts ServiceOptions, chartLink string) ([]Chart, error) {
	raw := opts.Raw
	var cases []*Case
	for _, c := range Aggregate(raw.Samples) {
		if c.Bench == ServiceBench {
			if _, ok := c.Param("rate"); ok {
				cases = append(cases, c)
			}
		}
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("benchreport: no %s results in the service raw output %s", ServiceBench, opts.RawLink)
	}
	rate := func(c *Case) float64 { v, _ := c.Param("rate"); f, _ := strconv.ParseFloat(v, 64); return f }
	slices.SortStableFunc(cases, func(a, b *Case) int { return cmpFloat(rate(a), rate(b)) })

	cfg := raw.Config
	get := func(k string) string {
		if v := cfg[k]; v != "" {
			return v
		}
		return "not recorded"
	}
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("## %s\n\n", ServiceHeading)
	w("The article's service-level table, measured: `benchmarks/servicebench`, from its [raw output](%s) (a run of its own, separate\n", opts.RawLink)
	w("from the suites above).\n\n")
	if why := provisional(cfg); why != "" {
		w("> **Provisional**: %s. The numbers show that the benchmark runs and roughly where each row stands;\n", why)
		w("> rerun it (`BENCH_SERVICE=only go tool mage bench`) on a quiet machine for numbers to quote.\n\n")
	}
	w("### What runs\n\n")
	w("A session-state service under an **open-loop** load: requests are scheduled at fixed intervals of the offered rate and each\n")
	w("request's latency runs from its *intended* send time to its completion, so a stall delays every request scheduled during it\n")
	w("(no coordinated omission). A dispatcher releases due requests to %s handler goroutines; one request reads its session\n", get("workers"))
	w("(%s replace it with an updated copy), counts itself in a counter keyed by the session, and hands an event to a consumer\n", get("writes"))
	w("goroutine through a bounded queue (capacity %s). %s sessions, keys spread uniformly. Each row changes one component of the\n", get("queuecap"), get("sessions"))
	w("baseline stack (sessions in `sync.Map`, an `atomic.Int64` counter, a buffered channel); `harness` does no work and is the floor\n")
	w("of every other row. Latencies are recorded with HdrHistogram (3 significant digits); GC cycles and heap allocation come from\n")
	w("`runtime/metrics` over the measurement window and include the load generator's own (see `harness`).\n\n")
	w("| | |\n|---|---|\n")
	w("| CPU | %s |\n| cores (`runtime.NumCPU`) / GOMAXPROCS | %s / %s |\n| Go | %s |\n| OS/arch | %s/%s |\n", mdCell(get("cpu")),
		mdCell(get(KeyNumCPU)), mdCell(get(KeyGOMAXPROCS)), mdCell(get(KeyGoVersion)), mdCell(get("goos")), mdCell(get("goarch")))
	w("| date (UTC) | %s |\n| rounds × window (+ warm-up) | %s × %s (+ %s) |\n", mdCell(get(KeyDate)), mdCell(get("rounds")), mdCell(get("duration")), mdCell(get("warmup")))
	w("| load average (1, 5, 15 min) before / after | %s / %s |\n", mdCell(get("loadavg-before")), mdCell(get("loadavg-after")))
	w("| pacing: how late `time.Sleep` wakes | %s |\n\n", mdCell(get("sleep-oversleep")))
	cmd := cfg[KeyCommand]
	if cmd == "" {
		cmd = DefaultCommand
	}
	w("Reproduce:\n\n```sh\n%s\n```\n\n", cmd)
	rawCmd := opts.RawCommandPath
	if rawCmd == "" {
		rawCmd = opts.RawLink
	}
	w("Cells are medians over rounds; with %d or more rounds, ± is the half-width of the 95 %% confidence interval (benchmath),\n", MinRoundsForCI)
	w("otherwise the spread is given as the rounds' range in the chart. `%s %s` reads the raw output too.\n\n", BenchstatCommand, rawCmd)

	w("### Results\n\n")
	w("GC/s counts the cycles that completed in the window: it is about MB/s allocated ÷ heap goal, so 0 means the window was\n")
	w("shorter than the time the row takes to allocate one heap goal (the goal includes the load generator's latency histograms).\n\n")
	w("| offered req/s | implementation | throughput (req/s) | P50 (ms) | P99 (ms) | P99.9 (ms) | GC/s | MB/s allocated | B/request | heap goal (MB) |\n")
	w("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, c := range cases {
		for _, r := range c.Impls {
			cell := func(unit string) string {
				s, ok := r.Metrics[unit]
				if !ok {
					return ""
				}
				return fmtServiceSummary(s)
			}
			tp := ""
			if s, ok := r.Metrics[svcThroughput]; ok {
				tp = fmtInt(s.Median)
			}
			w("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", fmtInt(rate(c)), mdCell(implLabel(r.Impl)), tp, cell(svcP50),
				cell(svcP99), cell(svcP999), cell(svcGC), cell(svcAlloc), cell(svcPerRequest), cell(svcHeapGoal))
		}
	}
	w("\n")

	chart := LineChart{Title: "P99 latency against offered load (servicebench)", XLabel: "offered load (requests/s)",
		YLabel: "P99 latency from intended send time (ms)", LogY: true}
	for _, c := range cases {
		chart.XTicks = append(chart.XTicks, rate(c))
	}
	var order []string
	for _, c := range cases {
		for _, r := range c.Impls {
			if !slices.Contains(order, r.Impl) {
				order = append(order, r.Impl)
			}
		}
	}
	for _, impl := range order {
		s := Series{Name: implLabel(impl)}
		for _, c := range cases {
			r := c.Impl(impl)
			if r == nil {
				continue
			}
			m, ok := r.Metrics[svcP99]
			if !ok || m.Median <= 0 {
				continue
			}
			lo, hi := m.Lo, m.Hi
			if !m.HasCI() {
				lo, hi = m.Min, m.Max
			}
			s.Points = append(s.Points, Point{X: rate(c), Y: m.Median, Lo: lo, Hi: hi})
		}
		if len(s.Points) > 0 {
			chart.Series = append(chart.Series, s)
		}
	}
	var charts []Chart
	if len(chart.XTicks) > 1 {
		svg, err := chart.SVG()
		if err != nil {
			return nil, err
		}
		charts = append(charts, Chart{File: ServiceChartFile, Title: chart.Title, SVG: svg})
		w("![%s](%s/%s)\n\n", chart.Title, chartLink, ServiceChartFile)
		w("Error bars: the 95 %% confidence interval of the median with %d or more rounds, else the range over the rounds.\n\n", MinRoundsForCI)
	}
	writeArticleComparison(b, cases, rate)
	return charts, nil
}

// writeArticleComparison sets the article's numbers beside ours at its rate.
func writeArticleComparison(b *bytes.Buffer, cases []*Case, rate func(*Case) float64) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("### Against the article's table\n\n")
	w("The article reports, for a session-state service \"at %s QPS\":\n\n", fmtInt(articleRate))
	w("| article's row | QPS | P99 (ms) | GC/s | MB/s allocated |\n|---|---:|---:|---:|---:|\n")
	for _, a := range articleTable {
		w("| %s | %s | %.1f | %.0f | %.1f |\n", a.name, fmtInt(a.qps), a.p99, a.gcPerSec, a.mb)
	}
	w("\n")
	var at *Case
	for _, c := range cases {
		if rate(c) == articleRate {
			at = c
		}
	}
	if at == nil {
		w("This run has no results at %s offered req/s, so there is nothing to set beside those numbers.\n\n", fmtInt(articleRate))
		return
	}
	med := func(impl, unit string) (float64, bool) {
		r := at.Impl(impl)
		if r == nil {
			return 0, false
		}
		s, ok := r.Metrics[unit]
		return s.Median, ok
	}
	w("Measured here at %s offered req/s (medians):\n\n", fmtInt(articleRate))
	w("| row here | its article counterpart | throughput (req/s) | P99 (ms) | GC/s | MB/s allocated |\n|---|---|---:|---:|---:|---:|\n")
	for _, m := range []struct{ impl, article string }{
		{"harness", "—"}, {"sync.Map", "sync.Map"}, {"sharded64", "sharded CAS counter"}, {"lockfree.Queue", "atomic-pointer lock-free queue"},
	} {
		tp, ok := med(m.impl, svcThroughput)
		if !ok {
			continue
		}
		p99, _ := med(m.impl, svcP99)
		gc, _ := med(m.impl, svcGC)
		mb, _ := med(m.impl, svcAlloc)
		w("| %s | %s | %s | %.3f | %.2f | %.3f |\n", m.impl, m.article, fmtInt(tp), p99, gc, mb)
	}
	w("\n")
	worst, worstImpl := 0.0, ""
	for _, r := range at.Impls {
		if s, ok := r.Metrics[svcP99]; ok && s.Median > worst {
			worst, worstImpl = s.Median, r.Impl
		}
	}
	w("What differs, and why:\n\n")
	w("- **Latency.** The highest median P99 here at %s req/s is %.3f ms (`%s`), against the article's %.1f ms for `sync.Map`.\n",
		fmtInt(articleRate), worst, worstImpl, articleSyncMap.p99)
	if h, ok := med("harness", svcP99); ok {
		w("  The `harness` row, whose requests do nothing, has a P99 of %.3f ms at this rate: that much of every row's tail is the\n", h)
		w("  machine and the load generator, and differences between rows smaller than it are not resolved by this run.\n")
	}
	if h, ok := med("harness", svcP50); ok {
		w("  Its P50 of %.3f ms is the pacing: the dispatcher wakes about once per `time.Sleep` granularity (see the table under\n", h)
		w("  *What runs*) and releases the requests that fell due meanwhile, which waited for it.\n")
	}
	if sm, ok := med("sync.Map", svcP99); ok {
		if lq, ok2 := med("lockfree.Queue", svcP99); ok2 && lq > 0 {
			w("  The article's `sync.Map`/lock-free-queue P99 ratio is %.0f×; here the `sync.Map` row over the `lockfree.Queue` row is %.2f×.\n",
				articleSyncMap.p99/articleQueue.p99, sm/lq)
		}
	}
	w("  The article says nothing about its machine, what a request does, how latency was measured or whether the load was\n")
	w("  open- or closed-loop, so its numbers cannot be rerun; the rows here are the same request with one component changed,\n")
	w("  measured from the intended send time.\n")
	lo, hi := articleTable[0].qps, articleTable[0].qps
	for _, a := range articleTable {
		lo, hi = min(lo, a.qps), max(hi, a.qps)
	}
	w("- **Throughput.** The article's QPS column (%s to %s requests/s, written as %.1f to %.1f 万) is not the %s QPS its\n",
		fmtInt(lo), fmtInt(hi), lo/1e4, hi/1e4, fmtInt(articleRate))
	w("  text puts the latencies at, so that table mixes a saturation test with a latency test. Here throughput is what each row\n")
	w("  completed at a fixed offered rate. %s\n", keptUp(cases, rate))
	w("- **GC.** A Go program at the default GOGC=100 starts a GC cycle only after allocating at least the minimum heap goal (4 MiB),\n")
	w("  so GC cycles per second cannot exceed MB/s allocated ÷ %.1f. The article's %.1f MB/s allows at most %.1f GC/s, not %.0f;\n",
		minHeapGoalMB, articleSyncMap.mb, articleSyncMap.mb/minHeapGoalMB, articleSyncMap.gcPerSec)
	w("  %.0f GC/s would need at least %.0f MB/s. Its GC and allocation columns contradict each other (unless it lowered GOGC or\n",
		articleSyncMap.gcPerSec, articleSyncMap.gcPerSec*minHeapGoalMB)
	w("  called `runtime.GC`, which it does not say).")
	if gc, ok := med("sync.Map", svcGC); ok {
		mb, _ := med("sync.Map", svcAlloc)
		w(" Here the `sync.Map` row allocates %.3f MB/s and runs %.2f GC/s", mb, gc)
		if gc <= mb/minHeapGoalMB*1.05 {
			w(", within that bound.")
		} else {
			w(", above that bound: with so little allocation a window this short holds at most a cycle or two, and one started by\n  allocation before the window counts in it.")
		}
	}
	w("\n")
	w("- **Components.** The article's three rows are three different components (a map, a counter, a queue) standing in for one\n")
	w("  another; its counter (64 unpadded `atomic.Int64` shards picked by FNV-1a of a key) is reproduced as printed in the\n")
	w("  `sharded64` row, next to `lockfree.Counter`, whose stripes are padded and picked per goroutine.\n\n")
	w("The load conditions of this run are in the table under *What runs*: on a shared machine the tail latencies measure the machine as\n")
	w("much as the code, which is why the `harness` row is there and why the numbers are rerun on a quiet machine before anyone\n")
	w("quotes them.\n")
}

// provisional says why a run's numbers are not to be quoted: too few rounds,
// or a machine busier than its cores (1-minute load average above NumCPU
// before or after the run); "" if neither.
func provisional(cfg map[string]string) string {
	var why []string
	if cfg[KeyQuick] == "true" || cfg["rounds"] == "1" {
		why = append(why, "one round per run")
	}
	cores, err := strconv.ParseFloat(cfg[KeyNumCPU], 64)
	if err == nil && cores > 0 {
		for _, k := range []string{"loadavg-before", "loadavg-after"} {
			f := strings.Fields(cfg[k])
			if len(f) == 0 {
				continue
			}
			if l, err := strconv.ParseFloat(f[0], 64); err == nil && l > cores {
				why = append(why, fmt.Sprintf("the machine was busy (1-minute load average %s on %s cores, %s)", f[0], cfg[KeyNumCPU], strings.TrimPrefix(k, "loadavg-")))
				break
			}
		}
	}
	return strings.Join(why, "; ")
}

// keptUp says up to which offered rate every row completed at least 99 % of
// it (medians), and which rows fell short where.
func keptUp(cases []*Case, rate func(*Case) float64) string {
	var short []string
	highest := 0.0
	for _, c := range cases {
		all := true
		for _, r := range c.Impls {
			if s, ok := r.Metrics[svcThroughput]; ok && s.Median < 0.99*rate(c) {
				all = false
				short = append(short, fmt.Sprintf("`%s` at %s (%s)", r.Impl, fmtInt(rate(c)), fmtInt(s.Median)))
			}
		}
		if all && len(short) == 0 {
			highest = rate(c)
		}
	}
	if len(short) == 0 {
		return fmt.Sprintf("Every row completed at least 99 %% of every offered rate, up to %s req/s: none saturated, so the\n  knee shows, if at all, in the latency columns.", fmtInt(highest))
	}
	msg := "Rows that completed less than 99 % of the offered rate: " + strings.Join(short, ", ") + "."
	if highest > 0 {
		msg = fmt.Sprintf("Every row kept up to %s req/s. ", fmtInt(highest)) + msg
	}
	return msg
}

// fmtServiceSummary renders a median with its confidence interval when there
// is one.
func fmtServiceSummary(s Summary) string {
	v := fmtNum3(s.Median)
	if s.HasCI() && s.Min != s.Max {
		v += " ±" + strconv.FormatFloat(s.CIHalfWidth()*100, 'f', 0, 64) + "%"
	}
	return v
}

// fmtNum3 prints three significant digits for values below 100.
func fmtNum3(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 1:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return strconv.FormatFloat(v, 'f', 3, 64)
}

// fmtInt prints an integer with thousands separators.
func fmtInt(v float64) string {
	s := strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}
