package runner_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
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

// runIn runs racecheck over the named fixture directories under root, with
// root as the report root, and checks the invariants every report keeps.
func runIn(t *testing.T, root string, cfg runner.Config, dirs ...string) *report.Report {
	t.Helper()
	cfg.Root = root
	cfg.Dirs = nil
	for _, d := range dirs {
		cfg.Dirs = append(cfg.Dirs, filepath.Join(root, d))
	}
	var progress bytes.Buffer
	cfg.Progress = &progress
	rep, err := runner.Run(context.Background(), cfg)
	require.NoError(t, err, progress.String())
	checkInvariants(t, rep, root)
	return rep
}

// checkInvariants: every failed test and every fuzz crash has a finding,
// every finding a rerun command and a location, no output of any writer
// holds an absolute path of the run, and the JSON matches its schema.
func checkInvariants(t *testing.T, rep *report.Report, root string) {
	t.Helper()
	for _, f := range rep.Findings {
		assert.NotEmpty(t, f.Reproduce, "finding %s has a rerun command", f.Title())
		assert.NotEmpty(t, f.Location.File, "finding %s has a location", f.Title())
		assert.NotContains(t, f.Message, "\n", "one-line message")
	}
	for _, tt := range rep.FailedTests() {
		found := false
		for _, f := range rep.Findings {
			if f.Package == tt.Package && (f.Test == tt.Name || strings.HasPrefix(tt.Name, f.Test+"/") || strings.HasPrefix(f.Test, tt.Name+"/") ||
				containsString(f.NotRun, tt.Name)) {
				found = true
			}
		}
		assert.True(t, found, "failed test %s.%s has a finding", tt.Package, tt.Name)
	}
	for _, fz := range rep.Fuzz {
		if fz.Status == report.FuzzCrash || fz.Status == report.FuzzFailed {
			assert.NotEmpty(t, fz.Finding, "fuzz %s %s points at its finding", fz.Target, fz.Status)
		}
	}
	writers := map[string]func(*bytes.Buffer) error{
		"json":   func(b *bytes.Buffer) error { return report.WriteJSON(b, rep) },
		"junit":  func(b *bytes.Buffer) error { return report.WriteJUnit(b, rep) },
		"sarif":  func(b *bytes.Buffer) error { return report.WriteSARIF(b, rep) },
		"gitlab": func(b *bytes.Buffer) error { return report.WriteCodeQuality(b, rep) },
		"github": func(b *bytes.Buffer) error { return report.WriteGitHubAnnotations(b, rep) },
		"md":     func(b *bytes.Buffer) error { return report.WriteMarkdown(b, rep) },
		"text":   func(b *bytes.Buffer) error { return report.WriteText(b, rep) },
	}
	real, _ := filepath.EvalSymlinks(root)
	for name, write := range writers {
		var b bytes.Buffer
		require.NoError(t, write(&b), name)
		assert.NotContains(t, b.String(), root, "%s holds an absolute path", name)
		assert.NotContains(t, b.String(), real, "%s holds an absolute path", name)
		assert.NotContains(t, b.String(), runtimeGOROOT(t), "%s holds the GOROOT path", name)
		if name == "json" {
			schema := compileSchema(t, report.JSONSchema)
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
			require.NoError(t, err)
			require.NoError(t, schema.Validate(inst))
		}
		if name == "sarif" {
			doc, err := os.ReadFile("../report/testdata/sarif-schema-2.1.0.json")
			require.NoError(t, err)
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
			require.NoError(t, err)
			require.NoError(t, compileSchema(t, doc).Validate(inst))
		}
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func runtimeGOROOT(t *testing.T) string {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	require.NoError(t, err)
	return strings.TrimSpace(string(out)) + "/"
}

func compileSchema(t *testing.T, doc []byte) *jsonschema.Schema {
	t.Helper()
	d, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("schema.json", d))
	s, err := c.Compile("schema.json")
	require.NoError(t, err)
	return s
}

func findingsOf(rep *report.Report, pkg string) []report.Finding {
	var out []report.Finding
	for _, f := range rep.Findings {
		if f.Package == pkg {
			out = append(out, f)
		}
	}
	return out
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

// TestBinaryFailuresAreFindings: every way a test binary can fail outside
// one test's verdict, each of which makes plain go test exit 1, is a
// finding naming the package, and the run is never clean.
func TestBinaryFailuresAreFindings(t *testing.T) {
	skipShort(t)
	dir := fixture.Copy(t, "exits")
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	cfg.Shuffle = "off" // bgpanic's goroutine must panic while the next test runs
	rep := runIn(t, dir, cfg, "exits")
	assert.Equal(t, report.ExitFindings, rep.ExitCode())

	cases := []struct {
		pkg, test, message, file string
		notRun                   []string
	}{
		{"initpanic", "", "initialisation panicked, before any test ran: panic: assignment to entry in nil map", "initpanic/initpanic_test.go", []string{"TestNeverRuns", "TestNeverRunsEither"}},
		{"testmainexit", "", "exited with status 1 after its tests passed (TestMain must return or call os.Exit(m.Run()))", "testmainexit/testmainexit_test.go", nil},
		{"logfatal", "TestFatal", "TestFatal never finished: the test binary exited with status 1", "logfatal/logfatal_test.go", nil},
		{"bgpanic", "TestStartsGoroutine", "a goroutine that TestStartsGoroutine started panicked after TestStartsGoroutine had returned: panic: bgpanic: too late (while TestStillRunning ran)", "bgpanic/bgpanic_test.go", []string{"TestStillRunning"}},
		{"exitzero", "TestExitsZero", "os.Exit(0) was called during TestExitsZero", "exitzero/exitzero_test.go", nil},
		{"sysexitzero", "TestExitsZeroAfterFailing", "TestExitsZeroAfterFailing never finished: the test binary exited with status 0", "sysexitzero/sysexitzero_test.go", []string{"TestNeverRuns"}},
	}
	for _, c := range cases {
		pkg := "example.com/exits/" + c.pkg
		fs := findingsOf(rep, pkg)
		require.Len(t, fs, 1, "%s: %+v", c.pkg, fs)
		f := fs[0]
		assert.Equal(t, report.KindPackageFailure, f.Kind, c.pkg)
		assert.Equal(t, "example.com/exits", f.Module, c.pkg)
		assert.Equal(t, c.test, f.Test, c.pkg)
		assert.Contains(t, f.Message, c.message, c.pkg)
		assert.Equal(t, "example.com/exits", f.Location.Module, c.pkg)
		assert.Equal(t, c.file, f.Location.File, c.pkg)
		assert.Positive(t, f.Location.Line, c.pkg)
		for _, n := range c.notRun {
			assert.Contains(t, f.NotRun, n, c.pkg)
		}
		assert.Equal(t, "cd exits && go test -race -count=1 ./"+c.pkg, f.Reproduce, c.pkg)
	}
	assert.Contains(t, findingsOf(rep, "example.com/exits/logfatal")[0].Output, "logfatal: cannot continue")
	// A package in a directory named v1 (no major version suffix to the go
	// command) is run, and its failure found.
	v1 := findingsOf(rep, "example.com/exits/api/v1")
	require.Len(t, v1, 1, "%+v", v1)
	assert.Equal(t, report.KindTestFailure, v1[0].Kind)
	assert.Equal(t, "TestVersionOne", v1[0].Test)
	assert.Empty(t, findingsOf(rep, "example.com/exits/fine"))
	assert.Equal(t, report.TestPass, findTest(t, rep, "example.com/exits/fine", "TestFine").Status)

	// A TestMain that exits 0 before m.Run: no finding (go test passes
	// it), but its tests are listed as skipped, and a note says why.
	assert.Empty(t, findingsOf(rep, "example.com/exits/mainskip"))
	skipped := findTest(t, rep, "example.com/exits/mainskip", "TestNeedsDatabase")
	assert.Equal(t, report.TestSkip, skipped.Status)
	assert.Contains(t, skipped.Note, "never started")
	var noted bool
	for _, n := range rep.Notes {
		if n.Package == "example.com/exits/mainskip" && strings.Contains(n.Message, "exited 0 without running TestNeedsDatabase") {
			noted = true
		}
	}
	assert.True(t, noted, "a note names the tests that never ran: %+v", rep.Notes)
	for _, p := range rep.Packages {
		assert.Equal(t, "off", p.Shuffle, "every package run records its shuffle seed")
	}
}

// TestRunFixtures runs races and fuzzing over the clean, racy, parallel,
// crashing-fuzz and two-module-workspace fixtures in one run.
func TestRunFixtures(t *testing.T) {
	skipShort(t)
	dir := fixture.Copy(t, "clean", "racy", "parallel", "fuzzcrash", "fuzzrace", "workspace")
	cfg := runner.DefaultConfig()
	// An execution count, not a duration: on a loaded machine a short
	// duration can run out during baseline coverage, before the crash.
	cfg.FuzzTime = runner.FuzzTime{Execs: 500}
	cfg.FuzzWorkers = 1
	rep := runIn(t, dir, cfg, "clean", "racy", "parallel", "fuzzcrash", "fuzzrace", "workspace")
	assert.Equal(t, report.ExitFindings, rep.ExitCode())

	var mods []string
	for _, m := range rep.Modules {
		mods = append(mods, m.Path+"@"+m.Dir)
	}
	assert.Equal(t, []string{
		"example.com/clean@clean", "example.com/racy@racy", "example.com/parallel@parallel",
		"example.com/fuzzcrash@fuzzcrash", "example.com/fuzzrace@fuzzrace", "example.com/alpha@workspace/alpha", "example.com/beta@workspace/beta",
	}, mods)
	assert.Equal(t, report.TestPass, findTest(t, rep, "example.com/clean", "TestReverse").Status)

	racy := findingsOf(rep, "example.com/racy")
	require.Len(t, racy, 1, "one racy line pair is one finding")
	assert.Equal(t, report.KindRace, racy[0].Kind)
	assert.Equal(t, "TestRacyIncrement", racy[0].Test)
	assert.Equal(t, report.Location{Module: "example.com/racy", File: "counter.go", Line: 8, Function: "example.com/racy.(*Counter).Inc"}, racy[0].Location)
	require.Len(t, racy[0].Race.Accesses, 2)
	assert.Equal(t, report.TestFail, findTest(t, rep, "example.com/racy", "TestRacyIncrement").Status)

	// A race in a parallel test beside innocent ones: attributed by stack
	// frames to the guilty test only.
	par := findingsOf(rep, "example.com/parallel")
	require.Len(t, par, 1)
	assert.Equal(t, "TestGuilty", par[0].Test)
	assert.Equal(t, "parallel_test.go", par[0].Location.File)
	for _, name := range []string{"TestInnocentA", "TestInnocentB"} {
		assert.Equal(t, report.TestPass, findTest(t, rep, "example.com/parallel", name).Status, name)
	}

	beta := findingsOf(rep, "example.com/beta")
	require.Len(t, beta, 1)
	assert.Equal(t, "TestBetaRace", beta[0].Test)
	assert.Equal(t, "example.com/beta", beta[0].Location.Module)
	assert.Equal(t, "beta_test.go", beta[0].Location.File)
	assert.Equal(t, report.TestPass, findTest(t, rep, "example.com/alpha", "TestDouble").Status)

	// Fuzzing: every target once, in module order.
	require.Len(t, rep.Fuzz, 4)
	assert.Equal(t, []string{"FuzzDouble", "FuzzReverse", "FuzzCrash", "FuzzRace"},
		[]string{rep.Fuzz[0].Target, rep.Fuzz[1].Target, rep.Fuzz[2].Target, rep.Fuzz[3].Target})
	for _, name := range []string{"FuzzReverse", "FuzzDouble"} {
		f := findFuzz(t, rep, name)
		assert.Equal(t, report.FuzzOK, f.Status, name)
		assert.True(t, f.Baseline, name)
		assert.True(t, f.ExecsExact, name)
		assert.GreaterOrEqual(t, f.Execs, int64(100), name)
		assert.Equal(t, "500x", f.FuzzTime)
		assert.Positive(t, f.BuildDuration, name)
	}
	crash := findFuzz(t, rep, "FuzzCrash")
	assert.Equal(t, report.FuzzCrash, crash.Status)
	cf := findingsOf(rep, "example.com/fuzzcrash")
	require.Len(t, cf, 1)
	assert.Equal(t, crash.Finding, cf[0].Fingerprint)
	assert.Equal(t, report.KindFuzzCrash, cf[0].Kind)
	assert.True(t, strings.HasPrefix(cf[0].Crasher, "testdata/fuzz/FuzzCrash/"), cf[0].Crasher)
	assert.FileExists(t, filepath.Join(dir, "fuzzcrash", filepath.FromSlash(cf[0].Crasher)))
	assert.Equal(t, "panic: fuzzcrash: non-empty input", cf[0].Message)
	assert.Equal(t, report.Location{Module: "example.com/fuzzcrash", File: "parse_test.go", Line: 10, Function: "example.com/fuzzcrash.FuzzCrash.func1"}, cf[0].Location)
	assert.Equal(t, "cd fuzzcrash && go test -race '-run=^FuzzCrash$/^"+filepath.Base(cf[0].Crasher)+"$' .", cf[0].Reproduce)

	// A race found by fuzzing is a race finding with the failing input.
	fr := findFuzz(t, rep, "FuzzRace")
	assert.Equal(t, report.FuzzCrash, fr.Status)
	rf := findingsOf(rep, "example.com/fuzzrace")
	require.Len(t, rf, 1)
	assert.Equal(t, report.KindRace, rf[0].Kind)
	assert.Equal(t, "FuzzRace", rf[0].Test)
	assert.Equal(t, fr.Finding, rf[0].Fingerprint)
	assert.True(t, strings.HasPrefix(rf[0].Crasher, "testdata/fuzz/FuzzRace/"), rf[0].Crasher)
	assert.Contains(t, rf[0].Reproduce, "go test -race '-run=^FuzzRace$/^")
	assert.Equal(t, "fuzzrace_test.go", rf[0].Location.File)

	// The crashers are now in testdata: a second run finds each once, in
	// both steps, and merges them.
	again := runIn(t, dir, cfg, "fuzzcrash")
	require.Len(t, again.Findings, 1, "%+v", again.Findings)
	assert.Equal(t, cf[0].Fingerprint, again.Findings[0].Fingerprint)
	assert.Equal(t, 2, again.Findings[0].Count, "seen by the test run and by fuzzing")
}

// TestBuildFailureShowsTheCompiler: a package that does not compile is a
// build finding with the compiler's message, exit status 2, and its fuzz
// targets are listed as not run.
func TestBuildFailureShowsTheCompiler(t *testing.T) {
	skipShort(t)
	dir := fixture.Copy(t, "broken", "clean")
	cfg := runner.DefaultConfig()
	cfg.FuzzTime = runner.FuzzTime{Execs: 50}
	cfg.FuzzMinExecs = 0
	rep := runIn(t, dir, cfg, "broken", "clean")
	assert.Equal(t, report.ExitBroken, rep.ExitCode())
	fs := findingsOf(rep, "example.com/broken")
	require.Len(t, fs, 1, "one finding, whichever step built it")
	f := fs[0]
	assert.Equal(t, report.KindBuild, f.Kind)
	assert.Equal(t, report.Location{Module: "example.com/broken", File: "broken.go", Line: 4}, f.Location)
	assert.Equal(t, "does not compile: broken.go:4: undefined: undefinedName", f.Message)
	assert.Contains(t, f.Output, "undefined: undefinedName")
	assert.Equal(t, "cd broken && go test -count=1 '-run=^$' .", f.Reproduce)
	nr := findFuzz(t, rep, "FuzzBroken")
	assert.Equal(t, report.FuzzNotRun, nr.Status)
	assert.Contains(t, nr.Reason, "does not build")
	assert.Equal(t, report.FuzzOK, findFuzz(t, rep, "FuzzReverse").Status, "the broken module does not stop the others")
	var text bytes.Buffer
	require.NoError(t, report.WriteText(&text, rep))
	assert.Contains(t, text.String(), "broken.go:4:28: undefined: undefinedName", "the compiler's own message is shown")
}

// TestTimeoutsPanicsAndRacesOutsideTests covers the troubles fixture.
func TestTimeoutsPanicsAndRacesOutsideTests(t *testing.T) {
	skipShort(t)
	dir := fixture.Copy(t, "troubles")
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	cfg.Timeout = 5 * time.Second
	rep := runIn(t, dir, cfg, "troubles")
	assert.Equal(t, report.ExitFindings, rep.ExitCode())

	hang := findingsOf(rep, "example.com/troubles/hangs")
	require.Len(t, hang, 1)
	assert.Equal(t, report.KindTimeout, hang[0].Kind)
	assert.Equal(t, "TestHangs", hang[0].Test)
	assert.Equal(t, "the test binary timed out after 5s while running TestHangs; it is in sleep at hangs/hangs_test.go:10", hang[0].Message)
	assert.Equal(t, report.Location{Module: "example.com/troubles", File: "hangs/hangs_test.go", Line: 10, Function: "example.com/troubles/hangs.TestHangs"}, hang[0].Location,
		"where the test waits")
	assert.Contains(t, hang[0].Reproduce, "-timeout=5s ./hangs")

	panics := findingsOf(rep, "example.com/troubles/panics")
	require.Len(t, panics, 1, "one panic is one finding")
	assert.Equal(t, report.KindPanic, panics[0].Kind)
	assert.Equal(t, "TestPanics", panics[0].Test)
	assert.Equal(t, "panic: assignment to entry in nil map", panics[0].Message)
	assert.Equal(t, "panics/panics_test.go", panics[0].Location.File)

	outside := findingsOf(rep, "example.com/troubles/outside")
	require.Len(t, outside, 1)
	assert.Equal(t, report.KindRace, outside[0].Kind)
	assert.Empty(t, outside[0].Test, "TestMain is not a test")
	assert.Equal(t, report.TestPass, findTest(t, rep, "example.com/troubles/outside", "TestNothing").Status)
}

// TestFingerprintsSurviveCheckoutAndWorkingDirectory: the same race, run
// from two clones in different places and with different report roots,
// has the same fingerprint; its location is the library file, not the
// test helper that called it.
func TestFingerprintsSurviveCheckoutAndWorkingDirectory(t *testing.T) {
	skipShort(t)
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	a := fixture.Copy(t, "helper")
	b := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(b, "clone"), 0o755))
	require.NoError(t, os.Rename(filepath.Join(fixture.Copy(t, "helper"), "helper"), filepath.Join(b, "clone", "helper")))
	repA := runIn(t, a, cfg, "helper")
	repB := runIn(t, b, cfg, "clone/helper")
	require.Len(t, repA.Findings, 1)
	require.Len(t, repB.Findings, 1)
	fa, fb := repA.Findings[0], repB.Findings[0]
	assert.Equal(t, fa.Fingerprint, fb.Fingerprint)
	assert.Equal(t, report.Location{Module: "example.com/helper", File: "counter.go", Line: 8, Function: "example.com/helper.(*Counter).Inc"}, fa.Location)
	assert.Equal(t, fa.Location, fb.Location)
	assert.Equal(t, "TestCounter", fa.Test)
	assert.Equal(t, "off", repB.Settings.Shuffle, "declaration order by default, as go test")
	assert.Equal(t, "cd clone/helper && go test -race -count=1 .", fb.Reproduce)
	pa, _ := repA.Path(fa.Location)
	pb, _ := repB.Path(fb.Location)
	assert.Equal(t, "helper/counter.go", pa)
	assert.Equal(t, "clone/helper/counter.go", pb)
}

