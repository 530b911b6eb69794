package report

// Kind says what a Finding is. Every reason for a non-zero exit status of a
// racecheck run is a Finding of one of these kinds.
type Kind string

// The kinds of finding.
const (
	// KindRace: the race detector reported a data race.
	KindRace Kind = "race"
	// KindTestFailure: a test failed (t.Error, t.Fatal, a failing subtest).
	KindTestFailure Kind = "test-failure"
	// KindPanic: a test panicked, taking its test binary down.
	KindPanic Kind = "panic"
	// KindPackageFailure: a test binary failed outside any one test's
	// verdict: a panic during package initialisation, TestMain exiting
	// non-zero, os.Exit or log.Fatal inside a test, a goroutine that panicked
	// after its test returned, a flag the binary rejected.
	KindPackageFailure Kind = "package-failure"
	// KindTimeout: a test binary hit its -timeout.
	KindTimeout Kind = "timeout"
	// KindHang: a test ran longer than racecheck's per-test time limit;
	// racecheck stopped its binary and read every goroutine's stack.
	KindHang Kind = "hang"
	// KindDeadlock: the runtime found every goroutine asleep ("all
	// goroutines are asleep - deadlock!").
	KindDeadlock Kind = "deadlock"
	// KindLeak: a goroutine a test started is blocked forever: the garbage
	// collector found it waiting on a channel or lock nothing can reach
	// any more (Go 1.26's goroutineleak profile).
	KindLeak Kind = "leak"
	// KindFuzzCrash: a fuzz target failed on an input, which is on disk.
	KindFuzzCrash Kind = "fuzz-crash"
	// KindFuzzFailure: fuzzing a target failed without a failing input to
	// replay (the fuzzing engine or a worker process failed).
	KindFuzzFailure Kind = "fuzz-failure"
	// KindBuild: a package or its tests did not compile, or go vet's checks
	// that go test runs failed.
	KindBuild Kind = "build"
	// KindTool: racecheck or the go command could not run.
	KindTool Kind = "tool"
)

// Exit statuses of a run.
const (
	ExitClean    = 0 // no findings
	ExitFindings = 1 // findings in the code under test
	ExitBroken   = 2 // the code could not be built or the tool could not run
)

type kindInfo struct {
	title       string
	description string
	exit        int
}

var kindInfos = map[Kind]kindInfo{
	KindRace:           {"data race", "The race detector reported a data race.", ExitFindings},
	KindTestFailure:    {"test failure", "A test failed.", ExitFindings},
	KindPanic:          {"panic", "A test panicked and took its test binary down; the tests after it did not run.", ExitFindings},
	KindPackageFailure: {"package failure", "A test binary failed outside any one test: init panic, TestMain exit, os.Exit or log.Fatal in a test, a panic after a test returned.", ExitFindings},
	KindTimeout:        {"timeout", "A test binary hit its timeout.", ExitFindings},
	KindHang:           {"hang", "A test ran longer than the per-test time limit; its blocked goroutines are listed.", ExitFindings},
	KindDeadlock:       {"deadlock", "Every goroutine of a test binary was blocked.", ExitFindings},
	KindLeak:           {"goroutine leak", "A goroutine a test started is blocked forever on a channel or lock nothing else can reach.", ExitFindings},
	KindFuzzCrash:      {"fuzz crash", "A fuzz target failed on an input that is saved for replay.", ExitFindings},
	KindFuzzFailure:    {"fuzz failure", "Fuzzing failed without an input to replay.", ExitFindings},
	KindBuild:          {"build failure", "A package or its tests did not compile, or go test's vet checks failed.", ExitBroken},
	KindTool:           {"tool failure", "racecheck or the go command could not run.", ExitBroken},
}

// Kinds returns every kind, in a fixed order (the order of SARIF rules).
func Kinds() []Kind {
	return []Kind{KindRace, KindTestFailure, KindPanic, KindPackageFailure, KindTimeout,
		KindHang, KindDeadlock, KindLeak, KindFuzzCrash, KindFuzzFailure, KindBuild, KindTool}
}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool { _, ok := kindInfos[k]; return ok }

// Title is a short human name, e.g. "data race".
func (k Kind) Title() string { return kindInfos[k].title }

// Description is one sentence saying what the kind means.
func (k Kind) Description() string { return kindInfos[k].description }

// ExitCode is the exit status a finding of this kind gives a run:
// ExitBroken for build and tool failures, ExitFindings otherwise.
func (k Kind) ExitCode() int {
	if info, ok := kindInfos[k]; ok {
		return info.exit
	}
	return ExitBroken
}

// RuleID is the SARIF rule id and Code Quality check name of the kind.
func (k Kind) RuleID() string { return "racecheck/" + string(k) }
