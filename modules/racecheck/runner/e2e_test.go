package runner_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raceproof/raceproof/modules/racecheck/internal/fixture"
	"github.com/raceproof/raceproof/modules/racecheck/report"
	"github.com/raceproof/raceproof/modules/racecheck/runner"
)

func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end: runs the go command on fixture modules")
	}
}

func findTest(t *testing.T, rep *report.Report, pkg, name string) report.Test {
	t.Helper()
	for _, tt := range rep.Tests {
		if tt.Package == pkg && tt.Name == name {
			return tt
		}
	}
	t.Fatalf("no test %s.%s in report", pkg, name)
	return report.Test{}
}

func findRace(t *testing.T, rep *report.Report, pkg string) report.Race {
	t.Helper()
	for _, r := range rep.Races {
		if r.Package == pkg {
			return r
		}
	}
	t.Fatalf("no race in %s; races: %+v", pkg, rep.Races)
	return report.Race{}
}

func findFuzz(t *testing.T, rep *report.Report, target string) report.FuzzResult {
	t.Helper()
	for _, f := range rep.Fuzz {
		if f.Target == target {
			return f
		}
	}
	t.Fatalf("no fuzz target %s in report", target)
	return report.FuzzResult{}
}

// TestRunFixtures runs race tests and fuzzing over the clean, racy,
// parallel, crashing-fuzz and two-module-workspace fixtures in one run and
// checks the structured results.
func TestRunFixtures(t *testing.T) {
	skipShort(t)
	dir := fixture.Copy(t, "clean", "racy", "parallel", "fuzzcrash", "fuzzrace", "workspace")
	cfg := runner.DefaultConfig()
	cfg.Root = dir
	cfg.Dirs = []string{"clean", "racy", "parallel", "fuzzcrash", "fuzzrace", "workspace"}
	for i, d := range cfg.Dirs {
		cfg.Dirs[i] = filepath.Join(dir, d)
	}
	// An execution count, not a duration: on a loaded machine a short
	// duration can run out during baseline coverage, before the crash.
	cfg.FuzzTime = runner.FuzzTime{Execs: 500}
	cfg.FuzzWorkers = 1
	var progress bytes.Buffer
	cfg.Progress = &progress
	rep, err := runner.Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.Equal(t, report.ExitFindings, rep.ExitCode())
	assert.Empty(t, rep.Errors)

	var mods []string
	for _, m := range rep.Modules {
		mods = append(mods, m.Path+"@"+m.Dir)
	}
	assert.Equal(t, []string{
		"example.com/clean@clean", "example.com/racy@racy", "example.com/parallel@parallel",
		"example.com/fuzzcrash@fuzzcrash", "example.com/fuzzrace@fuzzrace", "example.com/alpha@workspace/alpha", "example.com/beta@workspace/beta",
	}, mods)

	// A clean module passes.
	assert.Equal(t, report.StatusPass, findTest(t, rep, "example.com/clean", "TestReverse").Status)

	// A data race in a test: located at the first frame inside the module.
	racy := findRace(t, rep, "example.com/racy")
	assert.Equal(t, "TestRacyIncrement", racy.Test)
	assert.Equal(t, "example.com/racy", racy.Module)
	assert.Equal(t, report.Frame{Function: "example.com/racy.(*Counter).Inc", File: "racy/counter.go", Line: 8}, racy.Location)
	require.Len(t, racy.Accesses, 2)
	assert.NotEmpty(t, racy.Goroutines)
	assert.Equal(t, "test", racy.Source)
	assert.GreaterOrEqual(t, racy.Count, 1)
	guiltyRacy := findTest(t, rep, "example.com/racy", "TestRacyIncrement")
	assert.Equal(t, report.StatusFail, guiltyRacy.Status)
	assert.Equal(t, 1, guiltyRacy.Races)

	// A race in a parallel test beside innocent ones: attributed by stack
	// frames to the guilty test only.
	par := findRace(t, rep, "example.com/parallel")
	assert.Equal(t, "TestGuilty", par.Test)
	assert.Equal(t, "parallel/parallel_test.go", par.Location.File)
	assert.Equal(t, 30, par.Location.Line)
	assert.Equal(t, report.StatusFail, findTest(t, rep, "example.com/parallel", "TestGuilty").Status)
	for _, name := range []string{"TestInnocentA", "TestInnocentB"} {
		tt := findTest(t, rep, "example.com/parallel", name)
		assert.Equal(t, report.StatusPass, tt.Status, name)
		assert.Zero(t, tt.Races, name)
	}

	// The two-module workspace: each module tested with the workspace's
	// go.work; the race belongs to the beta module.
	beta := findRace(t, rep, "example.com/beta")
	assert.Equal(t, "example.com/beta", beta.Module)
	assert.Equal(t, "TestBetaRace", beta.Test)
	assert.Equal(t, "workspace/beta/beta_test.go", beta.Location.File)
	assert.Contains(t, []int{10, 13}, beta.Location.Line)
	assert.Equal(t, report.StatusPass, findTest(t, rep, "example.com/alpha", "TestDouble").Status)

	// Fuzzing: every target ran once, in module order; the crasher is
	// recorded and on disk.
	require.Len(t, rep.Fuzz, 4)
	assert.Equal(t, []string{"FuzzDouble", "FuzzReverse", "FuzzCrash", "FuzzRace"},
		[]string{rep.Fuzz[0].Target, rep.Fuzz[1].Target, rep.Fuzz[2].Target, rep.Fuzz[3].Target})
	crash := findFuzz(t, rep, "FuzzCrash")
	assert.Equal(t, report.StatusFail, crash.Status)
	assert.True(t, strings.HasPrefix(crash.Crasher, "fuzzcrash/testdata/fuzz/FuzzCrash/"), crash.Crasher)
	assert.FileExists(t, filepath.Join(dir, filepath.FromSlash(crash.Crasher)))
	assert.Equal(t, "panic: fuzzcrash: non-empty input", crash.Message)
	require.NotNil(t, crash.Location)
	assert.Equal(t, report.Frame{File: "fuzzcrash/parse_test.go", Line: 10}, *crash.Location)
	assert.Contains(t, crash.Rerun, "-run='^FuzzCrash$/^"+filepath.Base(crash.Crasher)+"$'")
	assert.False(t, crash.Race)
	for _, name := range []string{"FuzzReverse", "FuzzDouble"} {
		f := findFuzz(t, rep, name)
		assert.Equal(t, report.StatusPass, f.Status, "%s: %s", name, f.Output)
		assert.Positive(t, f.Execs, name)
		assert.Equal(t, "500x", f.FuzzTime)
	}
	assert.Contains(t, progress.String(), "fuzz [3/4] example.com/fuzzcrash.FuzzCrash")

	// A race found by fuzzing: the crasher is re-run under -race and the
	// race recovered with its stacks.
	fr := findFuzz(t, rep, "FuzzRace")
	assert.Equal(t, report.StatusFail, fr.Status)
	assert.True(t, fr.Race)
	assert.True(t, strings.HasPrefix(fr.Crasher, "fuzzrace/testdata/fuzz/FuzzRace/"), fr.Crasher)
	assert.Contains(t, fr.Rerun, "go test -race -run='^FuzzRace$/^")
	fuzzRace := findRace(t, rep, "example.com/fuzzrace")
	assert.Equal(t, "fuzz", fuzzRace.Source)
	assert.Equal(t, "FuzzRace", fuzzRace.Test)
	assert.Equal(t, report.Frame{Function: "example.com/fuzzrace.(*Cell).set", File: "fuzzrace/fuzzrace_test.go", Line: 9}, fuzzRace.Location)
	assert.Len(t, rep.Races, 4)

	// Every output format accepts the real report.
	for name, write := range map[string]func(*bytes.Buffer) error{
		"json":   func(b *bytes.Buffer) error { return report.WriteJSON(b, rep) },
		"junit":  func(b *bytes.Buffer) error { return report.WriteJUnit(b, rep) },
		"sarif":  func(b *bytes.Buffer) error { return report.WriteSARIF(b, rep) },
		"gitlab": func(b *bytes.Buffer) error { return report.WriteCodeQuality(b, rep) },
		"github": func(b *bytes.Buffer) error { return report.WriteGitHubAnnotations(b, rep) },
	} {
		var b bytes.Buffer
		require.NoError(t, write(&b), name)
		assert.Contains(t, b.String(), "racy/counter.go", name)
		if name == "sarif" {
			validateSARIF(t, b.Bytes())
		}
	}
}

