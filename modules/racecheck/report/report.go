// Package report defines racecheck's result model and writes it in the
// formats CI systems read: JSON, JUnit XML, SARIF 2.1.0, GitLab Code Quality,
// GitHub workflow commands with a Markdown job summary, and plain text.
//
// Everything that makes a run fail is a Finding in Report.Findings. The exit
// status (Report.ExitCode) and every writer derive from that one list, so the
// formats cannot disagree with each other or with the exit status: each
// writer emits exactly one entry per finding.
//
// Paths in a Report are never absolute. A Location's File is relative to the
// root of the module named by its Module field; Report.Modules says where
// each module lies relative to the directory racecheck ran in, which is what
// the SARIF, Code Quality and GitHub writers need.
//
// A Report is plain data: build it, then hand it to any writer. Writers do
// not modify the Report and may be called concurrently on the same Report.
package report

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
)

// Schema is the value of Report.Schema for this version of the format. It
// changes whenever the shape of existing fields changes; fields may be added
// within one schema version.
const Schema = "racecheck/v2"

// Report is the result of one racecheck run.
type Report struct {
	Schema    string    `json:"schema"`
	Tool      Tool      `json:"tool"`
	GoVersion string    `json:"goVersion,omitempty"`
	Started   time.Time `json:"started"`
	Duration  Seconds   `json:"durationSeconds"`
	// Settings are the go test settings every package ran with; together
	// with a finding's Reproduce command they replay the run.
	Settings Settings `json:"settings"`
	Modules  []Module `json:"modules"`
	// Packages has one entry per test binary run.
	Packages []PackageRun `json:"packages"`
	Tests    []Test       `json:"tests"`
	Fuzz     []FuzzResult `json:"fuzz"`
	// Findings are everything that makes the run fail; empty when clean.
	Findings []Finding `json:"findings"`
	// Stress has one entry per package -stress re-ran.
	Stress []StressRun `json:"stress"`
	// Notes say what racecheck could not check and why (leak detection
	// skipped in a package with its own TestMain, or on Go before 1.26).
	// They never fail a run.
	Notes []Note `json:"notes"`
}

// StressRun is the -stress run of one package.
type StressRun struct {
	Module  string `json:"module"`
	Package string `json:"package"`
	// Iterations counts the runs of the package's perturbed test binary.
	Iterations int     `json:"iterations"`
	Duration   Seconds `json:"durationSeconds"`
	// Findings counts the findings of the run that found any (the package
	// stops at its first); FoundAfter is the stress time until that run
	// ended.
	Findings   int     `json:"findings"`
	FoundAfter Seconds `json:"foundAfterSeconds,omitempty"`
	// PlainRuns and PerturbedRuns count the runs without and with schedule
	// perturbation, and PlainTime and PerturbedTime their summed duration:
	// what the instrumentation costs.
	PlainRuns     int     `json:"plainRuns"`
	PlainTime     Seconds `json:"plainSeconds"`
	PerturbedRuns int     `json:"perturbedRuns"`
	PerturbedTime Seconds `json:"perturbedSeconds"`
}

// Note is something a user should know about a run that is not a finding.
type Note struct {
	Module  string `json:"module,omitempty"`
	Package string `json:"package,omitempty"`
	Message string `json:"message"`
}

// Tool names the program that produced the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Settings are the flags the tests ran with (zero when the run failed
// before it started).
type Settings struct {
	Race bool   `json:"race"`
	CPU  string `json:"cpu,omitempty"`
	// Count is go test's -count.
	Count int `json:"count"`
	// Shuffle is "off" or the seed every test binary shuffled its tests
	// with (racecheck picks one when asked for "on").
	Shuffle string `json:"shuffle"`
	Run     string `json:"run,omitempty"`
	Skip    string `json:"skip,omitempty"`
	// Timeout is each test binary's -test.timeout, as a Go duration.
	Timeout string `json:"timeout"`
	// FuzzRace says whether fuzzing ran under the race detector.
	FuzzRace bool `json:"fuzzRace"`
}

