package benchreport

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var testOpts = Options{RawLink: "benchmarks/raw.txt", ChartLink: "benchmarks/charts"}

func TestGenerateMatchesGolden(t *testing.T) {
	rep, err := Generate(loadRaw(t, "testdata/synthetic.txt"), testOpts)
	require.NoError(t, err)
	golden := "testdata/synthetic.golden.md"
	if *update {
		require.NoError(t, os.WriteFile(golden, rep.Markdown, 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(rep.Markdown))
}

func TestGenerateIsDeterministic(t *testing.T) {
	for _, fixture := range []string{"testdata/synthetic.txt", "testdata/claim6.txt"} {
		t.Run(filepath.Base(fixture), func(t *testing.T) {
			a, err := Generate(loadRaw(t, fixture), testOpts)
			require.NoError(t, err)
			b, err := Generate(loadRaw(t, fixture), testOpts)
			require.NoError(t, err)
			assert.True(t, bytes.Equal(a.Markdown, b.Markdown), "Markdown differs between two runs")
			require.Equal(t, len(a.Charts), len(b.Charts))
			for i := range a.Charts {
				assert.Equal(t, a.Charts[i].File, b.Charts[i].File)
				assert.True(t, bytes.Equal(a.Charts[i].SVG, b.Charts[i].SVG), "chart %s differs", a.Charts[i].File)
			}
		})
	}
}

func TestGenerateTablesAndRatios(t *testing.T) {
	rep, err := Generate(loadRaw(t, "testdata/synthetic.txt"), testOpts)
	require.NoError(t, err)
	md := string(rep.Markdown)
	for _, want := range []string{
		"| CPU | Test CPU @ 3.00GHz |",
		"| cores (`runtime.NumCPU`) | 2 |",
		"| Go | go1.26.8 |",
		"| date (UTC) | 2026-11-25 23:00 |",
		"```sh\ngo tool mage bench\n```",
		"| safemap.Map | sync.Map | 2 | 0 | 0 | 2 | 0.53× | 0.50× | 0.57× | keys=int/reads=99 (P=1) |",
		"| safemap.Map | xsync.Map | 2 | 0 | 0 | 2 | 1.14× | 1.09× | 1.20× | keys=int/reads=99 (P=2) |",
		"| keys=int/reads=99 | 1 | safemap.Map | 12 (n=3) | 0 | 0 | 0.57× ~ sync.Map, 1.09× ~ xsync.Map |",
		"ours/peer bytes/entry (below 1.00: ours uses less memory per entry)",
		"| entries=1M | 1 | safemap.Map | 500000000 | 100 | 2 | 40 | 0.42× ~ sync.Map |",
		"## Peers\n\nPeer versions were not recorded",
		"| shardcache.Cache | otter | 2 | +0.50 | +0.00 | trace=zipf/capacity=1K (P=1) |",
		"![throughput: BenchmarkMapReadWrite/keys=int/reads=99](benchmarks/charts/mapbench-MapReadWrite_keys_int_reads_99-throughput.svg)",
		"![hit ratio: BenchmarkHitRatio/trace=zipf](benchmarks/charts/cachebench-HitRatio_trace_zipf-hitratio.svg)",
	} {
		assert.Contains(t, md, want)
	}
	assert.NotContains(t, md, "Quick smoke run")
}

func TestGenerateCharts(t *testing.T) {
	rep, err := Generate(loadRaw(t, "testdata/synthetic.txt"), testOpts)
	require.NoError(t, err)
	var files []string
	for _, c := range rep.Charts {
		files = append(files, c.File)
		assert.True(t, bytes.Contains(c.SVG, []byte("<svg")), c.File)
	}
	assert.Equal(t, []string{"mapbench-MapReadWrite_keys_int_reads_99-throughput.svg", "cachebench-HitRatio_trace_zipf-hitratio.svg"}, files)
	// The hit-ratio chart has a line per implementation, named in the legend.
	assert.Contains(t, string(rep.Charts[1].SVG), "shardcache.Cache")
	assert.Contains(t, string(rep.Charts[1].SVG), "otter")

	real, err := Generate(loadRaw(t, "testdata/claim6.txt"), testOpts)
	require.NoError(t, err)
	require.Len(t, real.Charts, 4, "one throughput chart per read mix, x = goroutines")
	assert.Equal(t, "experiments-Claim6RWMutexVsSyncMap_reads_100_P_2-throughput.svg", real.Charts[0].File)
}

func TestGenerateQuickBannerAndMissingMachine(t *testing.T) {
	var raw Raw
	require.NoError(t, raw.Parse(strings.NewReader("quick: true\ncommand: BENCH_QUICK=1 go tool mage bench\nBenchmarkA 1 5 ns/op\n")))
	rep, err := Generate(&raw, Options{Title: "claim 6", RawLink: "r.txt", ChartLink: "c", RawCommandPath: "docs/r.txt"})
	require.NoError(t, err)
	md := string(rep.Markdown)
	assert.True(t, strings.HasPrefix(md, "# claim 6\n"))
	assert.Contains(t, md, "benchstat@v0.0.0-20250813145418-2f7363a06fe1 docs/r.txt\n")
	assert.Contains(t, md, "Quick smoke run")
	assert.Contains(t, md, "BENCH_QUICK=1 go tool mage bench")
	assert.Contains(t, md, "| CPU | not recorded |")
	assert.Empty(t, rep.Charts)
}

func TestGenerateRejectsEmptyInput(t *testing.T) {
	_, err := Generate(&Raw{}, testOpts)
	assert.ErrorContains(t, err, "no benchmark results")
}

func TestGenerateFilesReplacesChartsAndIsStable(t *testing.T) {
	dir := t.TempDir()
	charts := filepath.Join(dir, "docs", "benchmarks", "charts")
	require.NoError(t, os.MkdirAll(charts, 0o755))
	stale := filepath.Join(charts, "stale.svg")
	require.NoError(t, os.WriteFile(stale, []byte("<svg/>"), 0o644))
	rawPath := filepath.Join(dir, "docs", "benchmarks", "raw.txt")
	in, err := os.ReadFile("testdata/synthetic.txt")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(rawPath, in, 0o644))
	md := filepath.Join(dir, "docs", "benchmarks.md")

	require.NoError(t, GenerateFiles(Files{Raw: []string{rawPath}, Markdown: md, ChartDir: charts}))
	assert.NoFileExists(t, stale)
	first, err := os.ReadFile(md)
	require.NoError(t, err)
	assert.Contains(t, string(first), "[raw `go test -bench` output](benchmarks/raw.txt)")
	assert.Contains(t, string(first), "](benchmarks/charts/cachebench-HitRatio_trace_zipf-hitratio.svg)")
	svg1, err := os.ReadFile(filepath.Join(charts, "cachebench-HitRatio_trace_zipf-hitratio.svg"))
	require.NoError(t, err)

	require.NoError(t, GenerateFiles(Files{Raw: []string{rawPath}, Markdown: md, ChartDir: charts}))
	second, err := os.ReadFile(md)
	require.NoError(t, err)
	svg2, err := os.ReadFile(filepath.Join(charts, "cachebench-HitRatio_trace_zipf-hitratio.svg"))
	require.NoError(t, err)
	assert.Equal(t, first, second)
	assert.Equal(t, svg1, svg2)

	assert.Error(t, GenerateFiles(Files{Raw: []string{filepath.Join(dir, "missing.txt")}, Markdown: md, ChartDir: charts}))
}

func TestThroughputChartUsesTheGoroutineLevel(t *testing.T) {
	var raw Raw
	require.NoError(t, raw.Parse(strings.NewReader(`pkg: x/lockfreebench
BenchmarkQueue/pairs=1/impl=lockfree.Queue-2 100 10 ns/op
BenchmarkQueue/pairs=1/impl=chan-2 100 20 ns/op
BenchmarkQueue/pairs=4/impl=lockfree.Queue-2 100 12 ns/op
BenchmarkQueue/pairs=4/impl=chan-2 100 30 ns/op
BenchmarkSolo-2 100 5 ns/op
BenchmarkMemory/entries=1M/impl=lockfree.Queue 1 9 ns/op 40 bytes/entry
BenchmarkMemory/entries=1M/impl=lockfree.Queue-2 1 9 ns/op 40 bytes/entry
`)))
	rep, err := Generate(&raw, testOpts)
	require.NoError(t, err)
	require.Len(t, rep.Charts, 1, "a single x value (BenchmarkSolo) and a memory benchmark give no chart")
	c := rep.Charts[0]
	assert.Equal(t, "lockfreebench-Queue_P_2-throughput.svg", c.File)
	assert.Equal(t, "throughput: BenchmarkQueue/P=2", c.Title)
	assert.Contains(t, string(c.SVG), ">pairs<")
	assert.Contains(t, string(rep.Markdown), "| — | 2 | (single) | 5 |")
}
