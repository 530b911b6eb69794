package runner_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raceproof/raceproof/modules/racecheck/internal/fixture"
	"github.com/raceproof/raceproof/modules/racecheck/report"
	"github.com/raceproof/raceproof/modules/racecheck/runner"
)

func findingsOfKind(rep *report.Report, kind report.Kind) []report.Finding {
	var out []report.Finding
	for _, f := range rep.Findings {
		if f.Kind == kind {
			out = append(out, f)
		}
	}
	return out
}

// TestLeaksDeadlocksAndHangs: goroutines a test leaves blocked forever are
// leaks, a test whose own goroutine is blocked forever is a deadlock found
// within seconds although the race detector's runtime never reports one, a
// test past the per-test limit is a hang; a goroutine that is merely still
// working is none of these.
func TestLeaksDeadlocksAndHangs(t *testing.T) {
	skipShort(t)
	dir := fixture.Copy(t, "blocking", "troubles")
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	cfg.TestTimeout = 3 * time.Second
	start := time.Now()
	rep := runIn(t, dir, cfg, "blocking")
	assert.Less(t, time.Since(start), 3*time.Minute, "no deadlock waits for the 10-minute timeout")
	assert.Equal(t, report.ExitFindings, rep.ExitCode())
	assert.Len(t, rep.Findings, 4, "two leaks and two deadlocks, nothing else: %+v", rep.Findings)
	assert.Equal(t, report.TestPass, findTest(t, rep, "example.com/blocking/quiet", "TestNoGoroutineLeftBehind").Status,
		"racecheck's deadlock watch leaves no goroutine for a goleak-style check to see")

	leaks := findingsOfKind(rep, report.KindLeak)
	require.Len(t, leaks, 2, "%+v", leaks)
	byTest := map[string]report.Finding{}
	for _, f := range leaks {
		byTest[f.Test] = f
	}
	fetch := byTest["TestFetchTimesOut"]
	assert.Equal(t, report.Location{Module: "example.com/blocking", File: "leak/lib.go", Line: 12, Function: "example.com/blocking/leak.Fetch.func1"}, fetch.Location,
		"the blocking line in the library; the test is found through the goroutine's ancestors")
	require.Len(t, fetch.Blocked, 1)
	assert.Equal(t, "chan send", fetch.Blocked[0].State)
	assert.Equal(t, "racecheck run -fuzz=false -packages=./leak -count=1 -shuffle="+rep.Settings.Shuffle+" -test-timeout=3s blocking", fetch.Reproduce)
	locked := byTest["TestLockedForever"]
	assert.Equal(t, "sync.Mutex.Lock", locked.Blocked[0].State)
	assert.Equal(t, "leak/leak_test.go", locked.Location.File)
	assert.NotContains(t, byTest, "TestStillWorking", "a sleeping goroutine is not leaked")

	deadlocks := findingsOfKind(rep, report.KindDeadlock)
	require.Len(t, deadlocks, 2, "%+v", deadlocks)
	for _, f := range deadlocks {
		switch f.Test {
		case "TestReceivesNothing":
			assert.Equal(t, "racecheck run -fuzz=false -packages=./deadlock -count=1 -shuffle="+rep.Settings.Shuffle+" -test-timeout=3s blocking", f.Reproduce,
				"go test -race would wait for its timeout")
			assert.Equal(t, report.Location{Module: "example.com/blocking", File: "deadlock/deadlock_test.go", Line: 9, Function: "example.com/blocking/deadlock.TestReceivesNothing"}, f.Location)
			assert.Equal(t, "chan receive", f.Blocked[0].State)
		case "TestWaitsForever":
			assert.Equal(t, "hang/hang_test.go", f.Location.File)
			assert.Equal(t, 22, f.Location.Line, "the test's own wg.Wait")
			require.Len(t, f.Blocked, 2)
			assert.Equal(t, "sync.WaitGroup.Wait", f.Blocked[0].State, "the test's own goroutine first")
			assert.Equal(t, report.Blocked{State: "sync.Mutex.Lock", Count: 3, Test: "TestWaitsForever",
				Location:  report.Location{Module: "example.com/blocking", File: "hang/hang_test.go", Line: 18, Function: "example.com/blocking/hang.TestWaitsForever.func1"},
				CreatedAt: &report.Location{Module: "example.com/blocking", File: "hang/hang_test.go", Line: 16, Function: "example.com/blocking/hang.TestWaitsForever"}},
				f.Blocked[1])
		default:
			t.Errorf("unexpected deadlock %+v", f)
		}
	}
	require.Len(t, rep.Notes, 1)
	assert.Contains(t, rep.Notes[0].Message, "goroutine leak detection skipped in example.com/blocking/ownmain: it has its own TestMain")

	hangs := runIn(t, dir, cfg, "troubles")
	hang := findingsOfKind(hangs, report.KindHang)
	require.Len(t, hang, 1)
	assert.Equal(t, "TestHangs", hang[0].Test)
	assert.Equal(t, "TestHangs ran longer than the per-test limit of 3s; it is in sleep at hangs/hangs_test.go:10", hang[0].Message)
}

