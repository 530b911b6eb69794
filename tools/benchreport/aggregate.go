package benchreport

import (
	"math"
	"slices"
	"strings"
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

// Summary is the distribution of one metric over the rounds of one implementation in one case.
type Summary struct {
	Median, Min, Max float64
	// N is the number of samples (rounds).
	N int
}

// Spread is the largest relative deviation of a sample from the median (0.05 = ±5 %).
func (s Summary) Spread() float64 {
	if s.Median == 0 {
		return 0
	}
	return math.Max(s.Max-s.Median, s.Median-s.Min) / math.Abs(s.Median)
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
	n := len(s)
	med := s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return Summary{Median: med, Min: s[0], Max: s[n-1], N: n}
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
			out = append(out, Ratio{Ours: o.Impl, Peer: p.Impl, Value: om.Median / pm.Median})
		}
	}
	return out
}

// PairSummary summarises the ns/op ratio of one (ours, peer) pair over all
// cases of one benchmark function.
type PairSummary struct {
	Ours, Peer string
	Cases      int
	GeoMean    float64
	Best       float64
	Worst      float64
	// WorstCase is the label (with GOMAXPROCS) of the case with the worst ratio.
	WorstCase string
}

// SummarizePairs computes, for every (ours, peer) pair in cases, the geometric
// mean, best (smallest) and worst (largest) ours/peer ratio of the metric.
// Pairs are ordered by first appearance.
func SummarizePairs(cases []*Case, unit string) []PairSummary {
	type pair struct{ ours, peer string }
	var order []pair
	acc := map[pair]*PairSummary{}
	logSum := map[pair]float64{}
	for _, c := range cases {
		for _, r := range c.Ratios(unit) {
			k := pair{r.Ours, r.Peer}
			ps, ok := acc[k]
			if !ok {
				ps = &PairSummary{Ours: r.Ours, Peer: r.Peer, Best: math.Inf(1), Worst: math.Inf(-1)}
				acc[k] = ps
				order = append(order, k)
			}
			ps.Cases++
			logSum[k] += math.Log(r.Value)
			ps.Best = math.Min(ps.Best, r.Value)
			if r.Value > ps.Worst {
				ps.Worst = r.Value
				ps.WorstCase = caseTitle(c)
			}
		}
	}
	out := make([]PairSummary, 0, len(order))
	for _, k := range order {
		ps := acc[k]
		ps.GeoMean = math.Exp(logSum[k] / float64(ps.Cases))
		out = append(out, *ps)
	}
	return out
}

// caseTitle is the case label with its GOMAXPROCS, as shown in tables.
func caseTitle(c *Case) string {
	l := c.Label()
	if l == "" {
		l = c.Bench
	}
	return l + " (P=" + itoa(c.Procs) + ")"
}
