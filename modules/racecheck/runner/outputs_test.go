package runner

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raceproof/raceproof/modules/racecheck/report"
)

func TestDescribeShowsOutputOfFuzzFailureWithoutCrasher(t *testing.T) {
	var out strings.Builder
	for i := range 30 {
		fmt.Fprintf(&out, "noise line %02d\n", i)
	}
	out.WriteString("fuzz: elapsed: 3s, execs: 10 (3/sec)\nsomething unexpected happened\nFAIL\n")
	rep := &report.Report{Fuzz: []report.FuzzResult{
		{Package: "example.com/p", Target: "FuzzA", Status: report.StatusFail, Message: "fuzz target failed", Output: out.String()},
		{Package: "example.com/p", Target: "FuzzB", Status: report.StatusFail, Message: "boom", Crasher: "testdata/fuzz/FuzzB/1", Rerun: "go test -run=x", Output: "ignored output\n"},
	}}
	lines := Describe(rep)
	assert.Len(t, lines, 2)
	assert.Contains(t, lines[0], "FUZZ FAIL example.com/p.FuzzA: fuzz target failed; last lines of go test output:")
	assert.Contains(t, lines[0], "    something unexpected happened")
	assert.NotContains(t, lines[0], "noise line 12", "only the tail is shown")
	assert.Contains(t, lines[0], "noise line 13")
	assert.Equal(t, 1+outputTailLines, strings.Count(lines[0], "\n")+1)
	assert.Equal(t, "FUZZ FAIL example.com/p.FuzzB: boom; crasher testdata/fuzz/FuzzB/1; re-run: go test -run=x", lines[1])
}

func TestDescribeShowsOutputOfFailedTest(t *testing.T) {
	rep := &report.Report{Tests: []report.Test{
		{Package: "example.com/p", Name: "TestBroken", Status: report.StatusFail, Output: "=== RUN   TestBroken\n    p_test.go:9: want 2, got 3\n--- FAIL: TestBroken (0.00s)\n"},
		{Package: "example.com/p", Name: "TestRacy", Status: report.StatusFail, Races: 1, Output: "WARNING: DATA RACE\n"},
		{Package: "example.com/p", Name: "TestFine", Status: report.StatusPass, Output: "ok\n"},
	}}
	lines := Describe(rep)
	require.Len(t, lines, 2)
	assert.Equal(t, "FAIL example.com/p.TestBroken; last lines of its output:\n"+
		"    === RUN   TestBroken\n        p_test.go:9: want 2, got 3\n    --- FAIL: TestBroken (0.00s)", lines[0])
	assert.Equal(t, "FAIL example.com/p.TestRacy", lines[1], "a race is described by its RACE line")
}
