package benchreport

import (
	"math"
	"slices"
	"strings"

	"golang.org/x/perf/benchmath"
)

// OursPrefixes are the implementation-name prefixes that mark raceproof's own
// implementations; every other implementation in a case is a peer.
var OursPrefixes = []string{"safemap.", "lockfree.", "shardcache."}

// IsOurs reports whether impl names one of raceproof's implementations.
func IsOurs(impl string) bool {
	for _, p := range OursPrefixes {
		if strings.HasPrefix(impl, p) {
			return true
		}
	}
	return false
}

// Param is one "key=value" element of a benchmark path (or a bare element,
// with an empty Key).
type Param struct {
	Key, Value string
}

func (p Param) String() string {
	if p.Key == "" {
		return p.Value
	}
	return p.Key + "=" + p.Value
}

// Confidence is the confidence level of the intervals around medians.
const Confidence = 0.95

// MinRoundsForCI is the number of rounds benchmath needs for a distribution-
// free 95 % confidence interval of the median (and for its Mann-Whitney U
// test to be able to report a difference at α = 0.05).
const MinRoundsForCI = 6

// Summary is the distribution of one metric over the rounds of one
// implementation in one case: the median with its confidence interval, as
// golang.org/x/perf/benchmath computes it without assuming a distribution
// (the same statistics benchstat prints).
type Summary struct {
	Median, Min, Max float64
	// Lo and Hi bound the Confidence interval of the median; they are
	// infinite when there are fewer than MinRoundsForCI rounds.
	Lo, Hi float64
	// N is the number of samples (rounds).
	N int
	// Values are the samples, for significance tests.
	Values []float64
}

// HasCI reports whether the confidence interval is finite.
func (s Summary) HasCI() bool { return !math.IsInf(s.Lo, 0) && !math.IsInf(s.Hi, 0) }

// CIHalfWidth is the larger distance from the median to a bound of its
// confidence interval, relative to the median (0.05 = ±5 %); +Inf without
// an interval.
func (s Summary) CIHalfWidth() float64 {
	if !s.HasCI() {
		return math.Inf(1)
	}
	if s.Median == 0 {
		return 0
	}
	return math.Max(s.Hi-s.Median, s.Median-s.Lo) / math.Abs(s.Median)
}

// Difference is the outcome of a two-sided Mann-Whitney U test between two
// samples, as benchmath (and benchstat) run it.
type Difference struct {
	// P is the p-value of "both samples come from one distribution".
	P float64
	// Significant is P < α (0.05).
	Significant bool
}

// Compare tests whether a and b differ.
func Compare(a, b Summary) Difference {
	sa := benchmath.NewSample(a.Values, &benchmath.DefaultThresholds)
	sb := benchmath.NewSample(b.Values, &benchmath.DefaultThresholds)
	c := benchmath.AssumeNothing.Compare(sa, sb)
	return Difference{P: c.P, Significant: c.P < c.Alpha}
}

// ImplResult is the aggregated result of one implementation in one case.
type ImplResult struct {
	Impl    string
	Metrics map[string]Summary
}

// Case is one benchmark configuration: a benchmark path without its impl
// element, at one GOMAXPROCS. Its implementations ran adjacent in each round.
type Case struct {
	Pkg string
	// Bench is the top-level benchmark function name ("BenchmarkMapReadWrite").
	Bench string
	// Params are the path elements below Bench, impl excluded, in path order.
	Params []Param
	Procs  int
	// Impls in order of first appearance in the raw output.
	Impls []*ImplResult
}

// Label is the case's path below the benchmark function, impl excluded.
func (c *Case) Label() string {
	parts := make([]string, len(c.Params))
	for i, p := range c.Params {
		parts[i] = p.String()
	}
	return strings.Join(parts, "/")
}

// Impl returns the named implementation's result, or nil.
func (c *Case) Impl(name string) *ImplResult {
	for _, r := range c.Impls {
		if r.Impl == name {
			return r
		}
	}
	return nil
}