// validateSARIF checks a SARIF log against the official SARIF 2.1.0 schema.
func validateSARIF(t *testing.T, log []byte) {
	t.Helper()
	f, err := os.Open("../report/testdata/sarif-schema-2.1.0.json")
	require.NoError(t, err)
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("sarif.json", doc))
	schema, err := c.Compile("sarif.json")
	require.NoError(t, err)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(log))
	require.NoError(t, err)
	require.NoError(t, schema.Validate(inst))
}

// TestRunProblems checks that build failures, panics, timeouts and races
// outside tests are first-class results, and that a build failure makes
// the exit status 2.
func TestRunProblems(t *testing.T) {
	skipShort(t)
	dir := fixture.Copy(t, "broken", "troubles")
	cfg := runner.DefaultConfig()
	cfg.Root = dir
	cfg.Dirs = []string{filepath.Join(dir, "broken"), filepath.Join(dir, "troubles")}
	cfg.Fuzz = false
	cfg.Timeout = 5 * time.Second
	rep, err := runner.Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.Equal(t, report.ExitBroken, rep.ExitCode())
	kinds := map[string]report.Error{}
	for _, e := range rep.Errors {
		kinds[e.Kind+" "+e.Package] = e
	}
	build, ok := kinds["build example.com/broken"]
	require.True(t, ok, "errors: %+v", rep.Errors)
	assert.Contains(t, build.Output, "broken.go:4")
	assert.Contains(t, build.Output, "undefinedName")
	panicked, ok := kinds["panic example.com/troubles/panics"]
	require.True(t, ok, "errors: %+v", rep.Errors)
	assert.Equal(t, "TestPanics", panicked.Test)
	assert.Contains(t, panicked.Message, "assignment to entry in nil map")
	timeout, ok := kinds["timeout example.com/troubles/hangs"]
	require.True(t, ok, "errors: %+v", rep.Errors)
	assert.Equal(t, "TestHangs", timeout.Test)
	assert.Equal(t, "panic: test timed out after 5s", timeout.Message)
	_, ok = kinds["race-outside-test example.com/troubles/outside"]
	assert.True(t, ok, "errors: %+v", rep.Errors)
	assert.Equal(t, report.StatusPass, findTest(t, rep, "example.com/troubles/outside", "TestNothing").Status)
}

