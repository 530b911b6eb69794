package runner

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raceproof/raceproof/modules/racecheck/internal/racereport"
	"github.com/raceproof/raceproof/modules/racecheck/internal/srcpath"
	"github.com/raceproof/raceproof/modules/racecheck/internal/stack"
	"github.com/raceproof/raceproof/modules/racecheck/report"
)

// newClassifier is a classifier for package example.com/m/p in /m/p with
// tests TestA, TestB, TestC and fuzz target FuzzX.
func newClassifier(cfg Config) *classifier {
	r := &run{cfg: cfg, paths: srcpath.New("/", map[string]string{"example.com/m": "/m"}, "/goroot", "")}
	m := Module{Path: "example.com/m", Dir: "/m"}
	p := &Package{ImportPath: "example.com/m/p", Dir: "/m/p", HasTestFiles: true,
		Tests: []Func{{"TestA", "/m/p/p_test.go", 10}, {"TestB", "/m/p/p_test.go", 20}, {"TestC", "/m/p/p_test.go", 30}},
		Fuzz:  []Func{{"FuzzX", "/m/p/p_test.go", 40}}}
	return &classifier{r: r, m: m, pkg: p, reproduce: "go test ./p"}
}

// events turns "action test [output]" lines into test2json events, taken
// in by an eventLog.
func events(lines ...string) *eventLog {
	out := newEventLog()
	for _, l := range lines {
		action, rest, _ := strings.Cut(l, " ")
		test, output, _ := strings.Cut(rest, " ")
		if test == "-" {
			test = ""
		}
		if output != "" {
			output += "\n"
		}
		out.observe(testEvent{Action: action, Test: test, Output: output})
	}
	return out
}

// race is a race between two goroutines of the named test at p.go:5.
func race(test string) racereport.Race {
	fn := "example.com/m/p.helper"
	frames := []stack.Frame{{Function: fn, File: "/m/p/p.go", Line: 5}}
	if test != "" {
		frames = append(frames, stack.Frame{Function: "example.com/m/p." + test + ".func1", File: "/m/p/p_test.go", Line: 12})
	}
	return racereport.Race{Accesses: []racereport.Access{{Op: "write", Frames: frames}, {Op: "read", Previous: true, Frames: frames}}}
}

func TestInnocentTestPassesWithANote(t *testing.T) {
	c := newClassifier(DefaultConfig())
	v := c.classify(binaryRun{exit: 1, races: []racereport.Race{race("TestB")}, log: events(
		"run TestA", "output TestA     testing.go:1617: race detected during execution of test", "fail TestA",
		"run TestB", "pass TestB", "run TestC", "pass TestC", "run FuzzX", "pass FuzzX",
	)})
	require.Len(t, v.findings, 1)
	assert.Equal(t, report.KindRace, v.findings[0].Kind)
	assert.Equal(t, "TestB", v.findings[0].Test)
	assert.Equal(t, "go test ./p", v.findings[0].Reproduce)
	assert.Equal(t, report.Location{Module: "example.com/m", File: "p/p.go", Line: 5, Function: "example.com/m/p.helper"}, v.findings[0].Location)
	assert.Equal(t, report.TestPass, v.tests[0].Status)
	assert.Contains(t, v.tests[0].Note, "belong to TestB")
}

func TestUnattributedRaceGoesToTheTestThatSawIt(t *testing.T) {
	c := newClassifier(DefaultConfig())
	v := c.classify(binaryRun{exit: 1, races: []racereport.Race{race("")}, log: events(
		"run TestA", "output TestA     testing.go:1617: race detected during execution of test", "fail TestA",
	)})
	require.Len(t, v.findings, 1)
	assert.Equal(t, "TestA", v.findings[0].Test)
	assert.Contains(t, v.findings[0].Message, "the test running when it was detected")
}