// TestLeakcheckInOwnTestMain: a package with its own TestMain that calls
// leakcheck.Run gets leak detection too.
func TestLeakcheckInOwnTestMain(t *testing.T) {
	skipShort(t)
	leakcheck, err := filepath.Abs(filepath.Join("..", "leakcheck"))
	require.NoError(t, err)
	dir := t.TempDir()
	mod := filepath.Join(dir, "own")
	require.NoError(t, os.Mkdir(mod, 0o755))
	write := func(name, content string) {
		require.NoError(t, os.WriteFile(filepath.Join(mod, name), []byte(content), 0o644))
	}
	write("go.mod", "module example.com/own\n\ngo 1.25\n\nrequire github.com/raceproof/raceproof/modules/racecheck/leakcheck v0.0.0\n\nreplace github.com/raceproof/raceproof/modules/racecheck/leakcheck => "+leakcheck+"\n")
	write("own_test.go", `package own

import (
	"os"
	"testing"

	"github.com/raceproof/raceproof/modules/racecheck/leakcheck"
)

func TestMain(m *testing.M) { os.Exit(leakcheck.Run(m)) }

func TestLeaks(t *testing.T) {
	ch := make(chan int)
	go func() { ch <- 1 }()
}
`)
	tidy := exec.Command("go", "mod", "tidy")
	tidy.Dir, tidy.Env = mod, append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := tidy.CombinedOutput()
	require.NoError(t, err, "%s", out)
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	rep := runIn(t, dir, cfg, "own")
	leaks := findingsOfKind(rep, report.KindLeak)
	require.Len(t, leaks, 1, "%+v", rep.Findings)
	assert.Equal(t, "TestLeaks", leaks[0].Test)
	assert.Empty(t, rep.Notes)
}

// TestLeakDetectionNeedsGo126: on Go 1.25 the run works, finds no leaks and
// says once why.
func TestLeakDetectionNeedsGo126(t *testing.T) {
	skipShort(t)
	const toolchain = "go1.25.5"
	t.Setenv("GOTOOLCHAIN", toolchain)
	if out, err := exec.Command("go", "version").CombinedOutput(); err != nil || !strings.Contains(string(out), toolchain) {
		t.Skipf("%s cannot be downloaded here: %v %s", toolchain, err, out)
	}
	dir := fixture.Copy(t, "blocking")
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	cfg.Packages = []string{"./leak"}
	rep := runIn(t, dir, cfg, "blocking")
	assert.Equal(t, toolchain, rep.GoVersion)
	assert.Empty(t, rep.Findings, "no leak detection, and the leaking tests pass")
	assert.Equal(t, report.ExitClean, rep.ExitCode(), "a missing leak profile never fails a run")
	require.Len(t, rep.Notes, 1)
	assert.Equal(t, "goroutine leak detection needs Go 1.26 (the goroutineleak profile); this run used go1.25.5, so leaks were not checked", rep.Notes[0].Message)
}

