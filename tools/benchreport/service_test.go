package benchreport

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func serviceRaw(rounds int) string {
	var b strings.Builder
	b.WriteString("goos: linux\ngoarch: amd64\ncpu: Test CPU\nncpu: 2\ngomaxprocs: 2\ngoversion: go1.26.8\ndate: 2026-12-02 10:00\n")
	fmt.Fprintf(&b, "rounds: %d\nduration: 3s\nwarmup: 500ms\nworkers: 64\nsessions: 10000\nwrites: 1 in 10 requests\nqueuecap: 1024\n", rounds)
	b.WriteString("command: go tool mage bench\nloadavg-before: 0.10 0.20 0.30\nsleep-oversleep: median 1.05ms, p99 1.2ms\n")
	for r := range rounds {
		for _, rate := range []int{3000, 12000} {
			for i, impl := range []string{"harness", "sync.Map", "sharded64", "lockfree.Queue"} {
				p99 := float64(1+i) + float64(r)*0.1 + float64(rate)/12000
				fmt.Fprintf(&b, "BenchmarkService/rate=%d/impl=%s-2\t%d\t%d req/s\t0.500 p50-ms\t%.3f p99-ms\t%.3f p99.9-ms\t9.000 max-ms\t0.50 GC/s\t%.3f alloc-MB/s\t10.0 B/req\t20.5 heap-goal-MB\n",
					rate, impl, rate*3, rate, p99, p99*1.5, float64(rate)*10/1e6)
			}
		}
	}
	b.WriteString("loadavg-after: 0.40 0.50 0.60\n")
	return b.String()
}

// withService renders the synthetic suites with the service-level section
// from servicebench output in.
func withService(t *testing.T, in string) *Report {
	t.Helper()
	var raw Raw
	require.NoError(t, raw.Parse(strings.NewReader(in)))
	opts := testOpts
	opts.Service = &ServiceOptions{Raw: &raw, RawLink: "benchmarks/service-raw.txt", RawCommandPath: "docs/benchmarks/service-raw.txt"}
	rep, err := Generate(loadRaw(t, "testdata/synthetic.txt"), opts)
	require.NoError(t, err)
	return rep
}

func TestServiceSectionTableChartAndComparison(t *testing.T) {
	rep := withService(t, serviceRaw(6))
	md := string(rep.Markdown)
	for _, want := range []string{
		"- [service level](#service-level): the article's table, measured\n",
		"\n## Service level\n\nThe article's service-level table, measured: `benchmarks/servicebench`, from its [raw output](benchmarks/service-raw.txt)",
		"| load average (1, 5, 15 min) before / after | 0.10 0.20 0.30 / 0.40 0.50 0.60 |",
		"| pacing: how late `time.Sleep` wakes | median 1.05ms, p99 1.2ms |",
		"benchstat@v0.0.0-20250813145418-2f7363a06fe1 docs/benchmarks/service-raw.txt` reads the raw output too.",
		"| 12,000 | sync.Map | 12,000 | 0.500 | 3.25 ±8% | 4.88 ±8% | 0.500 | 0.120 | 10.0 | 20.5 |",
		"The `harness` row, whose requests do nothing, has a P99 of 2.250 ms at this rate",
		"Every row completed at least 99 % of every offered rate, up to 12,000 req/s",
		"![P99 latency against offered load (servicebench)](benchmarks/charts/service-p99.svg)",
		"| sync.Map | 82,000 | 47.3 | 124 | 18.6 |",
		"| sharded64 | sharded CAS counter | 12,000 | 4.250 |",
		"The article's `sync.Map`/lock-free-queue P99 ratio is 53×; here the `sync.Map` row over the `lockfree.Queue` row is 0.62×.",
		"The article's QPS column (82,000 to 411,000 requests/s, written as 8.2 to 41.1 万) is not the 12,000 QPS",
		"The article's 18.6 MB/s allows at most 4.4 GC/s, not 124",
		"Here the `sync.Map` row allocates 0.120 MB/s and runs 0.50 GC/s, above that bound",
	} {
		assert.Contains(t, md, want)
	}
	assert.NotContains(t, md, "Provisional")
	// The section comes after every suite, and its chart after theirs.
	assert.Greater(t, strings.Index(md, "## Service level"), strings.LastIndex(md, "### Benchmark"))
	last := rep.Charts[len(rep.Charts)-1]
	assert.Equal(t, ServiceChartFile, last.File)
	for _, impl := range []string{"harness", "sync.Map", "sharded64", "lockfree.Queue"} {
		assert.Contains(t, string(last.SVG), ">"+impl+"<")
	}

	without, err := Generate(loadRaw(t, "testdata/synthetic.txt"), testOpts)
	require.NoError(t, err)
	assert.NotContains(t, string(without.Markdown), "service level")
	assert.Len(t, without.Charts, len(rep.Charts)-1)
	assert.True(t, strings.HasPrefix(md, string(without.Markdown[:strings.Index(string(without.Markdown), "## Contents")])),
		"the service section changes nothing above the contents")
}

