package benchreport

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeRun(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	return p
}

const (
	fullRun = `date: 2026-12-01 10:00
pkg: x/mapbench
BenchmarkA/impl=safemap.Map 1 10 ns/op
BenchmarkA/impl=sync.Map 1 20 ns/op
BenchmarkB/impl=safemap.Map 1 30 ns/op
pkg: x/cachebench
BenchmarkC/impl=shardcache.Cache 1 40 ns/op
`
	filteredRun = `date: 2026-12-02 10:00
pkg: x/mapbench
BenchmarkA/impl=safemap.Map 1 11 ns/op
BenchmarkA/impl=sync.Map 1 21 ns/op
`
)

func TestMergeTakesEachResultFromTheNewestRunThatMeasuredIt(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, "20261201T100000Z.txt", fullRun)
	writeRun(t, dir, "20261202T100000Z.txt", filteredRun)
	runs, err := ReadRuns([]string{dir})
	require.NoError(t, err)
	require.Len(t, runs, 2)
	merged, used := Merge(runs)
	assert.Equal(t, []int{2, 2}, used)
	var got []string
	for _, s := range merged.Samples {
		got = append(got, s.Pkg+" "+s.Name+" "+fmtNum(s.Values["ns/op"]))
	}
	assert.Equal(t, []string{
		"x/cachebench BenchmarkC/impl=shardcache.Cache 40",
		"x/mapbench BenchmarkA/impl=safemap.Map 11",
		"x/mapbench BenchmarkA/impl=sync.Map 21",
		"x/mapbench BenchmarkB/impl=safemap.Map 30",
	}, got, "go test's order: A before B, as in the runs")
	assert.Equal(t, "2026-12-02 10:00", merged.Config[KeyDate], "the newest run's configuration")
}

// TestMergeOwnsWholeCases: a run that measured one implementation of a case
// takes the whole case, so no ratio compares implementations measured in
// different runs.
func TestMergeOwnsWholeCases(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, "1.txt", fullRun)
	writeRun(t, dir, "2.txt", "pkg: x/mapbench\nBenchmarkA/impl=safemap.Map 1 12 ns/op\n")
	runs, err := ReadRuns([]string{dir})
	require.NoError(t, err)
	merged, used := Merge(runs)
	assert.Equal(t, []int{2, 1}, used)
	var a []string
	for _, s := range merged.Samples {
		if s.Pkg == "x/mapbench" {
			a = append(a, s.Name)
		}
	}
	assert.Equal(t, []string{"BenchmarkA/impl=safemap.Map", "BenchmarkB/impl=safemap.Map"}, a)
}

func TestPruneDeletesOnlyFullySupersededRuns(t *testing.T) {
	dir := t.TempDir()
	old := writeRun(t, dir, "20261201T100000Z.txt", fullRun)
	writeRun(t, dir, "20261202T100000Z.txt", filteredRun)
	deleted, err := Prune(dir)
	require.NoError(t, err)
	assert.Empty(t, deleted, "the first run still holds B and C")
	assert.FileExists(t, old)

	writeRun(t, dir, "20261203T100000Z.txt", fullRun)
	deleted, err = Prune(dir)
	require.NoError(t, err)
	assert.Len(t, deleted, 2)
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(dir, "20261203T100000Z.txt")}, files)
}

func TestGenerateFilesFromARunDirectoryListsTheRuns(t *testing.T) {
	root := t.TempDir()
	rawDir := filepath.Join(root, "docs", "benchmarks", "raw")
	require.NoError(t, os.MkdirAll(rawDir, 0o755))
	writeRun(t, rawDir, "20261201T100000Z.txt", fullRun)
	writeRun(t, rawDir, "20261202T100000Z.txt", filteredRun)
	md := filepath.Join(root, "docs", "benchmarks.md")
	require.NoError(t, GenerateFiles(Files{Raw: []string{rawDir}, Markdown: md, ChartDir: filepath.Join(root, "docs", "benchmarks", "charts")}))
	b, err := os.ReadFile(md)
	require.NoError(t, err)
	assert.Contains(t, string(b), "## Runs")
	assert.Contains(t, string(b), "| [20261201T100000Z.txt](benchmarks/raw/20261201T100000Z.txt) | 2026-12-01 10:00 |")
	assert.Contains(t, string(b), "### BenchmarkC")
	assert.Contains(t, string(b), `/*.txt; do go run golang.org/x/perf/cmd/benchstat@`)
	_, err = ReadRuns([]string{filepath.Join(root, "empty")})
	assert.Error(t, err)
}
