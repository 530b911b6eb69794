package benchreport

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
)

// GoroutineKeys are the path parameters read as a goroutine count for the
// throughput charts (the first one present in a case); without one, the
// GOMAXPROCS suffix (-cpu) is the x axis.
var GoroutineKeys = []string{"goroutines", "pairs", "producers", "readers", "threads", "workers", "parallelism", "procs"}

// SizeKeys are the path parameters read as a cache size for the hit-ratio charts.
var SizeKeys = []string{"capacity", "cap", "size", "entries", "cachesize"}

// HitMetric is the custom metric unit plotted against cache size.
const HitMetric = "hit%"

// Chart is one generated SVG.
type Chart struct {
	// File is the SVG's file name (no directory), unique within a report.
	File  string
	Title string
	SVG   []byte
}

// series is one implementation's line in a chart.
type series struct {
	impl string
	pts  []Point
}

// chartGroup collects the cases of one chart: same benchmark and parameters
// except the x dimension.
type chartGroup struct {
	title  string
	xLabel string
	slug   string
	series []*series
	xs     []float64
}

func (g *chartGroup) add(impl string, pt Point) {
	var s *series
	for _, cand := range g.series {
		if cand.impl == impl {
			s = cand
		}
	}
	if s == nil {
		s = &series{impl: impl}
		g.series = append(g.series, s)
	}
	s.pts = append(s.pts, pt)
	if !slices.Contains(g.xs, pt.X) {
		g.xs = append(g.xs, pt.X)
	}
}

// groupCases builds chart groups over cases. dim returns the case's x value,
// the parameters that identify its group and whether the case belongs in a
// chart; y returns an implementation's point value with its interval.
func groupCases(cases []*Case, dim func(*Case) (x float64, rest, xLabel string, ok bool), y func(*ImplResult) (v, lo, hi float64, ok bool), titlePrefix, slugSuffix string) []*chartGroup {
	var groups []*chartGroup
	index := map[string]*chartGroup{}
	for _, c := range cases {
		x, rest, xLabel, ok := dim(c)
		if !ok {
			continue
		}
		key := c.Pkg + " " + c.Bench + " " + rest
		g, ok := index[key]
		if !ok {
			label := c.Bench
			if rest != "" {
				label += "/" + rest
			}
			g = &chartGroup{
				title:  titlePrefix + label,
				xLabel: xLabel,
				slug:   slugify(pkgBase(c.Pkg)+"-"+strings.TrimPrefix(label, "Benchmark")) + slugSuffix,
			}
			index[key] = g
			groups = append(groups, g)
		}
		for _, r := range c.Impls {
			if v, lo, hi, ok := y(r); ok {
				g.add(implLabel(r.Impl), Point{X: x, Y: v, Lo: lo, Hi: hi})
			}
		}
	}
	return slices.DeleteFunc(groups, func(g *chartGroup) bool { return len(g.xs) < 2 })
}

// notThroughput are metrics that mark a case as something other than a
// throughput measurement: memory footprints.
var notThroughput = []string{"bytes/entry", "B/entry"}

// isTraceReplay reports whether a case replays a trace against a cache of
// some size (a hit-ratio case): it has a size parameter and reports hit%.
// Throughput cases may report hit% too; they have no size parameter.
func isTraceReplay(c *Case) bool {
	if _, _, _, found := without(c.Params, SizeKeys); !found {
		return false
	}
	for _, r := range c.Impls {
		if _, ok := r.Metrics[HitMetric]; ok {
			return true
		}
	}
	return false
}