// Param returns the value of the parameter with the given key.
func (c *Case) Param(key string) (string, bool) {
	for _, p := range c.Params {
		if p.Key == key {
			return p.Value, true
		}
	}
	return "", false
}

// Aggregate groups samples into cases (in order of first appearance) and
// summarises every metric of every implementation with median, min and max.
func Aggregate(samples []Sample) []*Case {
	type caseKey struct {
		pkg, name string
		procs     int
	}
	var cases []*Case
	index := map[caseKey]*Case{}
	values := map[*ImplResult]map[string][]float64{}
	for _, s := range samples {
		bench, params, impl := splitName(s.Name)
		k := caseKey{s.Pkg, bench + "/" + paramsString(params), s.Procs}
		c, ok := index[k]
		if !ok {
			c = &Case{Pkg: s.Pkg, Bench: bench, Params: params, Procs: s.Procs}
			index[k] = c
			cases = append(cases, c)
		}
		r := c.Impl(impl)
		if r == nil {
			r = &ImplResult{Impl: impl}
			c.Impls = append(c.Impls, r)
			values[r] = map[string][]float64{}
		}
		for unit, v := range s.Values {
			values[r][unit] = append(values[r][unit], v)
		}
	}
	for _, c := range cases {
		for _, r := range c.Impls {
			r.Metrics = make(map[string]Summary, len(values[r]))
			for unit, vs := range values[r] {
				r.Metrics[unit] = summarize(vs)
			}
		}
	}
	return cases
}

func summarize(vs []float64) Summary {
	s := slices.Clone(vs)
	slices.Sort(s)
	sum := benchmath.AssumeNothing.Summary(benchmath.NewSample(s, &benchmath.DefaultThresholds), Confidence)
	return Summary{Median: sum.Center, Lo: sum.Lo, Hi: sum.Hi, Min: s[0], Max: s[len(s)-1], N: len(s), Values: s}
}

// splitName splits "BenchmarkX/a=1/b/impl=foo" into the function name, the
// parameters and the implementation ("" when there is no impl element).
func splitName(name string) (bench string, params []Param, impl string) {
	parts := strings.Split(name, "/")
	bench = parts[0]
	for _, p := range parts[1:] {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			params = append(params, Param{Value: p})
			continue
		}
		if k == "impl" {
			impl = v
			continue
		}
		params = append(params, Param{Key: k, Value: v})
	}
	return bench, params, impl
}

func paramsString(ps []Param) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return strings.Join(parts, "/")
}

// Ratio compares one of our implementations with one peer in one case.
type Ratio struct {
	Ours, Peer string
	// Value is ours/peer for the metric (below 1: ours is smaller, i.e. faster for ns/op).
	Value float64
	// Difference says whether the two samples differ significantly.
	Difference
}

// Ratios returns ours/peer ratios of the metric's medians for every pair of
// (our implementation, peer) in the case that both report the metric.
func (c *Case) Ratios(unit string) []Ratio {
	var out []Ratio
	for _, o := range c.Impls {
		if !IsOurs(o.Impl) {
			continue
		}
		om, ok := o.Metrics[unit]
		if !ok {
			continue
		}
		for _, p := range c.Impls {
			if IsOurs(p.Impl) || p.Impl == "" {
				continue
			}
			pm, ok := p.Metrics[unit]
			if !ok || pm.Median == 0 {
				continue
			}
			out = append(out, Ratio{Ours: o.Impl, Peer: p.Impl, Value: om.Median / pm.Median, Difference: Compare(om, pm)})
		}
	}
	return out
}