func TestRaceFailureWithoutAReportIsStillAFinding(t *testing.T) {
	c := newClassifier(DefaultConfig())
	v := c.classify(binaryRun{exit: 1, log: events(
		"run TestA", "output TestA     testing.go:1617: race detected during execution of test", "fail TestA",
	)})
	require.Len(t, v.findings, 1)
	assert.Equal(t, report.KindTestFailure, v.findings[0].Kind)
	assert.Equal(t, "TestA", v.findings[0].Test)
}

func TestFailedParentIsExplainedByItsChild(t *testing.T) {
	c := newClassifier(DefaultConfig())
	v := c.classify(binaryRun{exit: 1, log: events(
		"run TestA", "run TestA/sub", "output TestA/sub     p_test.go:14: want 1, got 2", "fail TestA/sub", "fail TestA",
	)})
	require.Len(t, v.findings, 1)
	f := v.findings[0]
	assert.Equal(t, "TestA/sub", f.Test)
	assert.Equal(t, "p_test.go:14: want 1, got 2", f.Message)
	assert.Equal(t, report.Location{Module: "example.com/m", File: "p/p_test.go", Line: 10}, f.Location,
		"the file is not on disk here, so the test's declaration")
}

func TestUnexplainedExitIsAFinding(t *testing.T) {
	c := newClassifier(DefaultConfig())
	v := c.classify(binaryRun{exit: 1, log: events("output - testing: invalid value \"x\" for -test.cpu")})
	require.Len(t, v.findings, 1)
	assert.Equal(t, report.KindPackageFailure, v.findings[0].Kind)
	assert.Equal(t, `the test binary rejected its flags: testing: invalid value "x" for -test.cpu`, v.findings[0].Message)
	assert.Equal(t, []string{"TestA", "TestB", "TestC", "FuzzX"}, v.findings[0].NotRun)

	v = c.classify(binaryRun{exit: 3, log: events("run TestA", "pass TestA", "run TestB", "pass TestB",
		"run TestC", "pass TestC", "run FuzzX", "pass FuzzX", "output - PASS")})
	require.Len(t, v.findings, 1)
	assert.Equal(t, "the test binary exited with status 3 after its tests passed", v.findings[0].Message)

	v = c.classify(binaryRun{exit: 0, log: events("run TestA", "pass TestA")})
	assert.Empty(t, v.findings, "a binary that exits 0 with passing tests is clean")
}

func TestNotRunFollowsRunAndSkip(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Run = "Test[AB]/sub"
	cfg.Skip = "TestB"
	c := newClassifier(cfg)
	v := c.classify(binaryRun{exit: 2, log: events("run TestA", "output TestA goodbye", "output - exit")})
	require.Len(t, v.findings, 1)
	assert.Equal(t, "TestA", v.findings[0].Test)
	assert.Empty(t, v.findings[0].NotRun, "TestB is skipped, TestC and FuzzX not selected")
	assert.Contains(t, v.findings[0].Message, "its last output: goodbye")
}

func TestTimeoutNamesTheRunningTests(t *testing.T) {
	c := newClassifier(DefaultConfig())
	v := c.classify(binaryRun{exit: 2, log: events(
		"run TestA", "pass TestA", "run TestB", "run TestC",
		"output TestC panic: test timed out after 1s", "output TestC \trunning tests:", "output TestC \t\tTestB (1s)", "output TestC \t\tTestC (1s)",
	)})
	require.Len(t, v.findings, 1)
	f := v.findings[0]
	assert.Equal(t, report.KindTimeout, f.Kind)
	assert.Equal(t, "TestB", f.Test)
	assert.Equal(t, "the test binary timed out after 1s while running TestB, TestC", f.Message)
	assert.Equal(t, []string{"FuzzX"}, f.NotRun)
	assert.Equal(t, report.Location{Module: "example.com/m", File: "p/p_test.go", Line: 20}, f.Location)
}