func TestListAndShard(t *testing.T) {
	skipShort(t)
	dir := fixture.Copy(t, "workspace", "clean")
	targets, err := runner.List(context.Background(), "go", []string{filepath.Join(dir, "workspace"), filepath.Join(dir, "clean")})
	require.NoError(t, err)
	assert.Equal(t, []runner.Target{
		{Module: "example.com/alpha", Package: "example.com/alpha", Name: "FuzzDouble"},
		{Module: "example.com/clean", Package: "example.com/clean", Name: "FuzzReverse"},
	}, targets)

	// Shard 2/2 fuzzes only the second target; the fuzz budget caps it.
	cfg := runner.DefaultConfig()
	cfg.Root = dir
	cfg.Dirs = []string{filepath.Join(dir, "workspace"), filepath.Join(dir, "clean")}
	cfg.Race = false
	cfg.Shard = runner.Shard{Index: 2, Total: 2}
	cfg.FuzzBudget = 2 * time.Second
	cfg.FuzzWorkers = 1
	rep, err := runner.Run(context.Background(), cfg)
	require.NoError(t, err)
	require.Len(t, rep.Fuzz, 1)
	assert.Equal(t, "FuzzReverse", rep.Fuzz[0].Target)
	ft, err := runner.ParseFuzzTime(rep.Fuzz[0].FuzzTime)
	require.NoError(t, err)
	assert.LessOrEqual(t, ft.Duration, 2*time.Second, "capped by the budget")
	assert.Greater(t, ft.Duration, time.Second)
	assert.Equal(t, report.ExitClean, rep.ExitCode())
	entries, err := os.ReadDir(filepath.Join(dir, "clean"))
	require.NoError(t, err)
	for _, e := range entries {
		assert.NotEqual(t, "testdata", e.Name(), "a passing fuzz run writes nothing into testdata")
	}
}