// PairSummary summarises the ratio of one (ours, peer) pair over all cases
// of one benchmark function.
type PairSummary struct {
	Ours, Peer string
	Cases      int
	GeoMean    float64
	Best       float64
	Worst      float64
	// WorstCase is the label (with GOMAXPROCS) of the case with the worst ratio.
	WorstCase string
	// Lower and Higher count the cases in which ours is significantly
	// below or above the peer; the rest show no significant difference.
	Lower, Higher int
}

// SummarizePairs computes, for every (ours, peer) pair in cases, the geometric
// mean, best (smallest) and worst (largest) ours/peer ratio of the metric.
// Pairs are ordered by first appearance.
func SummarizePairs(cases []*Case, unit string) []PairSummary {
	var acc pairAccumulator
	for _, c := range cases {
		for _, r := range c.Ratios(unit) {
			acc.add(c, r.Ours, r.Peer, r.Value, r.Significant && r.Value < 1, r.Significant && r.Value > 1)
		}
	}
	return acc.summaries()
}

// pairAccumulator gathers the ratios of (ours, peer) pairs over cases, pairs
// in order of first appearance.
type pairAccumulator struct {
	order  []*PairSummary
	logSum []float64
}

// add records one case's ratio of a pair; lower and higher say whether it
// is significantly below or above 1.
func (a *pairAccumulator) add(c *Case, ours, peer string, ratio float64, lower, higher bool) {
	i := slices.IndexFunc(a.order, func(ps *PairSummary) bool { return ps.Ours == ours && ps.Peer == peer })
	if i < 0 {
		a.order = append(a.order, &PairSummary{Ours: ours, Peer: peer, Best: math.Inf(1), Worst: math.Inf(-1)})
		a.logSum = append(a.logSum, 0)
		i = len(a.order) - 1
	}
	ps := a.order[i]
	ps.Cases++
	switch {
	case lower:
		ps.Lower++
	case higher:
		ps.Higher++
	}
	a.logSum[i] += math.Log(ratio)
	ps.Best = math.Min(ps.Best, ratio)
	if ratio > ps.Worst {
		ps.Worst, ps.WorstCase = ratio, caseTitle(c)
	}
}

// summaries returns the pairs with their geometric means.
func (a *pairAccumulator) summaries() []PairSummary {
	out := make([]PairSummary, len(a.order))
	for i, ps := range a.order {
		out[i] = *ps
		out[i].GeoMean = math.Exp(a.logSum[i] / float64(ps.Cases))
	}
	return out
}

// PairedPrefix starts the name of a metric that a suite measured as a
// paired ratio itself ("ratio/<peer>": ours/peer of wall times over slices of
// the workload run alternately, which cancels slow changes in machine load).
const PairedPrefix = "ratio/"

// SummarizePaired summarises, for every implementation and peer, the
// paired-ratio metric "ratio/<peer>" over cases: the geometric mean, best
// (smallest) and worst (largest) of its medians. Lower and Higher count the
// cases whose median's 95 % confidence interval lies wholly below or above
// 1 (the rest show no significant difference, or had too few rounds for an
// interval). Pairs are ordered by first appearance, peers of one
// implementation by name.
func SummarizePaired(cases []*Case) []PairSummary {
	var acc pairAccumulator
	for _, c := range cases {
		for _, r := range c.Impls {
			var units []string
			for u := range r.Metrics {
				if strings.HasPrefix(u, PairedPrefix) {
					units = append(units, u)
				}
			}
			slices.Sort(units)
			for _, u := range units {
				if s := r.Metrics[u]; s.Median > 0 {
					acc.add(c, r.Impl, strings.TrimPrefix(u, PairedPrefix), s.Median, s.HasCI() && s.Hi < 1, s.HasCI() && s.Lo > 1)
				}
			}
		}
	}
	return acc.summaries()
}

// caseTitle is the case label with its GOMAXPROCS, as shown in tables.
func caseTitle(c *Case) string {
	l := c.Label()
	if l == "" {
		l = c.Bench
	}
	return l + " (P=" + itoa(c.Procs) + ")"
}
