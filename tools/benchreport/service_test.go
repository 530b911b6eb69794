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

func TestGenerateServiceTableChartAndComparison(t *testing.T) {
	var raw Raw
	require.NoError(t, raw.Parse(strings.NewReader(serviceRaw(6))))
	rep, err := GenerateService(&raw, ServiceOptions{RawLink: "service-raw.txt", ChartLink: "."})
	require.NoError(t, err)
	md := string(rep.Markdown)
	for _, want := range []string{
		"| load average (1, 5, 15 min) before / after | 0.10 0.20 0.30 / 0.40 0.50 0.60 |",
		"| pacing: how late `time.Sleep` wakes | median 1.05ms, p99 1.2ms |",
		"| 12,000 | sync.Map | 12,000 | 0.500 | 3.25 ±8% | 4.88 ±8% | 0.500 | 0.120 | 10.0 | 20.5 |",
		"The `harness` row, whose requests do nothing, has a P99 of 2.250 ms at this rate",
		"Every row completed at least 99 % of every offered rate, up to 12,000 req/s",
		"![P99 latency against offered load (servicebench)](./service-p99.svg)",
		"| sync.Map | 82,000 | 47.3 | 124 | 18.6 |",
		"| sharded64 | sharded CAS counter | 12,000 | 4.250 |",
		"The article's `sync.Map`/lock-free-queue P99 ratio is 53×; here the `sync.Map` row over the `lockfree.Queue` row is 0.62×.",
		"The article's 18.6 MB/s allows at most 4.4 GC/s, not 124",
		"Here the `sync.Map` row allocates 0.120 MB/s and runs 0.50 GC/s, above that bound",
	} {
		assert.Contains(t, md, want)
	}
	assert.NotContains(t, md, "Provisional")
	require.Len(t, rep.Charts, 1)
	assert.Equal(t, "service-p99.svg", rep.Charts[0].File)
	for _, impl := range []string{"harness", "sync.Map", "sharded64", "lockfree.Queue"} {
		assert.Contains(t, string(rep.Charts[0].SVG), ">"+impl+"<")
	}
}

func TestGenerateServiceProvisionalAndMissingRate(t *testing.T) {
	var raw Raw
	in := strings.ReplaceAll(serviceRaw(1), "rate=12000", "rate=24000")
	require.NoError(t, raw.Parse(strings.NewReader(in)))
	rep, err := GenerateService(&raw, ServiceOptions{RawLink: "r.txt", ChartLink: "."})
	require.NoError(t, err)
	md := string(rep.Markdown)
	assert.Contains(t, md, "**Provisional**: one round per run.")
	assert.Contains(t, md, "This run has no results at 12,000 offered req/s")

	_, err = GenerateService(&Raw{Samples: []Sample{{Name: "BenchmarkOther", Values: map[string]float64{"ns/op": 1}}}}, ServiceOptions{})
	assert.ErrorContains(t, err, "no BenchmarkService results")
}

func TestGenerateServiceFilesTouchesOnlyItsOwnChart(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "claim6.svg")
	require.NoError(t, os.WriteFile(other, []byte("<svg/>"), 0o644))
	rawPath := filepath.Join(dir, "service-raw.txt")
	require.NoError(t, os.WriteFile(rawPath, []byte(serviceRaw(2)), 0o644))
	md := filepath.Join(dir, "service.md")
	require.NoError(t, GenerateServiceFiles(rawPath, md, dir))
	assert.FileExists(t, other)
	assert.FileExists(t, filepath.Join(dir, "service-p99.svg"))
	b, err := os.ReadFile(md)
	require.NoError(t, err)
	assert.Contains(t, string(b), "[raw output](service-raw.txt)")
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