// Module is one Go module that was tested.
type Module struct {
	Path string `json:"path"`
	// Dir is the module's directory relative to the directory racecheck
	// ran in, with forward slashes ("." for that directory itself).
	Dir      string  `json:"dir"`
	Duration Seconds `json:"durationSeconds"`
}

// PackageStatus is the outcome of one test binary.
type PackageStatus string

// Package statuses.
const (
	PackagePass        PackageStatus = "pass"
	PackageFail        PackageStatus = "fail"
	PackageBuildFailed PackageStatus = "build-failed"
)

// PackageRun is one run of one package's test binary.
type PackageRun struct {
	Module  string        `json:"module"`
	Package string        `json:"package"`
	Status  PackageStatus `json:"status"`
	// Shuffle is the -test.shuffle seed the binary ran with, or "off".
	Shuffle string `json:"shuffle"`
	// ExitCode is the test binary's exit status (-1: killed by a signal).
	ExitCode int     `json:"exitCode"`
	Duration Seconds `json:"durationSeconds"`
}

// TestStatus is the outcome of one test.
type TestStatus string

// Test statuses.
const (
	TestPass TestStatus = "pass"
	TestFail TestStatus = "fail"
	TestSkip TestStatus = "skip"
)

// Test is the outcome of one test or subtest (summed over -count runs).
type Test struct {
	Module   string     `json:"module"`
	Package  string     `json:"package"`
	Name     string     `json:"name"`
	Status   TestStatus `json:"status"`
	Duration Seconds    `json:"durationSeconds"`
	// Note explains a status racecheck changed, for example a test that
	// go test failed only because another test's race fired while it ran.
	Note string `json:"note,omitempty"`
}

// Location is a place in source code.
type Location struct {
	// Module is the path of the module File is relative to; "std" for the
	// Go distribution's own sources (File is then relative to $GOROOT/src).
	// Empty when the file lies in no known module (File is then only the
	// file's base name).
	Module string `json:"module,omitempty"`
	File   string `json:"file"`
	Line   int    `json:"line,omitempty"`
	// Function is the function as the runtime names it, when known.
	Function string `json:"function,omitempty"`
	// Note says what happens there, for related locations.
	Note string `json:"note,omitempty"`
}

// String formats the location as file:line.
func (l Location) String() string {
	if l.Line > 0 {
		return fmt.Sprintf("%s:%d", l.File, l.Line)
	}
	return l.File
}

// Finding is one reason for a run to fail.
type Finding struct {
	Kind Kind `json:"kind"`
	// Fingerprint identifies the finding across runs, machines and working
	// directories: it depends only on the kind, module and package paths,
	// test names, module-relative locations and function names. Findings
	// with equal fingerprints are merged and counted.
	Fingerprint string `json:"fingerprint"`
	// Count is how many times the finding was seen in this run.
	Count   int    `json:"count"`
	Module  string `json:"module"`
	Package string `json:"package,omitempty"`
	// Test is the test, fuzz target or example the finding belongs to,
	// when it can be attributed (by stack frames, not by output order).
	Test string `json:"test,omitempty"`
	// Location is where to look first.
	Location Location   `json:"location"`
	Related  []Location `json:"related,omitempty"`
	// Message is one line.
	Message string `json:"message"`
	// Output is the part of the go command's or test binary's output that
	// shows the failure: the compiler's message, the test's output, the
	// panic, the race report.
	Output string `json:"output,omitempty"`
	// Reproduce is a shell command, run in the directory racecheck ran in,
	// that replays the failure with the same flags and shuffle seed.
	Reproduce string `json:"reproduce"`
	// NotRun lists the tests of the package that never started because
	// its test binary died.
	NotRun []string `json:"notRun,omitempty"`
	// Crasher is the fuzz input that fails, relative to Module's root.
	Crasher string `json:"crasher,omitempty"`
	// Race is the structured race report of a race finding.
	Race *Race `json:"race,omitempty"`
	// Blocked groups the blocked goroutines of a hang, timeout, deadlock or
	// leak by where they wait, the test's own first.
	Blocked []Blocked `json:"blocked,omitempty"`
	// Stress says how a finding of a -stress run was found and how often a
	// rerun with the same settings reproduced it.
	Stress *Stress `json:"stress,omitempty"`
}

