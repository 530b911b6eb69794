// Package report defines the racecheck/v1 result model and writes it in the
// formats CI systems read: JSON, JUnit XML, SARIF 2.1.0, GitLab Code Quality,
// GitHub workflow commands with a Markdown job summary, and a plain-text
// summary table.
//
// A Report is plain data: build it, then hand it to any writer. Writers do not
// modify the Report and may be called concurrently on the same Report.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Schema is the value of Report.Schema for this version of the format.
const Schema = "racecheck/v1"

// Test statuses.
const (
	StatusPass = "pass"
	StatusFail = "fail"
	StatusSkip = "skip"
)

// Error kinds: a problem that is not a finding inside a test.
const (
	// ErrorBuild: a package or its tests did not compile.
	ErrorBuild = "build"
	// ErrorTimeout: a test binary panicked with "test timed out".
	ErrorTimeout = "timeout"
	// ErrorPanic: a test panicked and took its test binary down.
	ErrorPanic = "panic"
	// ErrorRaceOutsideTest: the race detector fired outside any test
	// ("race detected outside of test execution"), for example in TestMain
	// or in a goroutine that outlived its test.
	ErrorRaceOutsideTest = "race-outside-test"
	// ErrorTool: racecheck or the go command could not run.
	ErrorTool = "tool"
)

// Report is the result of one racecheck run.
type Report struct {
	Schema    string       `json:"schema"`
	Tool      Tool         `json:"tool"`
	GoVersion string       `json:"goVersion,omitempty"`
	Started   time.Time    `json:"started"`
	Duration  Seconds      `json:"durationSeconds"`
	Modules   []Module     `json:"modules"`
	Tests     []Test       `json:"tests"`
	Races     []Race       `json:"races"`
	Fuzz      []FuzzResult `json:"fuzz"`
	Errors    []Error      `json:"errors"`
}

// Tool names the program that produced the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Module is one Go module that was tested.
type Module struct {
	Path     string  `json:"path"`
	Dir      string  `json:"dir"`
	Duration Seconds `json:"durationSeconds"`
}

// Test is the outcome of one test or subtest.
type Test struct {
	Module   string  `json:"module"`
	Package  string  `json:"package"`
	Name     string  `json:"name"`
	Status   string  `json:"status"`
	Duration Seconds `json:"durationSeconds"`
	// Races counts distinct races attributed to this test by stack frames.
	Races int `json:"races,omitempty"`
	// Note explains a status racecheck changed, for example a test that
	// go test failed only because a race attributed to another test was
	// detected while it ran.
	Note string `json:"note,omitempty"`
	// Output is the test's output, kept for failing tests only.
	Output string `json:"output,omitempty"`
}

// Frame is one stack frame of a race report. File is relative to the
// report's root directory when it lies inside it.
type Frame struct {
	Function string `json:"function"`
	File     string `json:"file"`
	Line     int    `json:"line"`
}

// Access is one of the two conflicting memory accesses of a race.
type Access struct {
	// Op is "read" or "write".
	Op       string `json:"op"`
	Atomic   bool   `json:"atomic,omitempty"`
	Previous bool   `json:"previous"`
	Address  string `json:"address,omitempty"`
	// Goroutine is the goroutine id; 1 for the main goroutine, 0 if unknown.
	Goroutine int     `json:"goroutine"`
	Frames    []Frame `json:"frames"`
	// StackLost is set when the runtime printed "[failed to restore the stack]".
	StackLost bool `json:"stackLost,omitempty"`
}

// Goroutine is the creation stack of a goroutine involved in a race.
type Goroutine struct {
	ID     int     `json:"id"`
	State  string  `json:"state"`
	Frames []Frame `json:"frames"`
}

