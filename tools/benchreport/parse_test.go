package benchreport

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseReadsConfigResultsAndProcs(t *testing.T) {
	in := `goos: linux
pkg: example.com/a
cpu: Some CPU
BenchmarkX/impl=safemap.Map-4   	 100	 12.5 ns/op	 8 B/op	 1 allocs/op	 97.5 hit%
BenchmarkX/impl=sync.Map        	 200	 25 ns/op
BenchmarkAlone
--- BENCH: BenchmarkY
    y_test.go:10: log line: with colon
PASS
ok  	example.com/a	1.0s
pkg: example.com/b
BenchmarkZ-2	10	1 ns/op
`
	var raw Raw
	require.NoError(t, raw.Parse(strings.NewReader(in)))
	assert.Equal(t, map[string]string{"goos": "linux", "cpu": "Some CPU"}, raw.Config)
	require.Len(t, raw.Samples, 3)
	assert.Equal(t, Sample{Pkg: "example.com/a", Name: "BenchmarkX/impl=safemap.Map", Procs: 4, Iters: 100,
		Values: map[string]float64{"ns/op": 12.5, "B/op": 8, "allocs/op": 1, "hit%": 97.5}}, raw.Samples[0])
	assert.Equal(t, 1, raw.Samples[1].Procs)
	assert.Equal(t, "example.com/b", raw.Samples[2].Pkg)
	assert.Equal(t, 2, raw.Samples[2].Procs)
}

func TestParseKeepsFirstConfigValue(t *testing.T) {
	var raw Raw
	require.NoError(t, raw.Parse(strings.NewReader("cpu: first\n")))
	require.NoError(t, raw.Parse(strings.NewReader("cpu: second\nBenchmarkA 1 1 ns/op\n")))
	assert.Equal(t, "first", raw.Config["cpu"])
	assert.Len(t, raw.Samples, 1)
}

func TestParseRejectsMalformedResults(t *testing.T) {
	for name, line := range map[string]string{
		"odd fields": "BenchmarkA 10 1.5 ns/op 3\n",
		"bad value":  "BenchmarkA 10 fast ns/op\n",
	} {
		t.Run(name, func(t *testing.T) {
			var raw Raw
			err := raw.Parse(strings.NewReader("goos: linux\n" + line))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "line 2")
		})
	}
}

func TestSplitProcs(t *testing.T) {
	for in, want := range map[string]struct {
		name  string
		procs int
	}{
		"BenchmarkA":             {"BenchmarkA", 1},
		"BenchmarkA-8":           {"BenchmarkA", 8},
		"BenchmarkA/impl=x-y":    {"BenchmarkA/impl=x-y", 1},
		"BenchmarkA/size=-":      {"BenchmarkA/size=-", 1},
		"BenchmarkA/impl=LRU-16": {"BenchmarkA/impl=LRU", 16},
	} {
		name, procs := splitProcs(in)
		assert.Equal(t, want.name, name, in)
		assert.Equal(t, want.procs, procs, in)
	}
}
