package runner

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/raceproof/raceproof/modules/racecheck/report"
)

func TestWorkerFlake(t *testing.T) {
	hung := report.FuzzResult{Status: report.StatusFail, Output: "fuzz: elapsed: 2s\n--- FAIL: FuzzX\n    fuzzing process hung or terminated unexpectedly: exit status 2\n"}
	assert.True(t, workerFlake(hung))
	withCrasher := hung
	withCrasher.Crasher = "testdata/fuzz/FuzzX/abc"
	assert.False(t, workerFlake(withCrasher), "a recorded input is a real crash")
	panicked := report.FuzzResult{Status: report.StatusFail, Output: "panic: boom"}
	assert.False(t, workerFlake(panicked))
	assert.False(t, workerFlake(report.FuzzResult{Status: report.StatusPass, Output: hung.Output}))

	// The coordinator's spurious failure when -fuzztime runs out, as captured
	// from go1.26.8 on a loaded machine.
	deadline := report.FuzzResult{Status: report.StatusFail, Output: "fuzz: elapsed: 2s, execs: 50564 (25855/sec), new interesting: 0 (total: 8)\n" +
		"--- FAIL: FuzzReverse (1.96s)\n    context deadline exceeded\nFAIL\nexit status 1\nFAIL\texample.com/clean\t1.972s\n"}
	assert.True(t, workerFlake(deadline))
	ownDeadline := report.FuzzResult{Status: report.StatusFail, Output: "--- FAIL: FuzzX (1.0s)\n    context deadline exceeded\n    x_test.go:9: the target's own error\nFAIL\n"}
	assert.False(t, workerFlake(ownDeadline), "more failure text than the bare deadline is the target's failure")
}

func TestFailureParsing(t *testing.T) {
	out := "--- FAIL: FuzzX (0.1s)\n    --- FAIL: FuzzX (0.00s)\n        x_test.go:12: bad value 3\n\t/mod/p/x_test.go:12 +0x1d\n"
	assert.Equal(t, "bad value 3", failureMessage(out))
	assert.Equal(t, "panic: runtime error", failureMessage("junk\npanic: runtime error\n"))
	assert.Equal(t, "fuzz target failed", failureMessage("exit status 1\n"))
	assert.Equal(t, "^FuzzX$/^abc123$", anchored("FuzzX/abc123"))
	assert.Equal(t, "^Fuzz\\.X$", anchored("Fuzz.X"))

	r := &run{cfg: Config{Root: "/mod"}}
	assert.Equal(t, &report.Frame{File: "p/x_test.go", Line: 12}, r.failureLocation(out, "/mod"))
	assert.Nil(t, r.failureLocation("\t/usr/local/go/src/testing/testing.go:10 +0x1\n", "/mod"))
}

func TestOnlyRaceFailure(t *testing.T) {
	assert.True(t, onlyRaceFailure("=== RUN   TestA\n    testing.go:1712: race detected during execution of test\n--- FAIL: TestA (0.00s)\n"))
	assert.False(t, onlyRaceFailure("=== RUN   TestA\n    a_test.go:3: wrong\n    testing.go:1712: race detected during execution of test\n"))
	assert.False(t, onlyRaceFailure("=== RUN   TestA\n--- FAIL: TestA (0.00s)\n"))
	assert.Equal(t, "TestHangs", runningTest("panic: test timed out after 5s\n\trunning tests:\n\t\tTestHangs (5s)\n", ""))
}
