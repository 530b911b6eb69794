package benchreport

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func loadRaw(t *testing.T, files ...string) *Raw {
	t.Helper()
	var raw Raw
	for _, f := range files {
		fh, err := os.Open(f)
		require.NoError(t, err)
		require.NoError(t, raw.Parse(fh))
		require.NoError(t, fh.Close())
	}
	return &raw
}

func TestSummarizeMedianWithBenchmathConfidenceInterval(t *testing.T) {
	s := summarize([]float64{14, 10, 12})
	assert.Equal(t, 12.0, s.Median)
	assert.Equal(t, 10.0, s.Min)
	assert.Equal(t, 14.0, s.Max)
	assert.Equal(t, 3, s.N)
	assert.False(t, s.HasCI(), "3 rounds are too few for a 95 %% interval of the median")
	assert.True(t, math.IsInf(s.CIHalfWidth(), 1))

	six := summarize([]float64{10, 11, 12, 13, 14, 30})
	assert.Equal(t, 12.5, six.Median)
	require.True(t, six.HasCI())
	// With 6 samples the distribution-free 95 % interval of the median is
	// [min, max] (confidence 1 - 2/64 = 0.969).
	assert.Equal(t, 10.0, six.Lo)
	assert.Equal(t, 30.0, six.Hi)
	assert.InDelta(t, 17.5/12.5, six.CIHalfWidth(), 1e-12)
	assert.Zero(t, summarize([]float64{0, 0, 0, 0, 0, 0}).CIHalfWidth())
}

func TestCompareIsAMannWhitneyTest(t *testing.T) {
	fast := summarize([]float64{10, 11, 10, 12, 11, 10})
	slow := summarize([]float64{20, 21, 22, 20, 23, 21})
	d := Compare(fast, slow)
	assert.True(t, d.Significant)
	assert.Less(t, d.P, 0.05)
	mixed := summarize([]float64{10, 21, 11, 20, 12, 22})
	assert.False(t, Compare(fast, mixed).Significant)
	// Three rounds each can never reach p < 0.05 (minimum p = 0.1).
	assert.False(t, Compare(summarize([]float64{1, 1, 1}), summarize([]float64{9, 9, 9})).Significant)
}

func TestAggregateGroupsRoundsIntoCases(t *testing.T) {
	cases := Aggregate(loadRaw(t, "testdata/synthetic.txt").Samples)
	var labels []string
	for _, c := range cases {
		labels = append(labels, caseTitle(c))
	}
	assert.Equal(t, []string{
		"keys=int/reads=99 (P=1)", "keys=int/reads=99 (P=2)", "entries=1M (P=1)",
		"trace=zipf/capacity=1K (P=1)", "trace=zipf/capacity=10K (P=1)",
	}, labels)
	c := cases[0]
	assert.Equal(t, "BenchmarkMapReadWrite", c.Bench)
	assert.Equal(t, "github.com/raceproof/raceproof/benchmarks/mapbench", c.Pkg)
	require.Len(t, c.Impls, 3)
	m := c.Impl("safemap.Map").Metrics["ns/op"]
	assert.Equal(t, []float64{12, 10, 14, 3}, []float64{m.Median, m.Min, m.Max, float64(m.N)})
	assert.Equal(t, 21.0, c.Impl("sync.Map").Metrics["ns/op"].Median)
	v, ok := c.Param("reads")
	assert.True(t, ok)
	assert.Equal(t, "99", v)
	assert.Nil(t, c.Impl("nope"))
}

func TestRatiosAreOursOverEachPeer(t *testing.T) {
	cases := Aggregate(loadRaw(t, "testdata/synthetic.txt").Samples)
	r := cases[0].Ratios("ns/op")
	require.Len(t, r, 2)
	assert.Equal(t, "safemap.Map", r[0].Ours)
	assert.Equal(t, "sync.Map", r[0].Peer)
	assert.InDelta(t, 12.0/21, r[0].Value, 1e-12)
	assert.Equal(t, "xsync.Map", r[1].Peer)
	assert.InDelta(t, 12.0/11, r[1].Value, 1e-12)

	pairs := SummarizePairs(cases[:2], "ns/op")
	require.Len(t, pairs, 2)
	assert.InDelta(t, math.Sqrt(12.0/21*0.5), pairs[0].GeoMean, 1e-12)
	assert.InDelta(t, 0.5, pairs[0].Best, 1e-12)
	assert.InDelta(t, 1.2, pairs[1].Worst, 1e-12)
	assert.Equal(t, "keys=int/reads=99 (P=2)", pairs[1].WorstCase)
	assert.Equal(t, 2, pairs[1].Cases)
}