// TestShuffleFailureReplaysFromItsSeed: an order-dependent failure found
// under shuffle is reported with its seed, and its rerun command fails the
// same way.
func TestShuffleFailureReplaysFromItsSeed(t *testing.T) {
	skipShort(t)
	dir := fixture.Copy(t, "orderdep")
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	var failing *report.Finding
	var passed bool
	for seed := 1; seed <= 30 && (failing == nil || !passed); seed++ {
		cfg.Shuffle = fmt.Sprint(seed)
		rep := runIn(t, dir, cfg, "orderdep")
		if len(rep.Findings) == 0 {
			passed = true
			continue
		}
		if failing == nil {
			require.Len(t, rep.Findings, 1)
			failing = &rep.Findings[0]
			assert.Equal(t, fmt.Sprint(seed), rep.Packages[0].Shuffle)
		}
	}
	require.NotNil(t, failing, "some order runs TestConfigures first")
	require.True(t, passed, "some order passes: the failure depends on the order")
	assert.Equal(t, report.KindTestFailure, failing.Kind)
	assert.Equal(t, "TestExpectsFreshState", failing.Test)
	assert.Equal(t, "state_test.go:12: orderdep: state left over from TestConfigures", failing.Message)
	assert.Equal(t, report.Location{Module: "example.com/orderdep", File: "state_test.go", Line: 12}, failing.Location)
	assert.Contains(t, failing.Reproduce, "-shuffle=")

	rerunFailsAgain(t, dir, failing.Reproduce, "orderdep: state left over from TestConfigures")
}