func TestCapText(t *testing.T) {
	assert.Equal(t, "short", capText("short", 10))
	s := capText(strings.Repeat("a", 50)+strings.Repeat("b", 50), 20)
	assert.True(t, strings.HasPrefix(s, "aaaaaaaaaa\n…"))
	assert.True(t, strings.HasSuffix(s, "…\nbbbbbbbbbb"))
	var tb tailBuffer
	tb.WriteString(strings.Repeat("x", 3*maxTestOutput))
	tb.WriteString("end")
	assert.True(t, strings.HasSuffix(tb.String(), "end"))
	assert.Less(t, len(tb.String()), 2*maxTestOutput+100)
}

func TestWorkerFlake(t *testing.T) {
	hung := fuzzRun{failed: true, text: "fuzz: elapsed: 2s\n--- FAIL: FuzzX\n    fuzzing process hung or terminated unexpectedly: exit status 2\n"}
	assert.True(t, workerFlake(hung))
	withCrasher := hung
	withCrasher.text += "    Failing input written to testdata/fuzz/FuzzX/abc\n"
	assert.False(t, workerFlake(withCrasher), "a recorded input is a real crash")
	assert.False(t, workerFlake(fuzzRun{failed: true, text: "panic: boom"}))
	deadline := fuzzRun{failed: true, text: "fuzz: elapsed: 2s, execs: 50564 (25855/sec), new interesting: 0 (total: 8)\n" +
		"--- FAIL: FuzzReverse (1.96s)\n    context deadline exceeded\nFAIL\n"}
	assert.True(t, workerFlake(deadline))
	own := fuzzRun{failed: true, text: "--- FAIL: FuzzX (1.0s)\n    context deadline exceeded\n    x_test.go:9: the target's own error\nFAIL\n"}
	assert.False(t, workerFlake(own), "more failure text than the bare deadline is the target's failure")
	assert.True(t, fuzzStatusRE.MatchString("fuzz: elapsed: 3s, execs: 1234 (411/sec), new interesting: 2 (total: 9)"))
	assert.True(t, baselineRE.MatchString("fuzz: elapsed: 0s, gathering baseline coverage: 3/3 completed, now fuzzing with 2 workers"))
	assert.False(t, baselineRE.MatchString("fuzz: elapsed: 0s, gathering baseline coverage: 0/3 completed"))
}

func TestBatchByExecName(t *testing.T) {
	pkgs := []*Package{{ImportPath: "m/a/x"}, {ImportPath: "m/b/x"}, {ImportPath: "m/y"}, {ImportPath: "m/c/x/v2"}}
	batches := batchByExecName(pkgs)
	require.Len(t, batches, 3)
	assert.Equal(t, []*Package{pkgs[0], pkgs[2]}, batches[0])
	assert.Equal(t, []*Package{pkgs[1]}, batches[1])
	assert.Equal(t, []*Package{pkgs[3]}, batches[2])
	assert.Equal(t, "x", execName("m/c/x/v2"))
	assert.Equal(t, "x", execName("m/c/x/v10"))
	for _, v := range []string{"v0", "v1", "v01", "v02"} {
		assert.Equal(t, v, execName("m/c/x/"+v), "go test -c takes %s for an ordinary name", v)
	}
}

func TestSplitTestPattern(t *testing.T) {
	assert.Equal(t, []string{"TestA", "sub[/]x", "(a/b)"}, splitTestPattern("TestA/sub[/]x/(a/b)"))
	assert.Equal(t, []string{""}, splitTestPattern(""))
}

func TestTestifyFailureMessage(t *testing.T) {
	c := newClassifier(DefaultConfig())
	v := c.classify(binaryRun{exit: 1, log: events(
		"run TestA",
		"output TestA     p_test.go:12: ",
		"output TestA         \tError Trace:\tp_test.go:12",
		"output TestA         \tError:      \tNot equal: ",
		"output TestA         \t            \texpected: 1",
		"output TestA         \tMessages:   \tthe count",
		"fail TestA",
	)})
	require.Len(t, v.findings, 1)
	assert.Equal(t, "p_test.go:12: Not equal: the count", v.findings[0].Message)
}