// Blocked is a group of goroutines blocked at the same place.
type Blocked struct {
	// State is the runtime's wait reason: "chan send", "chan receive",
	// "select", "sync.Mutex.Lock", "sync.RWMutex.RLock",
	// "sync.WaitGroup.Wait", "sync.Cond.Wait", …
	State string `json:"state"`
	// Count is the number of goroutines in the group.
	Count int `json:"count"`
	// WaitMinutes is the longest time one of them had been blocked, as the
	// runtime reports it (whole minutes).
	WaitMinutes int `json:"waitMinutes,omitempty"`
	// Location is where they wait: the innermost frame in a module under
	// test (or in a dependency).
	Location Location `json:"location"`
	// Test is the test they belong to, by their stacks or creation stacks.
	Test string `json:"test,omitempty"`
	// CreatedAt is the go statement that started them.
	CreatedAt *Location `json:"createdAt,omitempty"`
}

// Stress records the run of a -stress iteration that found a finding.
type Stress struct {
	// Seed drives the schedule perturbation (0: the run was not perturbed).
	Seed uint64 `json:"seed"`
	CPU  string `json:"cpu"`
	// Shuffle and Count are the -test.shuffle and -test.count of the run.
	Shuffle string `json:"shuffle"`
	Count   int    `json:"count"`
	// Iteration is how many stress runs of the package it took.
	Iteration int `json:"iteration"`
	// Reruns of the same settings, and how many of them found it again.
	Reruns     int `json:"reruns"`
	Reproduced int `json:"reproduced"`
}

// Title is a one-line headline: kind, place and test.
func (f *Finding) Title() string {
	if s := f.subject(); s != "" {
		return f.Kind.Title() + " in " + s
	}
	return f.Kind.Title()
}

// subject is the test the finding belongs to, else its package.
func (f *Finding) subject() string {
	if f.Test != "" {
		return f.Test
	}
	return f.Package
}

// Race is a data race report.
type Race struct {
	Accesses   []Access    `json:"accesses"`
	Goroutines []Goroutine `json:"goroutines"`
	// Text is the report as the runtime printed it, paths made relative.
	Text string `json:"text"`
}

// Access is one of the two conflicting memory accesses of a race.
type Access struct {
	// Op is "read" or "write".
	Op       string `json:"op"`
	Atomic   bool   `json:"atomic,omitempty"`
	Previous bool   `json:"previous"`
	// Goroutine is the goroutine id; 1 for the main goroutine, 0 if unknown.
	Goroutine int        `json:"goroutine"`
	Frames    []Location `json:"frames"`
	// StackLost is set when the runtime printed "[failed to restore the stack]".
	StackLost bool `json:"stackLost,omitempty"`
}

// Goroutine is the creation stack of a goroutine involved in a race.
type Goroutine struct {
	ID     int        `json:"id"`
	State  string     `json:"state"`
	Frames []Location `json:"frames"`
}

// FuzzStatus is the outcome of fuzzing one target.
type FuzzStatus string

// Fuzz statuses.
const (
	// FuzzOK: the target fuzzed for its whole time without failing, after
	// finishing its baseline coverage and at least the minimum number of
	// executions.
	FuzzOK FuzzStatus = "ok"
	// FuzzCrash: a failing input was found (a Finding says which).
	FuzzCrash FuzzStatus = "crash"
	// FuzzFailed: fuzzing failed without a failing input (a Finding says why).
	FuzzFailed FuzzStatus = "failed"
	// FuzzIncomplete: no failure, but too little fuzzing to mean much: the
	// baseline coverage did not finish or fewer than the minimum executions
	// ran. Not a finding.
	FuzzIncomplete FuzzStatus = "incomplete"
	// FuzzSkipped: not run, by the fuzz budget.
	FuzzSkipped FuzzStatus = "skipped"
	// FuzzNotRun: not run because its package does not build (a build
	// finding says why).
	FuzzNotRun FuzzStatus = "not-run"
)

