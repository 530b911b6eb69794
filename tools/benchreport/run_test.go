package benchreport

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestOptionsFromEnvDefaults(t *testing.T) {
	o, err := OptionsFromEnv("/repo", env(nil))
	require.NoError(t, err)
	assert.Equal(t, filepath.Join("/repo", "benchmarks"), o.Dir)
	assert.Equal(t, FullRounds, o.Rounds)
	assert.Equal(t, FullBenchtime, o.Benchtime)
	assert.False(t, o.Quick)
	assert.Equal(t, "go tool mage bench", o.Command)
	assert.Equal(t, filepath.Join("/repo", "docs", "benchmarks.md"), o.MarkdownPath)
	assert.Equal(t, filepath.Join("/repo", "docs", "benchmarks", "raw"), o.RawDir)
	assert.Equal(t, filepath.Join("/repo", "benchmarks", "go.mod"), o.GoMod)
	assert.Equal(t, []string{"test", "-run", "^$", "-bench", ".", "-benchmem", "-count", "1",
		"-benchtime", "1s", "-cpu", "1,2,4", "-timeout", "0", "./..."}, o.TestArgs())
}

func TestOptionsFromEnvQuickAndOverrides(t *testing.T) {
	o, err := OptionsFromEnv(".", env(map[string]string{
		"BENCH_QUICK": "1", "BENCH_CPU": "2", "BENCH_PKGS": "./mapbench ./cachebench", "BENCH_FILTER": "Map Read",
	}))
	require.NoError(t, err)
	assert.True(t, o.Quick)
	assert.True(t, o.Short)
	assert.Equal(t, QuickRounds, o.Rounds)
	assert.Equal(t, "2", o.CPU)
	assert.Equal(t, QuickBenchtime, o.Benchtime)
	assert.Equal(t, []string{"./mapbench", "./cachebench"}, o.Packages)
	assert.Equal(t, "BENCH_QUICK=1 BENCH_CPU=2 BENCH_FILTER='Map Read' BENCH_PKGS='./mapbench ./cachebench' go tool mage bench", o.Command)
	args := o.TestArgs()
	assert.Contains(t, args, "-short")
	assert.Equal(t, []string{"./mapbench", "./cachebench"}, args[len(args)-2:])
}

func TestOptionsFromEnvQuickDefaults(t *testing.T) {
	o, err := OptionsFromEnv(".", env(map[string]string{"BENCH_QUICK": "1"}))
	require.NoError(t, err)
	assert.Equal(t, QuickCPU, o.CPU)
	assert.Equal(t, "BENCH_QUICK=1 go tool mage bench", o.Command)
}

func TestOptionsFromEnvRejectsBadValues(t *testing.T) {
	for name, kv := range map[string]map[string]string{
		"quick":  {"BENCH_QUICK": "yes"},
		"rounds": {"BENCH_ROUNDS": "0"},
		"nan":    {"BENCH_ROUNDS": "many"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := OptionsFromEnv(".", env(kv))
			assert.ErrorIs(t, err, ErrInvalidOption)
		})
	}
	o, err := OptionsFromEnv(".", env(map[string]string{"BENCH_ROUNDS": "3", "BENCH_QUICK": "0"}))
	require.NoError(t, err)
	assert.Equal(t, 3, o.Rounds)
	assert.False(t, o.Quick)
}

func TestHeaderIsParsedAsConfig(t *testing.T) {
	o, err := OptionsFromEnv(".", env(map[string]string{"BENCH_QUICK": "1"}))
	require.NoError(t, err)
	h := o.Header("go1.26.8", "example.com/peer@v1.2.3", time.Date(2026, 11, 25, 23, 0, 0, 0, time.UTC))
	var raw Raw
	require.NoError(t, raw.Parse(strings.NewReader(h+"BenchmarkA 1 2 ns/op\n")))
	assert.Equal(t, "go1.26.8", raw.Config[KeyGoVersion])
	assert.Equal(t, "2026-11-25 23:00", raw.Config[KeyDate])
	assert.Equal(t, "true", raw.Config[KeyQuick])
	assert.Equal(t, "BENCH_QUICK=1 go tool mage bench", raw.Config[KeyCommand])
	assert.Equal(t, "1", raw.Config[KeyRounds])
	assert.Equal(t, "./...", raw.Config[KeyPackages])
	assert.NotEmpty(t, raw.Config[KeyNumCPU])
	assert.NotEmpty(t, raw.Config[KeyGOMAXPROCS])
	assert.Equal(t, "example.com/peer@v1.2.3", raw.Config[KeyPeers])
	assert.Equal(t, ".", raw.Config[KeyFilter])
}

func TestPeersFromGoMod(t *testing.T) {
	p := filepath.Join(t.TempDir(), "go.mod")
	require.NoError(t, os.WriteFile(p, []byte(`module github.com/raceproof/raceproof/benchmarks

go 1.25.0

require github.com/single/line v0.1.0

require (
	github.com/alphadose/haxmap v1.4.0
	github.com/raceproof/raceproof/modules/safemap v0.0.0
	github.com/puzpuzpuz/xsync/v4 v4.5.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
)

replace github.com/raceproof/raceproof/modules/safemap => ../modules/safemap
`), 0o644))
	peers, err := PeersFromGoMod(p)
	require.NoError(t, err)
	assert.Equal(t, "github.com/single/line@v0.1.0 github.com/alphadose/haxmap@v1.4.0 github.com/puzpuzpuz/xsync/v4@v4.5.0", peers)
	_, err = PeersFromGoMod(filepath.Join(t.TempDir(), "missing"))
	assert.Error(t, err)
}