// Race is one distinct data race.
type Race struct {
	// Fingerprint identifies the race by the code locations of its two
	// accesses, independent of goroutine ids, addresses and access order.
	Fingerprint string `json:"fingerprint"`
	// Count is how many times the race was reported.
	Count   int    `json:"count"`
	Module  string `json:"module,omitempty"`
	Package string `json:"package,omitempty"`
	// Test is attributed from the stack frames, not from go test's output
	// interleaving; empty when no frame names a test, fuzz target or benchmark.
	Test string `json:"test,omitempty"`
	// Location is the first frame inside the module under test.
	Location   Frame       `json:"location"`
	Accesses   []Access    `json:"accesses"`
	Goroutines []Goroutine `json:"goroutines"`
	// Source is "test" or "fuzz".
	Source string `json:"source"`
	// Text is the race report as the runtime printed it.
	Text string `json:"text"`
}

// FuzzResult is the outcome of fuzzing one target.
type FuzzResult struct {
	Module  string `json:"module"`
	Package string `json:"package"`
	Target  string `json:"target"`
	// Status is "pass", "fail" or "skip" (skipped by a budget or shard).
	Status    string  `json:"status"`
	FuzzTime  string  `json:"fuzztime"`
	Duration  Seconds `json:"durationSeconds"`
	Execs     int64   `json:"execs"`
	NewCorpus int     `json:"newCorpus"`
	// Crasher is the failing input's path, relative to the report root.
	Crasher string `json:"crasher,omitempty"`
	// Rerun is the command that replays the crasher (with -race when the
	// failure was a race).
	Rerun string `json:"rerun,omitempty"`
	// Location is where the failure happened, when the output shows it.
	Location *Frame `json:"location,omitempty"`
	Race     bool   `json:"race,omitempty"`
	Message  string `json:"message,omitempty"`
	Output   string `json:"output,omitempty"`
}

// Error is a result that is not a test finding: a build failure, a timeout,
// a panic, a race outside any test, or a tool failure.
type Error struct {
	Kind    string `json:"kind"`
	Module  string `json:"module,omitempty"`
	Package string `json:"package,omitempty"`
	Test    string `json:"test,omitempty"`
	Message string `json:"message"`
	Output  string `json:"output,omitempty"`
}

// Seconds is a duration that marshals as a number of seconds.
type Seconds time.Duration

// MarshalJSON writes the duration in seconds with millisecond precision.
func (s Seconds) MarshalJSON() ([]byte, error) {
	return fmt.Appendf(nil, "%.3f", time.Duration(s).Seconds()), nil
}

// UnmarshalJSON reads a number of seconds.
func (s *Seconds) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("report: duration: %w", err)
	}
	*s = Seconds(f * float64(time.Second))
	return nil
}

// FailedTests returns the tests whose status is fail.
func (r *Report) FailedTests() []Test {
	var out []Test
	for _, t := range r.Tests {
		if t.Status == StatusFail {
			out = append(out, t)
		}
	}
	return out
}

// FailedFuzz returns the fuzz targets whose status is fail.
func (r *Report) FailedFuzz() []FuzzResult {
	var out []FuzzResult
	for _, f := range r.Fuzz {
		if f.Status == StatusFail {
			out = append(out, f)
		}
	}
	return out
}

// Exit codes of a run.
const (
	ExitClean    = 0
	ExitFindings = 1
	ExitBroken   = 2
)

// ExitCode is 2 when a build or the tool failed, 1 when there are findings
// (races, failing tests, fuzz crashers, timeouts, panics), 0 otherwise.
func (r *Report) ExitCode() int {
	code := ExitClean
	for _, e := range r.Errors {
		if e.Kind == ErrorBuild || e.Kind == ErrorTool {
			return ExitBroken
		}
		code = ExitFindings
	}
	if len(r.Races) > 0 || len(r.FailedTests()) > 0 || len(r.FailedFuzz()) > 0 {
		code = ExitFindings
	}
	return code
}

// WriteJSON writes the report as indented racecheck/v1 JSON.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("report: json: %w", err)
	}
	return nil
}