// TestWorkspaceRerunRunsTheWorkspace: the rerun command of a finding that
// only racecheck shows named the module's directory, where racecheck runs
// it as a lone module without the workspace's other modules, and failed to
// build. It runs from the workspace, naming the package by import path.
func TestWorkspaceRerunRunsTheWorkspace(t *testing.T) {
	skipShort(t)
	if strings.HasPrefix(runtime.Version(), "go1.25") {
		t.Skip("leak detection needs Go 1.26")
	}
	dir := t.TempDir()
	writeModule(t, dir, "b", map[string]string{
		"b.go": "package b\n\n// Wait starts a goroutine that waits forever.\nfunc Wait() { c := make(chan int); go func() { <-c }() }\n",
	})
	writeModule(t, dir, "a", map[string]string{
		"a_test.go": "package a\n\nimport (\n\t\"testing\"\n\n\t\"example.com/b\"\n)\n\nfunc TestLeaks(t *testing.T) { b.Wait() }\n",
	})
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a", "go.mod"), []byte("module example.com/a\n\ngo 1.25\n\nrequire example.com/b v0.0.0\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.work"), []byte("go 1.25\n\nuse (\n\t./a\n\t./b\n)\n"), 0o644))
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	rep := runIn(t, dir, cfg, ".")
	assert.Equal(t, report.ExitFindings, rep.ExitCode())
	leaks := findingsOfKind(rep, report.KindLeak)
	require.Len(t, leaks, 1, "%+v", rep.Findings)
	f := leaks[0]
	assert.Equal(t, "racecheck run -fuzz=false -packages=example.com/a -count=1 -shuffle=off .", f.Reproduce)

	bin := filepath.Join(t.TempDir(), "racecheck")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/racecheck").CombinedOutput()
	require.NoError(t, err, "%s", out)
	cmd := exec.Command("sh", "-c", strings.Replace(f.Reproduce, "racecheck ", bin+" ", 1))
	cmd.Dir = dir
	out, err = cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "%s", out)
	assert.Equal(t, int(report.ExitFindings), exit.ExitCode(), "the rerun finds the leak again:\n%s", out)
	assert.Contains(t, string(out), "TestLeaks")
	assert.Contains(t, string(out), "example.com/b (b): 0 package(s)", "the import path names a's package only")
}

// TestWorkerStartedByOnceIsNotALeak: a package's worker that a sync.Once
// starts on first use runs for the life of the process by design (a log
// flusher, a shared pool); it still waited on its channel after the tests,
// and was reported as a leak go test never sees. A worker a test starts
// without a Once, and forgets, still is.
func TestWorkerStartedByOnceIsNotALeak(t *testing.T) {
	skipShort(t)
	if strings.HasPrefix(runtime.Version(), "go1.25") {
		t.Skip("leak detection needs Go 1.26")
	}
	dir := t.TempDir()
	writeModule(t, dir, "lazy", map[string]string{
		"lazy.go": `package lazy

import "sync"

var (
	once sync.Once
	jobs chan func()
)

// Submit runs f on the package's worker, started on first use.
func Submit(f func()) {
	once.Do(func() {
		jobs = make(chan func())
		go func() {
			for f := range jobs {
				f()
			}
		}()
	})
	done := make(chan struct{})
	jobs <- func() { f(); close(done) }
	<-done
}

var forgotten = make(chan int)

// Start starts a worker nobody stops.
func Start() { go func() { <-forgotten }() }
`,
		"lazy_test.go": `package lazy

import "testing"

func TestSubmit(t *testing.T) {
	n := 0
	Submit(func() { n++ })
	if n != 1 {
		t.Fatal(n)
	}
}

func TestStart(t *testing.T) { Start() }
`,
	})
	cfg := runner.DefaultConfig()
	cfg.Fuzz = false
	rep := runIn(t, dir, cfg, "lazy")
	leaks := findingsOfKind(rep, report.KindLeak)
	require.Len(t, leaks, 1, "%+v", rep.Findings)
	assert.Equal(t, "TestStart", leaks[0].Test, "the forgotten worker, not the Once's")
}