func TestRunRejectsZeroRounds(t *testing.T) {
	err := Run(context.Background(), RunOptions{Rounds: 0}, io.Discard)
	assert.ErrorIs(t, err, ErrInvalidOption)
}

func TestShellQuote(t *testing.T) {
	assert.Equal(t, "1,2,4", shellQuote("1,2,4"))
	assert.Equal(t, "'a b'", shellQuote("a b"))
	assert.Equal(t, `'it'\''s'`, shellQuote("it's"))
	assert.Equal(t, "''", shellQuote(""))
}

// TestRunEndToEnd runs a real (tiny) benchmark suite twice per round and
// checks the raw output, the report and the charts it produces.
func TestRunEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test in a fixture module")
	}
	dir := t.TempDir()
	o := RunOptions{
		Dir:          filepath.Join("testdata", "fixturemod"),
		Packages:     []string{"."},
		Bench:        ".",
		Rounds:       2,
		Benchtime:    "200x",
		CPU:          "1,2",
		Command:      "go tool mage bench",
		Env:          []string{"GOWORK=off", "GOFLAGS="},
		RawDir:       filepath.Join(dir, "docs", "benchmarks", "raw"),
		MarkdownPath: filepath.Join(dir, "docs", "benchmarks.md"),
		ChartDir:     filepath.Join(dir, "docs", "benchmarks", "charts"),
		GoMod:        filepath.Join("testdata", "fixturemod", "go.mod"),
		ServiceRaw:   filepath.Join(dir, "docs", "benchmarks", "service-raw.txt"),
	}
	require.NoError(t, os.MkdirAll(filepath.Dir(o.ServiceRaw), 0o755))
	require.NoError(t, os.WriteFile(o.ServiceRaw, []byte(serviceRaw(2)), 0o644))
	var log strings.Builder
	require.NoError(t, Run(context.Background(), o, &log), log.String())
	assert.Contains(t, log.String(), "round 2/2")

	files, err := filepath.Glob(filepath.Join(o.RawDir, "*.txt"))
	require.NoError(t, err)
	require.Len(t, files, 1)
	raw := loadRaw(t, files[0])
	assert.Len(t, raw.Samples, 2*2*(4+4), "2 rounds × 2 -cpu values × 8 sub-benchmarks")
	md, err := os.ReadFile(o.MarkdownPath)
	require.NoError(t, err)
	for _, want := range []string{
		"| lockfree.Counter | RWMutex | 4 |",
		"| shardcache.Cache | LRU | 4 | +0.00 |",
		"(benchmarks/charts/fixturemod-Counter_P_1-throughput.svg)",
		"(benchmarks/charts/fixturemod-HitRatio_trace_loop-hitratio.svg)",
		"| `-cpu` list (GOMAXPROCS per benchmark) | 1,2 |",
		"| suite packages run (in `benchmarks/`) | . |",
		"## Service level",
		"(benchmarks/charts/service-p99.svg)",
	} {
		assert.Contains(t, string(md), want)
	}
	charts, err := filepath.Glob(filepath.Join(o.ChartDir, "*.svg"))
	require.NoError(t, err)
	// Counter at P=1 and P=2 (x = goroutines); hit ratio per trace once, at
	// the smallest P; the service-level chart.
	assert.Len(t, charts, 4)

	// Regenerating from the raw files alone gives the same bytes.
	require.NoError(t, o.Render())
	again, err := os.ReadFile(o.MarkdownPath)
	require.NoError(t, err)
	assert.Equal(t, md, again)

	// A filtered run replaces what it measured and keeps the rest: the
	// other function's results, rows and charts and the service-level
	// section survive it.
	time.Sleep(time.Second) // run files are named by the second they start
	o.Bench = "HitRatio"
	o.Rounds = 1
	log.Reset()
	require.NoError(t, Run(context.Background(), o, &log), log.String())
	files, err = filepath.Glob(filepath.Join(o.RawDir, "*.txt"))
	require.NoError(t, err)
	assert.Len(t, files, 2, "the first run still holds the Counter results")
	partial, err := os.ReadFile(o.MarkdownPath)
	require.NoError(t, err)
	assert.Contains(t, string(partial), "| lockfree.Counter | RWMutex | 4 |")
	assert.Contains(t, string(partial), "## Runs")
	assert.Contains(t, string(partial), "## Service level")
	after, err := filepath.Glob(filepath.Join(o.ChartDir, "*.svg"))
	require.NoError(t, err)
	assert.Equal(t, charts, after)
	hit := loadRaw(t, files[1])
	for _, s := range hit.Samples {
		assert.Contains(t, s.Name, "HitRatio")
	}

	// A full run supersedes both earlier files, which are then deleted.
	time.Sleep(time.Second)
	o.Bench = "."
	require.NoError(t, Run(context.Background(), o, &log), log.String())
	files, err = filepath.Glob(filepath.Join(o.RawDir, "*.txt"))
	require.NoError(t, err)
	assert.Len(t, files, 1)
	assert.Contains(t, log.String(), "superseded by newer runs, deleted")
}
