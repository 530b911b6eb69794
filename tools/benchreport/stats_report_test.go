package benchreport

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sixRounds writes six rounds of a throughput benchmark (reporting hit% as
// the cache suites do, with no size parameter) and a memory benchmark
// reporting B/entry.
func sixRounds() string {
	var b strings.Builder
	b.WriteString("pkg: x/cachebench\npeers: github.com/maypok86/otter/v2@v2.4.0 github.com/dgraph-io/ristretto/v2@v2.4.2\n")
	for r := range 6 {
		for _, g := range []int{1, 4} {
			fmt.Fprintf(&b, "BenchmarkThroughput/reads=100/goroutines=%d/impl=shardcache.Cache-2 100 %d ns/op 99.5 hit%%\n", g, 50+r)
			fmt.Fprintf(&b, "BenchmarkThroughput/reads=100/goroutines=%d/impl=otter-2 100 %d ns/op 99.9 hit%%\n", g, 80+r)
			fmt.Fprintf(&b, "BenchmarkThroughput/reads=100/goroutines=%d/impl=ristretto-2 100 %d ns/op 25.2 hit%%\n", g, 50+(r+3)%6)
		}
		fmt.Fprintf(&b, "BenchmarkMemory/entries=1M/impl=shardcache.Cache-2 1 %d ns/op 106 B/entry\n", 900+r)
		fmt.Fprintf(&b, "BenchmarkMemory/entries=1M/impl=otter-2 1 %d ns/op 90 B/entry\n", 100+r)
	}
	return b.String()
}

func TestReportShowsConfidenceIntervalsSignificanceBytesPerEntryAndHitRate(t *testing.T) {
	var raw Raw
	require.NoError(t, raw.Parse(strings.NewReader(sixRounds())))
	rep, err := Generate(&raw, testOpts)
	require.NoError(t, err)
	md := string(rep.Markdown)
	for _, want := range []string{
		// Peers and their versions.
		"| `github.com/maypok86/otter/v2` | v2.4.0 |",
		"| `github.com/dgraph-io/ristretto/v2` | v2.4.2 |",
		// Significant in both cases against otter, in neither against ristretto.
		"| shardcache.Cache | otter | 2 | 2 | 0 | 0 |",
		"| shardcache.Cache | ristretto | 2 | 0 | 0 | 2 |",
		// Median with its 95 % interval, hit rate in a throughput row, marked ratios.
		"| reads=100/goroutines=1 | 2 | shardcache.Cache | 52.5 ±5% | 99.5 | 0.64× otter, 1.00× ~ ristretto |",
		"| reads=100/goroutines=1 | 2 | ristretto | 52.5 ±5% | 25.2 |  |",
		// Memory is summarised by bytes per entry, not by ns/op.
		"ours/peer B/entry (below 1.00: ours uses less memory per entry)",
		"| shardcache.Cache | otter | 1 | 0 | 1 | 0 | 1.18× |",
	} {
		assert.Contains(t, md, want)
	}
	// Throughput cases that report a hit rate still get their throughput
	// chart; the memory benchmark gets none.
	require.Len(t, rep.Charts, 1)
	assert.Equal(t, "cachebench-Throughput_reads_100_P_2-throughput.svg", rep.Charts[0].File)
}

func TestPrimaryMetric(t *testing.T) {
	mk := func(units ...string) []*Case {
		m := map[string]Summary{}
		for _, u := range units {
			m[u] = Summary{}
		}
		return []*Case{{Impls: []*ImplResult{{Impl: "a", Metrics: m}}}}
	}
	assert.Equal(t, "ns/op", primaryMetric(mk("ns/op", "B/op")))
	assert.Equal(t, "B/entry", primaryMetric(mk("ns/op", "B/entry")))
	assert.Equal(t, "bytes/entry", primaryMetric(mk("ns/op", "bytes/entry")))
}