// FuzzResult is the outcome of fuzzing one target.
type FuzzResult struct {
	Module  string     `json:"module"`
	Package string     `json:"package"`
	Target  string     `json:"target"`
	Status  FuzzStatus `json:"status"`
	// Reason explains every status but ok.
	Reason string `json:"reason,omitempty"`
	// FuzzTime is the -fuzztime the target was given.
	FuzzTime string `json:"fuzztime"`
	// Race says whether the target was fuzzed under the race detector.
	Race bool `json:"race"`
	// BuildDuration is the time spent building the package's fuzz binary,
	// shared by its targets and not charged to the fuzz budget.
	BuildDuration Seconds `json:"buildSeconds"`
	// Duration is the time spent fuzzing this target, including runs made
	// again because the fuzzing engine lost a worker; a fuzz budget is
	// charged the same.
	Duration Seconds `json:"durationSeconds"`
	// Execs is the number of executions the fuzzing engine reported last.
	Execs int64 `json:"execs"`
	// ExecsExact is false when the run ended while the engine was
	// minimising a crash: Execs is then the count of its last progress
	// line, a lower bound.
	ExecsExact bool `json:"execsExact"`
	NewCorpus  int  `json:"newCorpus"`
	// Baseline says whether the baseline coverage (the seed corpus run)
	// completed.
	Baseline bool `json:"baseline"`
	// Finding is the fingerprint of the finding of a crash or failure.
	Finding string `json:"finding,omitempty"`
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

// ExitCode is the largest exit status of the findings' kinds: ExitBroken
// when something could not be built or run, ExitFindings for any other
// finding, ExitClean when there is none.
func (r *Report) ExitCode() int {
	code := ExitClean
	for i := range r.Findings {
		code = max(code, r.Findings[i].Kind.ExitCode())
	}
	return code
}

// Verdict is "clean", "findings" or "could not run", after ExitCode.
func (r *Report) Verdict() string {
	switch r.ExitCode() {
	case ExitClean:
		return "clean"
	case ExitFindings:
		return "findings"
	default:
		return "could not run"
	}
}

// Path returns a location's path relative to the directory racecheck ran
// in, and whether the location lies in one of the report's modules.
func (r *Report) Path(l Location) (string, bool) {
	if l.File == "" {
		return "", false
	}
	for _, m := range r.Modules {
		if m.Path == l.Module {
			return path.Join(m.Dir, l.File), true
		}
	}
	return "", false
}

// FailedTests returns the tests whose status is fail.
func (r *Report) FailedTests() []Test {
	var out []Test
	for _, t := range r.Tests {
		if t.Status == TestFail {
			out = append(out, t)
		}
	}
	return out
}

// Hash is the fingerprint of a list of identifying parts: the first 16
// hex digits of the SHA-256 of the parts joined by newlines.
func Hash(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\n")))
	return hex.EncodeToString(sum[:8])
}

// WriteJSON writes the report as indented JSON. Lists are written as []
// when empty, never as null.
func WriteJSON(w io.Writer, r *Report) error {
	out := *r
	out.Modules = nonNil(out.Modules)
	out.Packages = nonNil(out.Packages)
	out.Tests = nonNil(out.Tests)
	out.Fuzz = nonNil(out.Fuzz)
	out.Findings = nonNil(out.Findings)
	out.Notes = nonNil(out.Notes)
	out.Stress = nonNil(out.Stress)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&out); err != nil {
		return fmt.Errorf("report: json: %w", err)
	}
	return nil
}

// ReadJSON reads a report written by WriteJSON and checks its schema name.
func ReadJSON(rd io.Reader) (*Report, error) {
	var r Report
	if err := json.NewDecoder(rd).Decode(&r); err != nil {
		return nil, fmt.Errorf("report: json: %w", err)
	}
	if r.Schema != Schema {
		return nil, fmt.Errorf("report: json: schema %q, want %q", r.Schema, Schema)
	}
	return &r, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// JSONSchema is the JSON Schema (draft 2020-12) of the report WriteJSON
// writes.
//
//go:embed racecheck.schema.json
var JSONSchema []byte
