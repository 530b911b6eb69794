package runner_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raceproof/raceproof/modules/racecheck/report"
	"github.com/raceproof/raceproof/modules/racecheck/runner"
)

// writeModule writes a module example.com/<name> with the given files under
// root and returns root.
func writeModule(t *testing.T, root, name string, files map[string]string) {
	t.Helper()
	files["go.mod"] = "module example.com/" + name + "\n\ngo 1.25\n"
	for f, text := range files {
		p := filepath.Join(root, name, filepath.FromSlash(f))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
}

// TestReplayedStressSeedStillSeesRaces: the yields -stress inserts keep no
// state the race detector counts as synchronisation, so a replay with
// -stress-seed (which replaces the normal run) finds a plain data race.
func TestReplayedStressSeedStillSeesRaces(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeModule(t, dir, "seedrace", map[string]string{
		"race.go": `package seedrace

var x int

// Race increments x from two goroutines with nothing ordering them.
func Race() {
	done := make(chan bool)
	go func() { x++; done <- true }()
	x++
	<-done
}
`,
		"race_test.go": `package seedrace

import "testing"

func TestRace(t *testing.T) { Race() }
`,
	})
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	for _, seed := range []uint64{1, 7, 12345} {
		cfg.StressSeed = seed
		rep := runIn(t, dir, cfg, "seedrace")
		assert.Equal(t, report.ExitFindings, rep.ExitCode(), "seed %d", seed)
		require.NotEmpty(t, rep.Findings, "seed %d", seed)
		assert.Equal(t, report.KindRace, rep.Findings[0].Kind, "seed %d", seed)
	}
}

// TestExcusedExampleDoesNotHideAFatalOne: an example excused for printing
// the injected TestMain's frame must not excuse an example after it that
// ends the binary with log.Fatal.
func TestExcusedExampleDoesNotHideAFatalOne(t *testing.T) {
	skipShort(t)
	if strings.HasPrefix(runtime.Version(), "go1.25") {
		t.Skip("racecheck injects no TestMain before Go 1.26")
	}
	dir := t.TempDir()
	writeModule(t, dir, "excused", map[string]string{
		"example_test.go": `package excused

import (
	"fmt"
	"log"
	"runtime"
	"strings"
)

func Example_frames() {
	pcs := make([]uintptr, 32)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(1, pcs)])
	for {
		f, more := frames.Next()
		if strings.HasPrefix(f.Function, "example.com/") {
			fmt.Println(f.Function)
		}
		if !more {
			break
		}
	}
	// Output:
	// example.com/excused.Example_frames
}

func Example_zfatal() {
	fmt.Println("hi")
	log.Fatal("excused: fatal error in an example")
	// Output: hi
}
`,
	})
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	cfg.Shuffle = "off"
	rep := runIn(t, dir, cfg, "excused")
	assert.Equal(t, report.ExitFindings, rep.ExitCode())
	require.Len(t, rep.Findings, 1, "%+v", rep.Findings)
	assert.Equal(t, "Example_zfatal", rep.Findings[0].Test)
}

// TestFuzzCrashUnderTestMainIgnoringStatus: a fuzz target whose failing
// input the engine wrote is a crash, even when a TestMain that ignores
// m.Run's status makes the binary exit 0.
func TestFuzzCrashUnderTestMainIgnoringStatus(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeModule(t, dir, "fuzzignore", map[string]string{
		"fuzz_test.go": `package fuzzignore

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	m.Run()
	os.Exit(0)
}

func FuzzNonZero(f *testing.F) {
	f.Add(0)
	f.Fuzz(func(t *testing.T, n int) {
		if n != 0 {
			t.Fatalf("fuzzignore: %d is not zero", n)
		}
	})
}
`,
	})
	cfg := runner.DefaultConfig()
	cfg.Race = false
	cfg.FuzzRace = false
	cfg.FuzzMinimize = false
	cfg.FuzzTime = runner.FuzzTime{Duration: 10 * time.Second}
	rep := runIn(t, dir, cfg, "fuzzignore")
	assert.Equal(t, report.ExitFindings, rep.ExitCode())
	f := findFuzz(t, rep, "FuzzNonZero")
	assert.Equal(t, report.FuzzCrash, f.Status)
	require.Len(t, rep.Findings, 1, "%+v", rep.Findings)
	assert.NotEmpty(t, rep.Findings[0].Crasher)
}

// TestNoTestBinaryIsNotClean: when the go command builds no test binary and
// reports no error (GOFLAGS=-n prints the commands instead of running them),
// the packages whose tests never ran are build findings, never clean.
func TestNoTestBinaryIsNotClean(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeModule(t, dir, "nobinary", map[string]string{
		"a_test.go": `package nobinary

import "testing"

func TestFails(t *testing.T) { t.Fatal("nobinary: fails") }
`,
	})
	t.Setenv("GOFLAGS", "-n")
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	rep := runIn(t, dir, cfg, "nobinary")
	assert.NotEqual(t, report.ExitClean, rep.ExitCode())
	require.Len(t, rep.Findings, 1, "%+v", rep.Findings)
	assert.Equal(t, report.KindBuild, rep.Findings[0].Kind)
	assert.Contains(t, rep.Findings[0].Message, "wrote no test binary")
}

// TestMarkersPrintedByPassingTestsAreNotFindings: a passing test that
// prints the lines racecheck looks for after a timeout or a deadlock is not
// a finding; the binary did not die.
func TestMarkersPrintedByPassingTestsAreNotFindings(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeModule(t, dir, "markers", map[string]string{
		"markers_test.go": `package markers

import (
	"fmt"
	"testing"
)

func TestPrintsMarkers(t *testing.T) {
	fmt.Println("panic: test timed out after 5s")
	fmt.Println("racecheck-deadlock: TestPrintsMarkers")
}
`,
	})
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	rep := runIn(t, dir, cfg, "markers")
	assert.Empty(t, rep.Findings)
	assert.Equal(t, report.ExitClean, rep.ExitCode())
}

// TestBinaryBlockedOutsideTestsIsStopped: a TestMain that blocks before
// m.Run never arms the testing package's own timeout, and the race
// detector's runtime never reports the deadlock; racecheck stops the binary
// after -timeout and a grace, as go test does, and reports a timeout.
func TestBinaryBlockedOutsideTestsIsStopped(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeModule(t, dir, "mainblocks", map[string]string{
		"main_test.go": `package mainblocks

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	c := make(chan int)
	<-c
	os.Exit(m.Run())
}

func TestNeverRuns(t *testing.T) {}
`,
	})
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	cfg.Timeout = 2 * time.Second
	runner.SetOverrunGrace(t, 5*time.Second)
	start := time.Now()
	rep := runIn(t, dir, cfg, "mainblocks")
	assert.Less(t, time.Since(start), time.Minute, "stopped after -timeout and a few seconds' grace")
	assert.Equal(t, report.ExitFindings, rep.ExitCode())
	require.Len(t, rep.Findings, 1, "%+v", rep.Findings)
	f := rep.Findings[0]
	assert.Equal(t, report.KindTimeout, f.Kind)
	assert.Contains(t, f.Message, "outside any test")
	assert.Contains(t, f.NotRun, "TestNeverRuns")
}

// TestSlowTeardownWithinGoTestsGraceIsNotATimeout: go test stops a binary
// a minute after its -timeout; racecheck stopped it after half the timeout
// (5s at least), so a TestMain tearing fixtures down for a few seconds
// after m.Run was reported as a timeout go test does not report.
func TestSlowTeardownWithinGoTestsGraceIsNotATimeout(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeModule(t, dir, "teardown", map[string]string{
		"main_test.go": `package teardown

import (
	"os"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	code := m.Run()
	time.Sleep(8 * time.Second) // stops the containers the tests used
	os.Exit(code)
}

func TestA(t *testing.T) {}
`,
	})
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	cfg.Timeout = 2 * time.Second
	rep := runIn(t, dir, cfg, "teardown")
	assert.Equal(t, report.ExitClean, rep.ExitCode(), "%+v", rep.Findings)
}

// TestFuzzBinaryBlockedBeforeFuzzingIsStopped: the fuzz step had no
// overrun stop, so a TestMain that blocks before m.Run (where the testing
// package arms -test.timeout) hung the run forever; with -race=false it
// never reported anything. It is stopped and reported as a timeout.
func TestFuzzBinaryBlockedBeforeFuzzingIsStopped(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeModule(t, dir, "fuzzblocks", map[string]string{
		"main_test.go": `package fuzzblocks

import (
	"os"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	time.Sleep(time.Hour) // waits for a service that never comes
	os.Exit(m.Run())
}

func FuzzNeverRuns(f *testing.F) { f.Fuzz(func(t *testing.T, b []byte) {}) }
`,
	})
	cfg := runner.DefaultConfig()
	cfg.Race = false
	cfg.Timeout = 2 * time.Second
	runner.SetOverrunGrace(t, 5*time.Second)
	cfg.FuzzTime = runner.FuzzTime{Execs: 10}
	start := time.Now()
	rep := runIn(t, dir, cfg, "fuzzblocks")
	assert.Less(t, time.Since(start), time.Minute, "stopped after -timeout and a few seconds' grace")
	assert.Equal(t, report.ExitFindings, rep.ExitCode())
	require.Len(t, rep.Findings, 1, "%+v", rep.Findings)
	f := rep.Findings[0]
	assert.Equal(t, report.KindTimeout, f.Kind)
	assert.Equal(t, "FuzzNeverRuns", f.Test)
	assert.Contains(t, f.Message, "the fuzz binary of FuzzNeverRuns ran for 7s")
	assert.Contains(t, f.Message, "outside any test")
	assert.Contains(t, f.Output, "main_test.go", "the goroutine dump says where it was blocked")
	assert.Contains(t, f.Reproduce, "-fuzz=^FuzzNeverRuns$")
	require.Len(t, rep.Fuzz, 1)
	assert.Equal(t, report.FuzzFailed, rep.Fuzz[0].Status)
}

// TestHangTrappingSIGQUITIsStillStopped: -test-timeout stops a hung test
// with SIGQUIT, for its goroutine dump; a test that handles SIGQUIT itself
// (a server that dumps its state on it) kept running, and with -timeout 0
// the run never ended. racecheck kills it a few seconds later.
func TestHangTrappingSIGQUITIsStillStopped(t *testing.T) {
	skipShort(t)
	if runtime.GOOS == "windows" {
		t.Skip("no SIGQUIT on Windows")
	}
	dir := t.TempDir()
	writeModule(t, dir, "trapsquit", map[string]string{
		"serve_test.go": `package trapsquit

import (
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"
)

func TestServe(t *testing.T) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGQUIT)
	for {
		select {
		case <-c:
			t.Log("dumping state")
		case <-time.After(time.Second):
		}
	}
}
`,
	})
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	cfg.Timeout = 0
	cfg.TestTimeout = 2 * time.Second
	start := time.Now()
	rep := runIn(t, dir, cfg, "trapsquit")
	assert.Less(t, time.Since(start), time.Minute, "killed a few seconds after the SIGQUIT it ignored")
	assert.Equal(t, report.ExitFindings, rep.ExitCode())
	require.NotEmpty(t, rep.Findings)
	assert.Equal(t, report.KindHang, rep.Findings[0].Kind, "%+v", rep.Findings)
	assert.Equal(t, "TestServe", rep.Findings[0].Test)
}

// TestEveryFailingRowOfATableIsAFinding: only the first failing subtest of
// a top-level test became a finding, so every later failing row of a table
// was missing from the annotations, SARIF, Code Quality and JUnit reports
// (go test prints them all).
func TestEveryFailingRowOfATableIsAFinding(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeModule(t, dir, "table", map[string]string{
		"table_test.go": `package table

import "testing"

func TestDouble(t *testing.T) {
	for _, c := range []struct {
		name     string
		in, want int
	}{{"a", 1, 3}, {"b", 2, 4}, {"c", 3, 7}} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.in * 2; got != c.want {
				t.Errorf("double(%d) = %d, want %d", c.in, got, c.want)
			}
		})
	}
}
`,
	})
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	rep := runIn(t, dir, cfg, "table")
	assert.Equal(t, report.ExitFindings, rep.ExitCode())
	var tests, messages []string
	for _, f := range rep.Findings {
		assert.Equal(t, report.KindTestFailure, f.Kind)
		tests = append(tests, f.Test)
		messages = append(messages, f.Message)
	}
	assert.ElementsMatch(t, []string{"TestDouble/a", "TestDouble/c"}, tests)
	assert.Contains(t, strings.Join(messages, "\n"), "double(3) = 6, want 7")
	var junit strings.Builder
	require.NoError(t, report.WriteJUnit(&junit, rep))
	assert.Contains(t, junit.String(), `name="TestDouble/c"`)
}

// TestFailureIsLocatedWhereItWasReported: a finding was located at the
// first "file:line:" its test printed, which may be a t.Logf before the
// failure, or a line of a same-named file in the test's package when the
// failure came from a helper in another package.
func TestFailureIsLocatedWhereItWasReported(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeModule(t, dir, "located", map[string]string{
		"p/helpers.go": `package p

// Twice doubles x.
//
//
//
//
func Twice(x int) int { return 2 * x }
`,
		"p/p_test.go": `package p

import (
	"testing"

	"example.com/located/testutil"
)

func TestLogsThenFails(t *testing.T) {
	t.Logf("connecting to %s", "db")
	if Twice(2) != 5 {
		t.Fatal("Twice(2) is not 5")
	}
}

func TestHelperElsewhere(t *testing.T) {
	testutil.Check(t, Twice(2) == 5)
}
`,
		"testutil/helpers.go": `package testutil

import "testing"

// Check fails t when cond is false; it does not call t.Helper, so the
// failure is reported at its own line, in a file named like p's.
func Check(t *testing.T, cond bool) {
	if !cond {
		t.Error("check failed")
	}
}
`,
	})
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	rep := runIn(t, dir, cfg, "located")
	assert.Equal(t, report.ExitFindings, rep.ExitCode())
	got := map[string]report.Finding{}
	for _, f := range rep.Findings {
		got[f.Test] = f
	}
	require.Contains(t, got, "TestLogsThenFails")
	f := got["TestLogsThenFails"]
	assert.Equal(t, "p/p_test.go:12", f.Location.String())
	assert.Equal(t, "p_test.go:12: Twice(2) is not 5", f.Message)
	require.Contains(t, got, "TestHelperElsewhere")
	f = got["TestHelperElsewhere"]
	assert.Equal(t, "p/p_test.go:16", f.Location.String(), "the test, not p/helpers.go:9, a line of another file")
	assert.Equal(t, "helpers.go:9: check failed", f.Message)
}

// TestSeedFileNamedLikeARegexpIsReplayed: a failing seed corpus file's
// name went into the rerun's -run regexp unquoted, so a hand-named file
// like "issue(42)+bom" matched nothing and the rerun passed.
func TestSeedFileNamedLikeARegexpIsReplayed(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeModule(t, dir, "seedname", map[string]string{
		"parse_test.go": `package seedname

import "testing"

func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		if s == "\ufeffbom" {
			t.Fatal("seedname: a byte order mark breaks the parser")
		}
	})
}
`,
		"testdata/fuzz/FuzzParse/issue(42)+bom": "go test fuzz v1\nstring(\"\\ufeffbom\")\n",
	})
	cfg := runner.DefaultConfig()
	cfg.Race = false
	cfg.FuzzTime = runner.FuzzTime{Execs: 10}
	rep := runIn(t, dir, cfg, "seedname")
	assert.Equal(t, report.ExitFindings, rep.ExitCode())
	require.NotEmpty(t, rep.Findings)
	f := rep.Findings[0]
	assert.Equal(t, report.KindFuzzCrash, f.Kind, "%+v", f)
	assert.Contains(t, f.Reproduce, `issue\(42\)\+bom`)
	rerunFailsAgain(t, dir, f.Reproduce, "seedname: a byte order mark breaks the parser")
}

// TestSynctestBubbleFailureNamesItsTest: a deadlocked synctest bubble
// panics inside testing/synctest.Test, which was taken for a test function:
// the finding named a test "Test" and listed the real one as never run.
func TestSynctestBubbleFailureNamesItsTest(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeModule(t, dir, "bubble", map[string]string{
		"bubble_test.go": `package bubble

import (
	"testing"
	"testing/synctest"
)

func TestBubbleDeadlock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ch := make(chan int)
		<-ch
	})
}

func TestAfter(t *testing.T) {}
`,
	})
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	rep := runIn(t, dir, cfg, "bubble")
	assert.Equal(t, report.ExitFindings, rep.ExitCode())
	require.Len(t, rep.Findings, 1, "%+v", rep.Findings)
	f := rep.Findings[0]
	assert.Equal(t, "TestBubbleDeadlock", f.Test)
	assert.Contains(t, f.Message, "all goroutines in bubble are blocked")
	assert.Equal(t, []string{"TestAfter"}, f.NotRun)
}

// TestTestNamedTestMainIsATest: func TestMain(t *testing.T) is an ordinary
// test to go test; racecheck added its own TestMain next to it, and the
// package failed to build (exit 2) where go test passes.
func TestTestNamedTestMainIsATest(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeModule(t, dir, "maintest", map[string]string{
		"main_test.go": `package maintest

import "testing"

func TestMain(t *testing.T) { t.Log("the main flow works") }

func TestOther(t *testing.T) {}
`,
	})
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	rep := runIn(t, dir, cfg, "maintest")
	assert.Equal(t, report.ExitClean, rep.ExitCode(), "%+v", rep.Findings)
	var ran []string
	for _, tt := range rep.Tests {
		ran = append(ran, tt.Name)
	}
	assert.ElementsMatch(t, []string{"TestMain", "TestOther"}, ran)
}

// TestFailingExampleIsLocatedAtItsDeclaration: a package whose only test is
// an example had its failure located at go.mod:1, since examples were not
// recorded with the package's test functions.
func TestFailingExampleIsLocatedAtItsDeclaration(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeModule(t, dir, "exonly", map[string]string{
		"greet.go": "package exonly\n\nfunc Greet() string { return \"hello\" }\n",
		"example_test.go": `package exonly_test

import (
	"fmt"

	"example.com/exonly"
)

func ExampleGreet() {
	fmt.Println(exonly.Greet())
	// Output: hello, world
}
`,
	})
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	rep := runIn(t, dir, cfg, "exonly")
	assert.Equal(t, report.ExitFindings, rep.ExitCode())
	require.Len(t, rep.Findings, 1, "%+v", rep.Findings)
	assert.Equal(t, "ExampleGreet", rep.Findings[0].Test)
	assert.Equal(t, "example_test.go:9", rep.Findings[0].Location.String())
}

// TestProgramsATestStartsGetGoTestsGORACE: a test that runs a deliberately
// racy program with the race detector and reads its report inherited
// racecheck's GORACE log_path: the report went to racecheck's log instead
// of the program's stderr, the test failed, and the program's race was
// reported as the package's. go test passes it.
func TestProgramsATestStartsGetGoTestsGORACE(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeModule(t, dir, "childrace", map[string]string{
		"child_test.go": `package childrace

import (
	"os/exec"
	"strings"
	"testing"
)

func TestRacyProgramIsFlagged(t *testing.T) {
	out, err := exec.Command("go", "run", "-race", "./testdata/racy").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "WARNING: DATA RACE") {
		t.Fatalf("expected a race report, got err=%v:\n%s", err, out)
	}
}
`,
		"testdata/racy/main.go": `package main

import "time"

func main() {
	x := 0
	go func() { x++ }()
	x++
	time.Sleep(100 * time.Millisecond)
	println(x)
}
`,
	})
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	rep := runIn(t, dir, cfg, "childrace")
	assert.Equal(t, report.ExitClean, rep.ExitCode(), "%+v", rep.Findings)
}

// TestRaceHaltingTheBinaryIsOneFinding: with GORACE=halt_on_error=1 the
// race detector ends the binary at the first race (exit 66); besides the
// race, a package failure said the test "never finished". The race is the
// one finding, with the tests it kept from running.
func TestRaceHaltingTheBinaryIsOneFinding(t *testing.T) {
	skipShort(t)
	t.Setenv("GORACE", "halt_on_error=1")
	dir := t.TempDir()
	writeModule(t, dir, "halts", map[string]string{
		"halts_test.go": `package halts

import (
	"sync"
	"testing"
)

var n int

func TestAdd(t *testing.T) {
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); n++ }()
	}
	wg.Wait()
}

func TestAfter(t *testing.T) {}
`,
	})
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	rep := runIn(t, dir, cfg, "halts")
	assert.Equal(t, report.ExitFindings, rep.ExitCode())
	require.Len(t, rep.Findings, 1, "%+v", rep.Findings)
	f := rep.Findings[0]
	assert.Equal(t, report.KindRace, f.Kind)
	assert.Equal(t, []string{"TestAfter"}, f.NotRun)
}

// TestMissingDependencyIsOneBuildFinding: the go command files a missing
// dependency's error under the dependency's import path, so racecheck
// reported it as a build failure of that package (with a rerun of ./...)
// and the package that imports it as a second one, "no error but no test
// binary". It is one finding, the importer's.
func TestMissingDependencyIsOneBuildFinding(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeModule(t, dir, "missing", map[string]string{
		"pkg/p_test.go": `package pkg

import (
	"testing"

	"example.com/elsewhere/lib"
)

func TestLib(t *testing.T) { lib.Do() }
`,
	})
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	rep := runIn(t, dir, cfg, "missing")
	assert.Equal(t, report.ExitBroken, rep.ExitCode())
	require.Len(t, rep.Findings, 1, "%+v", rep.Findings)
	f := rep.Findings[0]
	assert.Equal(t, report.KindBuild, f.Kind)
	assert.Equal(t, "example.com/missing/pkg", f.Package)
	assert.Contains(t, f.Message, "example.com/elsewhere/lib")
	assert.Contains(t, f.Reproduce, "./pkg")
}

// TestInjectedFilesDoNotClashWithPackageNames: the files racecheck adds to a
// package (the leak-detecting TestMain, the -stress yield) import under
// names of their own, so a package that declares package-level variables
// named like those packages still builds and passes.
func TestInjectedFilesDoNotClashWithPackageNames(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeModule(t, dir, "names", map[string]string{
		"names.go": `package names

// Package-level names that the standard library's packages also have.
var bytes, fmt, os, pprof, runtime, strconv, sync, time int

// Sum adds them, with a goroutine, so that -stress instruments the package.
func Sum() int {
	done := make(chan int)
	go func() { done <- bytes + fmt + os + pprof }()
	return <-done + runtime + strconv + sync + time
}
`,
		"names_test.go": `package names

import "testing"

func TestSum(t *testing.T) {
	if Sum() != 0 {
		t.Fatal("names: not zero")
	}
}
`,
	})
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	rep := runIn(t, dir, cfg, "names")
	assert.Empty(t, rep.Findings)
	assert.Equal(t, report.ExitClean, rep.ExitCode())
	cfg.StressSeed = 3
	rep = runIn(t, dir, cfg, "names")
	assert.Empty(t, rep.Findings)
	assert.Equal(t, report.ExitClean, rep.ExitCode())
}

// TestDotImportedTestMainIsSeen: a TestMain written against a dot import of
// testing is the package's TestMain, as go test sees it; racecheck must not
// add a second one and break the build.
func TestDotImportedTestMainIsSeen(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeModule(t, dir, "dotmain", map[string]string{
		"main_test.go": `package dotmain

import (
	"os"
	. "testing"
)

func TestMain(m *M) { os.Exit(m.Run()) }

func TestFails(t *T) { t.Fatal("dotmain: fails") }
`,
	})
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	rep := runIn(t, dir, cfg, "dotmain")
	assert.Equal(t, report.ExitFindings, rep.ExitCode())
	require.Len(t, rep.Findings, 1, "%+v", rep.Findings)
	assert.Equal(t, report.KindTestFailure, rep.Findings[0].Kind)
	assert.Equal(t, "TestFails", rep.Findings[0].Test)
}

// A TestMain (and a fuzz target) in a file built only under the race
// detector: the -race test build has them, so racecheck must not add a
// TestMain of its own (a duplicate that broke the build), and a fuzz build
// without -race does not, so its targets are listed without them.
func TestRaceTaggedFilesAreListedAsTheBuildSeesThem(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeModule(t, dir, "racetagged", map[string]string{
		"main_race_test.go": `//go:build race

package racetagged

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) { os.Exit(m.Run()) }

func FuzzRaceOnly(f *testing.F) { f.Fuzz(func(t *testing.T, b []byte) {}) }
`,
		"a_test.go": `package racetagged

import "testing"

func TestFails(t *testing.T) { t.Fatal("racetagged: fails") }

func FuzzAlways(f *testing.F) { f.Fuzz(func(t *testing.T, b []byte) {}) }
`,
	})
	cfg := runner.DefaultConfig()
	cfg.FuzzRace = false
	cfg.FuzzTime = runner.FuzzTime{Execs: 10}
	cfg.FuzzMinExecs = 1
	rep := runIn(t, dir, cfg, "racetagged")
	assert.Equal(t, report.ExitFindings, rep.ExitCode())
	require.Len(t, rep.Findings, 1, "%+v", rep.Findings)
	assert.Equal(t, report.KindTestFailure, rep.Findings[0].Kind)
	assert.Equal(t, "TestFails", rep.Findings[0].Test)
	var fuzzed []string
	for _, f := range rep.Fuzz {
		fuzzed = append(fuzzed, f.Target)
	}
	assert.Equal(t, []string{"FuzzAlways"}, fuzzed)
}

// A failure that only go test's declaration order shows (TestA leaves state
// TestB trips on): by default racecheck runs that order, so it fails the
// run every time, as go test does; a random shuffle passed it about half
// the time.
func TestDeclarationOrderFailureIsAlwaysSeen(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeModule(t, dir, "order", map[string]string{
		"a_test.go": `package order

import "testing"

var dirty bool

func TestA(t *testing.T) { dirty = true }

func TestB(t *testing.T) {
	if dirty {
		t.Fatal("order: TestA ran first")
	}
}
`,
	})
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	for range 3 {
		rep := runIn(t, dir, cfg, "order")
		assert.Equal(t, report.ExitFindings, rep.ExitCode())
		require.Len(t, rep.Findings, 1, "%+v", rep.Findings)
		assert.Equal(t, "TestB", rep.Findings[0].Test)
		assert.Equal(t, "off", rep.Settings.Shuffle)
	}
}