// throughputGroups: one chart per benchmark configuration, x = goroutine count.
// Trace replays and memory benchmarks get no throughput chart.
func throughputGroups(cases []*Case) []*chartGroup {
	dim := func(c *Case) (float64, string, string, bool) {
		if isTraceReplay(c) {
			return 0, "", "", false
		}
		for _, r := range c.Impls {
			for _, u := range notThroughput {
				if _, ok := r.Metrics[u]; ok {
					return 0, "", "", false
				}
			}
		}
		rest, key, v, found := without(c.Params, GoroutineKeys)
		if !found {
			return float64(c.Procs), paramsString(rest), "GOMAXPROCS (-cpu)", true
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || x <= 0 {
			return 0, "", "", false
		}
		return x, joinNonEmpty(paramsString(rest), "P="+itoa(c.Procs)), key, true
	}
	y := func(r *ImplResult) (float64, float64, float64, bool) {
		s, ok := r.Metrics["ns/op"]
		if !ok || s.Median <= 0 {
			return 0, 0, 0, false
		}
		// Throughput is 1e3/(ns/op) Mops/s: the interval's bounds swap.
		lo, hi := math.Inf(-1), math.Inf(1)
		if s.HasCI() && s.Lo > 0 {
			lo, hi = 1e3/s.Hi, 1e3/s.Lo
		}
		return 1e3 / s.Median, lo, hi, true
	}
	return groupCases(cases, dim, y, "throughput: ", "-throughput")
}

// hitRatioGroups: one chart per trace, x = cache size. Trace replays are
// single-threaded, so when a suite ran them at several GOMAXPROCS values only
// the smallest is charted.
func hitRatioGroups(cases []*Case) []*chartGroup {
	minProcs := map[string]int{}
	for _, c := range cases {
		k := c.Pkg + " " + c.Bench
		if p, ok := minProcs[k]; !ok || c.Procs < p {
			minProcs[k] = c.Procs
		}
	}
	dim := func(c *Case) (float64, string, string, bool) {
		if c.Procs != minProcs[c.Pkg+" "+c.Bench] || !isTraceReplay(c) {
			return 0, "", "", false
		}
		rest, _, v, _ := without(c.Params, SizeKeys)
		x, err := ParseSize(v)
		if err != nil || x <= 0 {
			return 0, "", "", false
		}
		return x, paramsString(rest), "cache size (entries)", true
	}
	y := func(r *ImplResult) (float64, float64, float64, bool) {
		s, ok := r.Metrics[HitMetric]
		return s.Median, s.Lo, s.Hi, ok
	}
	return groupCases(cases, dim, y, "hit ratio: ", "-hitratio")
}

// render draws a group as an SVG line chart.
func (g *chartGroup) render(yLabel string, yMax float64) ([]byte, error) {
	ch := LineChart{Title: g.title, XLabel: g.xLabel, YLabel: yLabel, YMax: yMax, XTicks: g.xs}
	for _, s := range g.series {
		ch.Series = append(ch.Series, Series{Name: s.impl, Points: s.pts})
	}
	return ch.SVG()
}

// valueTicks labels exactly the measured x values.
type valueTicks []float64

// Ticks implements plot.Ticker.
func (v valueTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := make([]plot.Tick, 0, len(v))
	for _, x := range v {
		if x >= lo && x <= hi {
			ticks = append(ticks, plot.Tick{Value: x, Label: FormatSize(x)})
		}
	}
	return ticks
}

// without returns params minus the first whose key is in keys, with that
// param's key and value.
func without(params []Param, keys []string) (rest []Param, key, value string, found bool) {
	for i, p := range params {
		if slices.Contains(keys, p.Key) {
			rest = append(slices.Clone(params[:i]), params[i+1:]...)
			return rest, p.Key, p.Value, true
		}
	}
	return params, "", "", false
}

// ParseSize parses sizes like "1024", "1K", "80k", "1M", "1G" (powers of 1000
// for k/M/G as written by most suites, and 1024 for Ki/Mi/Gi).
func ParseSize(s string) (float64, error) {
	mult := 1.0
	for _, suf := range []struct {
		s string
		m float64
	}{{"Ki", 1 << 10}, {"Mi", 1 << 20}, {"Gi", 1 << 30}, {"K", 1e3}, {"k", 1e3}, {"M", 1e6}, {"G", 1e9}} {
		if strings.HasSuffix(s, suf.s) {
			s, mult = strings.TrimSuffix(s, suf.s), suf.m
			break
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("benchreport: size %q: %w", s, err)
	}
	return v * mult, nil
}

// FormatSize prints x compactly: 16, 1K, 80K, 1.5M.
func FormatSize(x float64) string {
	switch {
	case x >= 1e6 && x == float64(int64(x/1e5))*1e5:
		return strconv.FormatFloat(x/1e6, 'f', -1, 64) + "M"
	case x >= 1e3 && x == float64(int64(x/100))*100:
		return strconv.FormatFloat(x/1e3, 'f', -1, 64) + "K"
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

func implLabel(impl string) string {
	if impl == "" {
		return "(single)"
	}
	return impl
}

func pkgBase(pkg string) string {
	if pkg == "" {
		return "bench"
	}
	return pkg[strings.LastIndexByte(pkg, '/')+1:]
}

func slugify(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

func joinNonEmpty(a, b string) string {
	if a == "" {
		return b
	}
	return a + "/" + b
}

func itoa(n int) string { return strconv.Itoa(n) }