// TestServiceComparisonComesFromTheRawOutput changes the measurements and
// checks that every measured number in the comparison with the article
// follows them: they are computed, not written in.
func TestServiceComparisonComesFromTheRawOutput(t *testing.T) {
	in := serviceRaw(6)
	// sync.Map's P99 ×4 and the harness's P50 and P99 ×3, at every rate and round.
	var out []string
	for _, line := range strings.Split(in, "\n") {
		f := strings.Split(line, "\t")
		if len(f) > 4 && strings.Contains(f[0], "impl=sync.Map") {
			f[4] = scaleMetric(t, f[4], 4)
		}
		if len(f) > 4 && strings.Contains(f[0], "impl=harness") {
			f[3], f[4] = scaleMetric(t, f[3], 3), scaleMetric(t, f[4], 3)
		}
		out = append(out, strings.Join(f, "\t"))
	}
	md := string(withService(t, strings.Join(out, "\n")).Markdown)

	var raw Raw
	require.NoError(t, raw.Parse(strings.NewReader(strings.Join(out, "\n"))))
	med := map[string]float64{}
	for _, c := range Aggregate(raw.Samples) {
		if v, _ := c.Param("rate"); v == "12000" {
			for _, r := range c.Impls {
				med[r.Impl+" p50"] = r.Metrics[svcP50].Median
				med[r.Impl+" p99"] = r.Metrics[svcP99].Median
			}
		}
	}
	for _, want := range []string{
		fmt.Sprintf("The highest median P99 here at 12,000 req/s is %.3f ms (`sync.Map`)", med["sync.Map p99"]),
		fmt.Sprintf("has a P99 of %.3f ms at this rate", med["harness p99"]),
		fmt.Sprintf("Its P50 of %.3f ms is the pacing", med["harness p50"]),
		fmt.Sprintf("here the `sync.Map` row over the `lockfree.Queue` row is %.2f×.", med["sync.Map p99"]/med["lockfree.Queue p99"]),
		fmt.Sprintf("| sync.Map | sync.Map | 12,000 | %.3f |", med["sync.Map p99"]),
	} {
		assert.Contains(t, md, want)
	}
	// The same sentences with the unchanged input's numbers are gone.
	assert.NotContains(t, md, "The `harness` row, whose requests do nothing, has a P99 of 2.250 ms")
	assert.NotContains(t, md, "row is 0.62×.")
	assert.Equal(t, "13.000", fmt.Sprintf("%.3f", med["sync.Map p99"]), "4 × the unchanged median 3.25")
}

func scaleMetric(t *testing.T, field string, k float64) string {
	t.Helper()
	v, unit, ok := strings.Cut(field, " ")
	require.True(t, ok, field)
	f, err := strconv.ParseFloat(v, 64)
	require.NoError(t, err)
	return strconv.FormatFloat(f*k, 'f', 3, 64) + " " + unit
}

func TestServiceSectionProvisionalAndMissingRate(t *testing.T) {
	md := string(withService(t, strings.ReplaceAll(serviceRaw(1), "rate=12000", "rate=24000")).Markdown)
	assert.Contains(t, md, "**Provisional**: one round per run.")
	assert.Contains(t, md, "This run has no results at 12,000 offered req/s")

	other := &Raw{Samples: []Sample{{Name: "BenchmarkOther", Values: map[string]float64{"ns/op": 1}}}}
	opts := testOpts
	opts.Service = &ServiceOptions{Raw: other, RawLink: "benchmarks/service-raw.txt"}
	_, err := Generate(loadRaw(t, "testdata/synthetic.txt"), opts)
	assert.ErrorContains(t, err, "no BenchmarkService results in the service raw output benchmarks/service-raw.txt")
}

