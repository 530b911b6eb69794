package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raceproof/raceproof/modules/racecheck/internal/fixture"
	"github.com/raceproof/raceproof/modules/racecheck/report"
	"github.com/raceproof/raceproof/modules/racecheck/runner"
)

func run(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = dispatch(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

func TestVersionAndUsage(t *testing.T) {
	code, out, _ := run("version")
	assert.Equal(t, 0, code)
	assert.Equal(t, "racecheck devel\n", out)

	code, _, errOut := run()
	assert.Equal(t, 2, code)
	for name := range commands {
		assert.Contains(t, errOut, name)
	}
	code, _, errOut = run("frobnicate")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `unknown command "frobnicate"`)

	code, _, errOut = run("run", "-h")
	assert.Equal(t, 0, code)
	for _, o := range runner.Options() {
		assert.Contains(t, errOut, "-"+o.Flag, "every option is a flag")
	}
}

// markerModule is a module whose test binary writes a file when it runs,
// so a test can tell whether racecheck ran anything.
func markerModule(t *testing.T) (dir, marker string) {
	t.Helper()
	dir = t.TempDir()
	marker = filepath.Join(dir, "ran")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/marker\n\ngo 1.25\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "marker_test.go"), []byte(`package marker

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	os.WriteFile("ran", nil, 0o644)
	os.Exit(m.Run())
}

func TestNothing(t *testing.T) {}
`), 0o644))
	return dir, marker
}

// TestBadArgumentsFailBeforeAnythingRuns: every bad argument exits 2 at
// once, with a message saying what is wrong, and no test binary runs.
func TestBadArgumentsFailBeforeAnythingRuns(t *testing.T) {
	dir, marker := markerModule(t)
	t.Chdir(dir)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-cpu", "x,y"}, `"x" is not a GOMAXPROCS value`},
		{[]string{"-run", "["}, "missing closing ]"},
		{[]string{"-shuffle", "maybe"}, "want on, off or an integer seed"},
		{[]string{"-timeout", "-1s"}, "want a duration >= 0"},
		{[]string{"-fuzz-match", "["}, "missing closing ]"},
		{[]string{"-count", "0"}, "want a whole number >= 1"},
		{[]string{"-race=false", "-fuzz=false"}, "the run would test nothing"},
		{[]string{"-shard", "5/2"}, "want i/n with 1 <= i <= n"},
		{[]string{"-fuzztime", "never"}, "want a positive duration or Nx"},
		{[]string{"-json", filepath.Join(dir, "missing", "r.json")}, "directory " + filepath.Join(dir, "missing") + " does not exist"},
		{[]string{"-json", filepath.Join(dir, "r.json"), "-sarif", filepath.Join(dir, ".", "r.json")}, "name the same file"},
		{[]string{filepath.Join(dir, "nowhere")}, "directory " + filepath.Join(dir, "nowhere") + " does not exist"},
		{[]string{os.TempDir()}, "has no go.work or go.mod file"},
	} {
		start := time.Now()
		code, _, errOut := run(append([]string{"run"}, c.args...)...)
		assert.Equal(t, 2, code, "%v: %s", c.args, errOut)
		assert.Contains(t, errOut, c.want, c.args)
		assert.NotContains(t, errOut, "racecheck [", "%v: nothing ran", c.args)
		assert.NoFileExists(t, marker, "%v: no test binary ran", c.args)
		assert.Less(t, time.Since(start), 5*time.Second, c.args)
	}
	code, _, errOut := run("list", "-fuzz-match", "[")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "missing closing ]")
}

func TestRunAndList(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: runs the go command on fixture modules")
	}
	dir := fixture.Copy(t, "racy", "clean", "broken")
	t.Chdir(dir)

	code, out, _ := run("list", "-json", "clean", "racy")
	assert.Equal(t, 0, code)
	var targets []map[string]string
	require.NoError(t, json.Unmarshal([]byte(out), &targets))
	assert.Equal(t, []map[string]string{{"module": "example.com/clean", "package": "example.com/clean", "target": "FuzzReverse"}}, targets)

	code, out, errOut := run("list", "broken")
	assert.Equal(t, 2, code, "a package that does not compile fails the listing")
	assert.Contains(t, errOut, "broken.go:4:28: undefined: undefinedName")
	assert.Equal(t, "example.com/broken\tFuzzBroken\n", out, "its targets are still listed")

	out = t.TempDir()
	summary := filepath.Join(out, "summary.md")
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	code, stdout, stderr := run("run", "-fuzz=false", "-github",
		"-json", filepath.Join(out, "r.json"), "-junit", filepath.Join(out, "r.xml"),
		"-sarif", filepath.Join(out, "r.sarif"), "-codequality", filepath.Join(out, "cq.json"), "racy", "clean")
	assert.Equal(t, 1, code, stderr)
	assert.Contains(t, stderr, "test [1/2] example.com/racy", "progress goes to stderr")
	assert.Contains(t, stderr, "RACE in TestRacyIncrement at racy/counter.go:8")
	assert.Contains(t, stderr, "rerun: cd racy && go test -race -count=1 .")
	assert.True(t, strings.HasPrefix(stdout, "::error file=racy/counter.go,line=8,title=data race in TestRacyIncrement::"), stdout)
	assert.Equal(t, 1, strings.Count(stdout, "::error"))

	b, err := os.ReadFile(filepath.Join(out, "r.json"))
	require.NoError(t, err)
	rep, err := report.ReadJSON(bytes.NewReader(b))
	require.NoError(t, err)
	require.Len(t, rep.Findings, 1)
	assert.Equal(t, "TestRacyIncrement", rep.Findings[0].Test)

	var suites report.JUnitSuites
	b, err = os.ReadFile(filepath.Join(out, "r.xml"))
	require.NoError(t, err)
	require.NoError(t, xml.Unmarshal(b, &suites))
	assert.Equal(t, 1, suites.Failures)

	for _, f := range []string{"r.sarif", "cq.json", "summary.md"} {
		b, err := os.ReadFile(filepath.Join(out, f))
		require.NoError(t, err, f)
		assert.Contains(t, string(b), "racy/counter.go", f)
	}

	code, _, stderr = run("run", "-fuzz=false", "broken")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "BUILD in example.com/broken at broken/broken.go:4")
	assert.Contains(t, stderr, "./broken.go:4:28: undefined: undefinedName", "the compiler's message")
}

func TestVetFindsCheckThenAct(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/cta\n\ngo 1.25\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cta.go"), []byte(`package cta

import "sync"

var m sync.Map

func Once(k string, v int) {
	if _, ok := m.Load(k); !ok {
		m.Store(k, v)
	}
}
`), 0o644))
	t.Chdir(dir)
	t.Setenv("GOWORK", "off")

	code, out, errOut := run("vet", "./...")
	assert.Equal(t, 1, code, "stderr: %s", errOut)
	assert.Contains(t, out, "cta.go:9:3: m.Store(k) after m.Load(k) on line 8")
	assert.Contains(t, out, "LoadOrStore")
}