// rerunFailsAgain runs a finding's go test rerun command in dir and checks
// that it fails again, printing want.
func rerunFailsAgain(t *testing.T, dir, reproduce, want string) {
	t.Helper()
	cmd := exec.Command("sh", "-c", reproduce)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "the rerun command fails again:\n%s", out)
	assert.Contains(t, string(out), want)
}

// TestFuzzStatusTellsTheTruth: too little fuzzing is incomplete, not ok,
// and does not fail the run: a run cut off during the baseline coverage, and
// one with fewer executions than the minimum.
func TestFuzzStatusTellsTheTruth(t *testing.T) {
	skipShort(t)
	dir := fixture.Copy(t, "clean")
	cfg := runner.DefaultConfig()
	cfg.Race = false
	cfg.FuzzRace = false
	cfg.FuzzTime = runner.FuzzTime{Duration: 2 * time.Second}
	cfg.FuzzMinExecs = 1 << 40
	rep := runIn(t, dir, cfg, "clean")
	f := findFuzz(t, rep, "FuzzReverse")
	assert.Equal(t, report.FuzzIncomplete, f.Status)
	assert.True(t, f.Baseline, "two seconds finish the baseline of one seed")
	assert.Contains(t, f.Reason, "fewer than the minimum of 1099511627776")
	assert.False(t, f.Race, "fuzzed without the race detector")
	assert.Equal(t, report.ExitClean, rep.ExitCode(), "incomplete is a warning, not a finding")
	var text bytes.Buffer
	require.NoError(t, report.WriteText(&text, rep))
	assert.Contains(t, text.String(), "fuzz incomplete example.com/clean.FuzzReverse")

	// -fuzztime 50x runs the fifty executions asked for: that is ok, even
	// below the default floor of 100, which it could never reach.
	cfg.FuzzTime = runner.FuzzTime{Execs: 50}
	cfg.FuzzMinExecs = runner.DefaultConfig().FuzzMinExecs
	rep = runIn(t, dir, cfg, "clean")
	f = findFuzz(t, rep, "FuzzReverse")
	assert.Equal(t, report.FuzzOK, f.Status, "%+v", f)
	assert.EqualValues(t, 50, f.Execs)

	// Fifty seeds cannot all run in one execution: the baseline coverage
	// does not finish.
	seeds := filepath.Join(dir, "seeds")
	require.NoError(t, os.Mkdir(seeds, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(seeds, "go.mod"), []byte("module example.com/seeds\n\ngo 1.25\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(seeds, "seeds_test.go"), []byte(`package seeds

import "testing"

func FuzzSeeds(f *testing.F) {
	for i := range 50 {
		f.Add(i)
	}
	f.Fuzz(func(t *testing.T, n int) {})
}
`), 0o644))
	cfg.FuzzTime = runner.FuzzTime{Execs: 1}
	cfg.FuzzMinExecs = 0
	rep = runIn(t, dir, cfg, "seeds")
	f = findFuzz(t, rep, "FuzzSeeds")
	assert.False(t, f.Baseline)
	assert.Equal(t, report.FuzzIncomplete, f.Status)
	assert.Contains(t, f.Reason, "the baseline coverage (the seed corpus run) did not finish")
}

// TestSmallFuzzBudgetFuzzesTheFirstTargets: a budget under a second per
// target skipped the first targets, saying the budget was spent when none
// of it was, and fuzzed later ones. The first targets get a second each
// until the budget is gone.
func TestSmallFuzzBudgetFuzzesTheFirstTargets(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeModule(t, dir, "budget", map[string]string{
		"budget_test.go": `package budget

import "testing"

func FuzzA(f *testing.F) { f.Fuzz(func(t *testing.T, n int) {}) }
func FuzzB(f *testing.F) { f.Fuzz(func(t *testing.T, n int) {}) }
func FuzzC(f *testing.F) { f.Fuzz(func(t *testing.T, n int) {}) }
func FuzzD(f *testing.F) { f.Fuzz(func(t *testing.T, n int) {}) }
`,
	})
	cfg := runner.DefaultConfig()
	cfg.Race = false
	cfg.FuzzRace = false
	cfg.FuzzBudget = 2 * time.Second
	cfg.FuzzMinExecs = 0
	rep := runIn(t, dir, cfg, "budget")
	require.Len(t, rep.Fuzz, 4)
	assert.Equal(t, "FuzzA", rep.Fuzz[0].Target)
	assert.Equal(t, report.FuzzOK, rep.Fuzz[0].Status, "%+v", rep.Fuzz[0])
	assert.Equal(t, "1s", rep.Fuzz[0].FuzzTime)
	assert.True(t, rep.Fuzz[0].Baseline, "a target with no seeds and nothing cached has no baseline to gather: it is not incomplete")
	for i, f := range rep.Fuzz[1:] {
		if f.Status == report.FuzzSkipped {
			assert.Contains(t, f.Reason, fmt.Sprintf("spent on the %d target(s) before it", i+1))
		}
	}
	assert.Equal(t, report.FuzzSkipped, rep.Fuzz[3].Status, "four seconds of fuzzing do not fit in two")
}

// TestFuzzBudgetExcludesBuildTime: a package whose fuzz binary takes
// seconds to build gets the same fuzzing time as one that builds at once.
func TestFuzzBudgetExcludesBuildTime(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	slow := filepath.Join(dir, "slow")
	require.NoError(t, os.MkdirAll(slow, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(slow, "go.mod"), []byte("module example.com/slow\n\ngo 1.25\n"), 0o644))
	// Thousands of distinct functions make the compiler work for seconds.
	var src strings.Builder
	src.WriteString("package slow\n\n")
	for i := range 4000 {
		fmt.Fprintf(&src, "func f%d(x int) int { if x > %d { return x * %d } ; return x + %d }\n", i, i, i+1, i+2)
	}
	fmt.Fprintf(&src, "\nvar Table = []func(int) int{")
	for i := range 4000 {
		fmt.Fprintf(&src, "f%d, ", i)
	}
	src.WriteString("}\n")
	require.NoError(t, os.WriteFile(filepath.Join(slow, "slow.go"), []byte(src.String()), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(slow, "slow_test.go"), []byte(`package slow

import "testing"

func FuzzA(f *testing.F) { f.Fuzz(func(t *testing.T, n int) { _ = Table[uint(n)%uint(len(Table))](n) }) }
func FuzzB(f *testing.F) { f.Fuzz(func(t *testing.T, n int) { _ = Table[uint(n)%uint(len(Table))](n + 1) }) }
`), 0o644))
	cfg := runner.DefaultConfig()
	cfg.Race = false
	cfg.FuzzRace = false
	cfg.FuzzBudget = 6 * time.Second
	cfg.FuzzWorkers = 1
	cfg.FuzzMinExecs = 0
	rep := runIn(t, dir, cfg, "slow")
	require.Len(t, rep.Fuzz, 2)
	first, second := rep.Fuzz[0], rep.Fuzz[1]
	assert.Greater(t, time.Duration(first.BuildDuration), time.Second, "the fixture builds slowly")
	assert.Equal(t, "3s", first.FuzzTime, "the first target's share is half the budget, whatever the build took")
	assert.Zero(t, second.BuildDuration, "the package's binary is built once")
	left := cfg.FuzzBudget - time.Duration(first.Duration)
	if left < time.Second {
		// On a loaded machine the first target's 3s of fuzzing can take
		// more than 5s end to end: the rest is too short to fuzz.
		assert.Equal(t, report.FuzzSkipped, second.Status)
		assert.Contains(t, second.Reason, "fuzz budget of 6s was spent")
		return
	}
	ft, err := runner.ParseFuzzTime(second.FuzzTime)
	require.NoError(t, err)
	assert.InDelta(t, left.Seconds(), ft.Duration.Seconds(), 0.01,
		"the second target gets exactly what the first one's fuzzing left")
}

func TestListAndShard(t *testing.T) {
	skipShort(t)
	dir := fixture.Copy(t, "workspace", "clean", "broken")
	cfg := runner.DefaultConfig()
	cfg.Dirs = []string{filepath.Join(dir, "workspace"), filepath.Join(dir, "clean")}
	targets, err := runner.List(context.Background(), cfg)
	require.NoError(t, err)
	assert.Equal(t, []runner.Target{
		{Module: "example.com/alpha", Package: "example.com/alpha", Name: "FuzzDouble"},
		{Module: "example.com/clean", Package: "example.com/clean", Name: "FuzzReverse"},
	}, targets)

	cfg.Dirs = []string{filepath.Join(dir, "broken")}
	targets, err = runner.List(context.Background(), cfg)
	require.ErrorIs(t, err, runner.ErrBuild)
	assert.Contains(t, err.Error(), "undefined: undefinedName")
	assert.Equal(t, []runner.Target{{Module: "example.com/broken", Package: "example.com/broken", Name: "FuzzBroken"}}, targets,
		"a broken package's targets are still listed")

	// Shard 2/2 fuzzes only the second target.
	cfg = runner.DefaultConfig()
	cfg.Race = false
	cfg.FuzzRace = false
	cfg.Shard = runner.Shard{Index: 2, Total: 2}
	cfg.FuzzTime = runner.FuzzTime{Execs: 200}
	cfg.FuzzWorkers = 1
	rep := runIn(t, dir, cfg, "workspace", "clean")
	require.Len(t, rep.Fuzz, 1)
	assert.Equal(t, "FuzzReverse", rep.Fuzz[0].Target)
	assert.Equal(t, report.ExitClean, rep.ExitCode())
	entries, err := os.ReadDir(filepath.Join(dir, "clean"))
	require.NoError(t, err)
	for _, e := range entries {
		assert.NotEqual(t, "testdata", e.Name(), "a passing fuzz run writes nothing into testdata")
	}
}

// TestPatternsMatchingNothingFail: go test fails when its patterns match no
// package, and so does racecheck (exit 2), instead of reporting a suite it
// never ran as clean.
func TestPatternsMatchingNothingFail(t *testing.T) {
	skipShort(t)
	dir := fixture.Copy(t, "clean", "racy")
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	cfg.Root = dir
	cfg.Dirs = []string{filepath.Join(dir, "clean"), filepath.Join(dir, "racy")}
	cfg.Packages = []string{"./nothere/..."}
	rep, err := runner.Run(context.Background(), cfg)
	require.ErrorIs(t, err, runner.ErrNoPackages)
	assert.Contains(t, err.Error(), `-packages "./nothere/..." in clean, racy`)
	assert.Equal(t, report.ExitBroken, rep.ExitCode())
	require.Len(t, rep.Findings, 1)
	assert.Equal(t, report.KindTool, rep.Findings[0].Kind)
	assert.NotContains(t, rep.Findings[0].Output, dir, "no absolute path in a report")

	// A typo next to a pattern that matches: go test fails on it too.
	cfg.Dirs = []string{filepath.Join(dir, "clean"), filepath.Join(dir, "racy")}
	cfg.Packages = []string{"./...", "./typo"}
	rep, err = runner.Run(context.Background(), cfg)
	require.ErrorIs(t, err, runner.ErrNoPackages)
	assert.Contains(t, err.Error(), `-packages pattern "./typo" matched nothing in any module`)
	assert.NotContains(t, err.Error(), dir, "no absolute path in a report")
	assert.Equal(t, report.ExitBroken, rep.ExitCode())

	// An import path names packages of the one module it lies in, and
	// one in no module of the run is refused.
	cfg.Packages = []string{"example.com/elsewhere/..."}
	rep, err = runner.Run(context.Background(), cfg)
	require.ErrorIs(t, err, runner.ErrNoPackages)
	assert.Contains(t, err.Error(), `-packages pattern "example.com/elsewhere/..." is inside none of the modules of the run`)
	assert.Equal(t, report.ExitBroken, rep.ExitCode())
	cfg.Packages = []string{"example.com/racy/..."}
	rep = runIn(t, dir, cfg, "clean", "racy")
	for _, p := range rep.Packages {
		assert.Equal(t, "example.com/racy", p.Module, "only racy's packages run")
	}
	assert.NotEmpty(t, rep.Packages)

	cfg.Dirs = []string{filepath.Join(dir, "clean")}
	cfg.Packages = []string{"./..."}
	rep = runIn(t, dir, cfg, "clean")
	assert.Equal(t, report.ExitClean, rep.ExitCode())
}

// TestFuzzMatchSelectingNothingFails: a -fuzz-match typo fuzzed nothing,
// and with -race=false the run ran nothing at all and exited 0. It is
// refused before anything runs (exit 2), naming the targets there are.
func TestFuzzMatchSelectingNothingFails(t *testing.T) {
	skipShort(t)
	dir := fixture.Copy(t, "clean", "racy")
	cfg := runner.DefaultConfig()
	cfg.Race = false
	cfg.Root = dir
	cfg.Dirs = []string{filepath.Join(dir, "clean"), filepath.Join(dir, "racy")}
	cfg.FuzzMatch = "FuzzRevrese"
	rep, err := runner.Run(context.Background(), cfg)
	require.ErrorIs(t, err, runner.ErrNoFuzzTargets)
	assert.Contains(t, err.Error(), `-fuzz-match "FuzzRevrese" matches none of FuzzReverse`)
	assert.Equal(t, report.ExitBroken, rep.ExitCode())
	assert.Empty(t, rep.Fuzz, "nothing was fuzzed")

	// With the race tests on, the typo still fails the run before they run.
	cfg.Race = true
	rep, err = runner.Run(context.Background(), cfg)
	require.ErrorIs(t, err, runner.ErrNoFuzzTargets)
	assert.Empty(t, rep.Tests, "nothing ran")

	// Without -fuzz-match, packages without fuzz targets are not an error.
	cfg.Race, cfg.FuzzMatch = false, ""
	cfg.Dirs = []string{filepath.Join(dir, "racy")}
	rep = runIn(t, dir, cfg, "racy")
	assert.Equal(t, report.ExitClean, rep.ExitCode())
}

// TestExamplePrintingItsCallersIsNotBrokenByLeakDetection: the TestMain
// racecheck injects for leak detection adds a frame to every call stack; an
// example that prints its callers (as sourcegraph/conc's
// ExampleCatcher_callers does) passes under go test and must not become a
// finding, while an example whose output differs otherwise still fails.
func TestExamplePrintingItsCallersIsNotBrokenByLeakDetection(t *testing.T) {
	skipShort(t)
	if strings.HasPrefix(runtime.Version(), "go1.25") {
		t.Skip("racecheck injects no TestMain before Go 1.26")
	}
	dir := t.TempDir()
	mod := filepath.Join(dir, "callers")
	require.NoError(t, os.MkdirAll(mod, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/callers\n\ngo 1.25\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(mod, "callers.go"), []byte(`package callers

import "runtime"

// Frames returns the functions of the caller's stack above Frames.
func Frames() []string {
	pcs := make([]uintptr, 32)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	var names []string
	for {
		f, more := frames.Next()
		names = append(names, f.Function)
		if !more {
			return names
		}
	}
}
`), 0o644))
	example := func(extra string) string {
		return `package callers_test

import (
	"fmt"
	"strings"

	"example.com/callers"
)

func ExampleFrames() {
	fmt.Println(strings.Join(callers.Frames(), "\n"))
	// Output:
	// example.com/callers_test.ExampleFrames
	// testing.runExample
	// testing.runExamples
	// testing.(*M).Run
	// main.main
	// runtime.main
	// runtime.goexit` + extra + `
}
`
	}
	require.NoError(t, os.WriteFile(filepath.Join(mod, "example_test.go"), []byte(example("")), 0o644))
	plain := exec.Command("go", "test", "-count=1", ".")
	plain.Dir, plain.Env = mod, append(os.Environ(), "GOWORK=off")
	out, err := plain.CombinedOutput()
	require.NoError(t, err, "go test passes it: %s", out)

	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	rep := runIn(t, dir, cfg, "callers")
	assert.Empty(t, rep.Findings)
	assert.Equal(t, report.ExitClean, rep.ExitCode())
	require.NotEmpty(t, rep.Notes)
	assert.Contains(t, rep.Notes[len(rep.Notes)-1].Message, "ExampleFrames prints its call stack")

	require.NoError(t, os.WriteFile(filepath.Join(mod, "example_test.go"), []byte(example("\n\t// one more line")), 0o644))
	rep = runIn(t, dir, cfg, "callers")
	require.Len(t, rep.Findings, 1, "a real difference is still a failure")
	assert.Equal(t, report.KindTestFailure, rep.Findings[0].Kind)
}