// repo lays out a repository's benchmark output: the synthetic suites as
// one run file and, when service is not empty, servicebench's raw output.
func repo(t *testing.T, service string) RunOptions {
	t.Helper()
	o := DefaultOptions(t.TempDir())
	require.NoError(t, os.MkdirAll(o.RawDir, 0o755))
	in, err := os.ReadFile("testdata/synthetic.txt")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(o.RawDir, "20261201T100000Z.txt"), in, 0o644))
	if service != "" {
		require.NoError(t, os.WriteFile(o.ServiceRaw, []byte(service), 0o644))
	}
	return o
}

func TestRenderIncludesTheServiceSectionWhenItsRawOutputExists(t *testing.T) {
	o := repo(t, serviceRaw(2))
	require.NoError(t, o.Render())
	md, err := os.ReadFile(o.MarkdownPath)
	require.NoError(t, err)
	assert.Contains(t, string(md), "## Service level")
	assert.Contains(t, string(md), "[raw output](benchmarks/service-raw.txt)")
	assert.Contains(t, string(md), "](benchmarks/charts/service-p99.svg)")
	assert.FileExists(t, filepath.Join(o.ChartDir, ServiceChartFile))
	assert.FileExists(t, filepath.Join(o.ChartDir, "cachebench-HitRatio_trace_zipf-hitratio.svg"))

	// A new service run (BENCH_SERVICE=only) changes the section and keeps the suites.
	before := string(md)
	require.NoError(t, os.WriteFile(o.ServiceRaw, []byte(strings.ReplaceAll(serviceRaw(2), "0.500 p50-ms", "0.700 p50-ms")), 0o644))
	require.NoError(t, o.Render())
	after, err := os.ReadFile(o.MarkdownPath)
	require.NoError(t, err)
	cut := strings.Index(before, "## Service level")
	assert.Equal(t, before[:cut], string(after[:cut]), "the suites are unchanged")
	assert.Contains(t, string(after[cut:]), "Its P50 of 0.700 ms")

	// Without the file, there is no section and no stale chart.
	require.NoError(t, os.Remove(o.ServiceRaw))
	require.NoError(t, o.Render())
	md, err = os.ReadFile(o.MarkdownPath)
	require.NoError(t, err)
	assert.NotContains(t, string(md), "## Service level")
	assert.NoFileExists(t, filepath.Join(o.ChartDir, ServiceChartFile))
}

func TestRenderRejectsAServiceRawOutputWithoutResults(t *testing.T) {
	o := repo(t, "goos: linux\n")
	assert.ErrorContains(t, o.Render(), "no BenchmarkService results")
	err := GenerateFiles(Files{Raw: []string{o.RawDir}, Service: filepath.Join(t.TempDir(), "missing.txt"), Markdown: o.MarkdownPath, ChartDir: o.ChartDir})
	assert.Error(t, err, "an explicit service file must exist")
}

func TestFmtInt(t *testing.T) {
	assert.Equal(t, "12,000", fmtInt(12000))
	assert.Equal(t, "411,000", fmtInt(411000))
	assert.Equal(t, "1,234,567", fmtInt(1234567))
	assert.Equal(t, "999", fmtInt(999))
	assert.Equal(t, "-1,000", fmtInt(-1000))
}

func TestKeptUpNamesTheRowsThatFellShort(t *testing.T) {
	var raw Raw
	in := serviceRaw(1) + "BenchmarkService/rate=24000/impl=sync.Map-2\t1\t20000 req/s\t1 p50-ms\t1 p99-ms\n" +
		"BenchmarkService/rate=24000/impl=harness-2\t1\t24000 req/s\t1 p50-ms\t1 p99-ms\n"
	require.NoError(t, raw.Parse(strings.NewReader(in)))
	cases := Aggregate(raw.Samples)
	rate := func(c *Case) float64 { v, _ := c.Param("rate"); f, _ := strconv.ParseFloat(v, 64); return f }
	assert.Equal(t, "Every row kept up to 12,000 req/s. Rows that completed less than 99 % of the offered rate: `sync.Map` at 24,000 (20,000).",
		keptUp(cases, rate))
}

func TestProvisionalWhenBusyOrShort(t *testing.T) {
	assert.Equal(t, "", provisional(map[string]string{"rounds": "3", KeyNumCPU: "2", "loadavg-before": "1.5 1 1", "loadavg-after": "1.9 1 1"}))
	assert.Equal(t, "the machine was busy (1-minute load average 9.65 on 2 cores, after)",
		provisional(map[string]string{"rounds": "3", KeyNumCPU: "2", "loadavg-before": "1.5 1 1", "loadavg-after": "9.65 10 9"}))
	assert.Equal(t, "one round per run", provisional(map[string]string{"rounds": "1"}))
}