func TestSummarizeDiffsHitRatio(t *testing.T) {
	cases := Aggregate(loadRaw(t, "testdata/synthetic.txt").Samples)
	d := SummarizeDiffs(cases, HitMetric)
	require.Len(t, d, 1)
	assert.Equal(t, DiffSummary{Ours: "shardcache.Cache", Peer: "otter", Cases: 2, Mean: 0.5, Worst: 0,
		WorstCase: "trace=zipf/capacity=1K (P=1)"}, d[0])
}

func TestIsOurs(t *testing.T) {
	for _, n := range []string{"safemap.Map", "safemap.SyncMap", "lockfree.Counter", "shardcache.Cache"} {
		assert.True(t, IsOurs(n), n)
	}
	for _, n := range []string{"sync.Map", "xsync.Map", "RWMutexMap", "otter", ""} {
		assert.False(t, IsOurs(n), n)
	}
}

func TestParseAndFormatSize(t *testing.T) {
	for in, want := range map[string]float64{"1024": 1024, "1K": 1000, "80k": 80000, "1M": 1e6, "2Ki": 2048, "1.5M": 1.5e6} {
		got, err := ParseSize(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := ParseSize("big")
	assert.Error(t, err)
	assert.Equal(t, "16", FormatSize(16))
	assert.Equal(t, "80K", FormatSize(80000))
	assert.Equal(t, "1.5M", FormatSize(1.5e6))
	assert.Equal(t, "1234", FormatSize(1234))
}

func TestSummarizePairedRatioMetrics(t *testing.T) {
	var raw Raw
	in := "pkg: x/mapbench\n"
	for round := range 6 {
		d := float64(round) * 0.01
		// Case a: below 1 in every round (interval below 1); case b: around 1.
		in += fmt.Sprintf("BenchmarkPaired/case=a/impl=safemap.Map-2 1 10 ns/op %.2f ratio/sync.Map %.2f ratio/xsync.Map\n", 0.5+d, 0.9+d)
		in += fmt.Sprintf("BenchmarkPaired/case=b/impl=safemap.Map-2 1 10 ns/op %.2f ratio/sync.Map %.2f ratio/xsync.Map\n", 0.97+2*d, 1.2+d)
	}
	require.NoError(t, raw.Parse(strings.NewReader(in)))
	got := SummarizePaired(Aggregate(raw.Samples))
	require.Len(t, got, 2)
	assert.Equal(t, "sync.Map", got[0].Peer, "peers in name order")
	assert.Equal(t, "safemap.Map", got[0].Ours)
	assert.Equal(t, 2, got[0].Cases)
	assert.Equal(t, 1, got[0].Lower, "case a's interval is below 1, case b's spans it")
	assert.Equal(t, 0, got[0].Higher)
	assert.InDelta(t, math.Sqrt(0.525*1.02), got[0].GeoMean, 1e-9)
	assert.InDelta(t, 0.525, got[0].Best, 1e-9)
	assert.InDelta(t, 1.02, got[0].Worst, 1e-9)
	assert.Equal(t, "case=b (P=2)", got[0].WorstCase)
	assert.Equal(t, "xsync.Map", got[1].Peer)
	assert.Equal(t, 1, got[1].Higher, "case b's interval is above 1")

	rep, err := Generate(&raw, testOpts)
	require.NoError(t, err)
	md := string(rep.Markdown)
	assert.Contains(t, md, "paired ours/peer wall time, the `ratio/<peer>` metrics")
	assert.Contains(t, md, "| safemap.Map | sync.Map | 2 | 1 | 0 | 1 | 0.73× | 0.53× | 1.02× | case=b (P=2) |")
	assert.Contains(t, md, "| case=a | 2 | safemap.Map | 10 | 0.53 ±5% | 0.93 ±3% |")
}
