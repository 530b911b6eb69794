package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raceproof/raceproof/modules/racecheck/report"
)

const mod = "example.com/m"

// finding returns a finding of the given kind with every field a writer
// uses, located in module mod (directory "mod").
func finding(k report.Kind) report.Finding {
	f := report.Finding{
		Kind: k, Fingerprint: report.Hash(string(k)), Count: 1, Module: mod, Package: mod + "/p", Test: "TestX",
		Location:  report.Location{Module: mod, File: "p/p.go", Line: 8, Function: mod + "/p.F"},
		Related:   []report.Location{{Module: mod, File: "p/p_test.go", Line: 3, Note: "the test"}, {Module: "std", File: "sync/map.go", Line: 1}},
		Message:   string(k) + " happened: with: colons%",
		Output:    "line 1\nline 2\n",
		Reproduce: "cd mod && go test -race -count=1 -shuffle=42 ./p",
	}
	switch k {
	case report.KindRace:
		f.Race = &report.Race{Text: "==================\nWARNING: DATA RACE\n==================\n",
			Accesses:   []report.Access{{Op: "write", Goroutine: 7, Frames: []report.Location{f.Location}}, {Op: "read", Previous: true, Goroutine: 6, Frames: []report.Location{f.Location}}},
			Goroutines: []report.Goroutine{{ID: 7, State: "running", Frames: []report.Location{f.Related[0]}}}}
	case report.KindFuzzCrash:
		f.Crasher = "p/testdata/fuzz/FuzzX/abc"
		f.Test = "FuzzX"
	case report.KindPanic, report.KindPackageFailure:
		f.NotRun = []string{"TestY", "TestZ"}
	case report.KindTimeout, report.KindHang, report.KindDeadlock, report.KindLeak:
		f.NotRun = []string{"TestY", "TestZ"}
		f.Blocked = []report.Blocked{{State: "chan send", Count: 2, WaitMinutes: 3, Location: f.Location, Test: "TestX",
			CreatedAt: &report.Location{Module: mod, File: "p/p_test.go", Line: 5}}}
		f.Stress = &report.Stress{Seed: 7, CPU: "2", Shuffle: "42", Count: 10, Iteration: 3, Reruns: 5, Reproduced: 2}
	case report.KindBuild, report.KindTool:
		f.Test = ""
	}
	return f
}

// sample is a report with one finding of every kind, a passing, a skipped
// and a failed test, and fuzz results of every status.
func sample() *report.Report {
	r := &report.Report{
		Schema: report.Schema, Tool: report.Tool{Name: "racecheck", Version: "v1.2.3"}, GoVersion: "go1.26.8",
		Started: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Duration: report.Seconds(1500 * time.Millisecond),
		Settings: report.Settings{Race: true, Count: 1, Shuffle: "42", Timeout: "10m0s", FuzzRace: true},
		Modules:  []report.Module{{Path: mod, Dir: "mod", Duration: report.Seconds(time.Second)}},
		Packages: []report.PackageRun{{Module: mod, Package: mod + "/p", Status: report.PackageFail, Shuffle: "42", ExitCode: 1}},
		Tests: []report.Test{
			{Module: mod, Package: mod + "/p", Name: "TestX", Status: report.TestFail},
			{Module: mod, Package: mod + "/p", Name: "TestOK", Status: report.TestPass, Note: "a note"},
			{Module: mod, Package: mod + "/p", Name: "TestSkipped", Status: report.TestSkip},
		},
	}
	for _, s := range []report.FuzzStatus{report.FuzzOK, report.FuzzCrash, report.FuzzFailed, report.FuzzIncomplete, report.FuzzSkipped, report.FuzzNotRun} {
		r.Fuzz = append(r.Fuzz, report.FuzzResult{Module: mod, Package: mod + "/p", Target: "Fuzz" + string(s), Status: s, FuzzTime: "10s", Execs: 10})
	}
	for _, k := range report.Kinds() {
		r.Findings = append(r.Findings, finding(k))
	}
	r.Stress = []report.StressRun{{Module: mod, Package: mod + "/p", Iterations: 12, Duration: report.Seconds(2 * time.Second), Findings: 1,
		FoundAfter: report.Seconds(time.Second), PlainRuns: 3, PlainTime: report.Seconds(300 * time.Millisecond), PerturbedRuns: 9, PerturbedTime: report.Seconds(1800 * time.Millisecond)}}
	r.Notes = []report.Note{{Module: mod, Package: mod + "/q", Message: "leak detection skipped in example.com/m/q: it has its own TestMain"}}
	return r
}

func TestExitCodeFollowsTheWorstFinding(t *testing.T) {
	r := &report.Report{}
	assert.Equal(t, report.ExitClean, r.ExitCode())
	assert.Equal(t, "clean", r.Verdict())
	for _, k := range report.Kinds() {
		r.Findings = []report.Finding{finding(k)}
		want := report.ExitFindings
		if k == report.KindBuild || k == report.KindTool {
			want = report.ExitBroken
		}
		assert.Equal(t, want, r.ExitCode(), k)
		assert.True(t, k.Valid())
		assert.NotEmpty(t, k.Title())
		assert.NotEmpty(t, k.Description())
	}
	assert.Equal(t, report.ExitBroken, sample().ExitCode())
	assert.False(t, report.Kind("nonsense").Valid())
	assert.Equal(t, report.ExitBroken, report.Kind("nonsense").ExitCode(), "an unknown kind never passes")
}

// count returns how many entries each writer produced for r.
func count(t *testing.T, r *report.Report) map[string]int {
	t.Helper()
	got := map[string]int{}
	var b bytes.Buffer
	require.NoError(t, report.WriteJSON(&b, r))
	back, err := report.ReadJSON(&b)
	require.NoError(t, err)
	got["json"] = len(back.Findings)

	b.Reset()
	require.NoError(t, report.WriteJUnit(&b, r))
	var suites report.JUnitSuites
	require.NoError(t, xml.Unmarshal(b.Bytes(), &suites))
	got["junit"] = suites.Failures + suites.Errors

	b.Reset()
	require.NoError(t, report.WriteSARIF(&b, r))
	var sarif struct {
		Runs []struct{ Results []json.RawMessage }
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &sarif))
	got["sarif"] = len(sarif.Runs[0].Results)

	b.Reset()
	require.NoError(t, report.WriteCodeQuality(&b, r))
	var cq []report.CodeQualityIssue
	require.NoError(t, json.Unmarshal(b.Bytes(), &cq))
	got["codequality"] = len(cq)

	b.Reset()
	require.NoError(t, report.WriteGitHubAnnotations(&b, r))
	got["github"] = strings.Count(b.String(), "::error ")

	b.Reset()
	require.NoError(t, report.WriteMarkdown(&b, r))
	got["markdown"] = strings.Count(b.String(), "\n### ")

	b.Reset()
	require.NoError(t, report.WriteText(&b, r))
	got["text"] = strings.Count(b.String(), "\n    rerun: ")
	return got
}

// TestEveryWriterHasOneEntryPerFinding is the guarantee that the formats
// cannot disagree: for every kind alone, and for all kinds together, every
// writer emits exactly one entry per finding.
func TestEveryWriterHasOneEntryPerFinding(t *testing.T) {
	base := sample()
	for _, k := range report.Kinds() {
		t.Run(string(k), func(t *testing.T) {
			r := *base
			r.Findings = []report.Finding{finding(k)}
			for writer, n := range count(t, &r) {
				assert.Equal(t, 1, n, "%s: %s", k, writer)
			}
		})
	}
	for writer, n := range count(t, base) {
		assert.Equal(t, len(report.Kinds()), n, writer)
	}
	clean := *base
	clean.Findings = nil
	for writer, n := range count(t, &clean) {
		assert.Zero(t, n, writer)
	}
}

func TestJSONIsValidAndNeverNull(t *testing.T) {
	schema := compile(t, report.JSONSchema)
	for name, r := range map[string]*report.Report{"sample": sample(), "empty": {Schema: report.Schema}} {
		var b bytes.Buffer
		require.NoError(t, report.WriteJSON(&b, r))
		assert.NotContains(t, b.String(), "null", name)
		assert.Contains(t, b.String(), `"findings": [`, name)
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
		require.NoError(t, err)
		require.NoError(t, schema.Validate(inst), name)
	}
	var b bytes.Buffer
	require.NoError(t, report.WriteJSON(&b, sample()))
	back, err := report.ReadJSON(bytes.NewReader(b.Bytes()))
	require.NoError(t, err)
	assert.Equal(t, sample(), back, "a report survives a round trip")
	assert.Contains(t, b.String(), `"durationSeconds": 1.500`)

	// The schema is not vacuous: a multi-line message and an absolute
	// path are rejected.
	for _, bad := range []func(*report.Report){
		func(r *report.Report) { r.Findings[0].Message = "two\nlines" },
		func(r *report.Report) { r.Findings[0].Location.File = "/home/me/p.go" },
		func(r *report.Report) { r.Findings[0].Kind = "mystery" },
	} {
		r := sample()
		bad(r)
		var b bytes.Buffer
		require.NoError(t, report.WriteJSON(&b, r))
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
		require.NoError(t, err)
		assert.Error(t, schema.Validate(inst))
	}
	_, err = report.ReadJSON(strings.NewReader(`{"schema": "racecheck/v1"}`))
	assert.ErrorContains(t, err, `schema "racecheck/v1"`)
}

func compile(t *testing.T, doc []byte) *jsonschema.Schema {
	t.Helper()
	d, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("schema.json", d))
	s, err := c.Compile("schema.json")
	require.NoError(t, err)
	return s
}

// ValidateSARIF checks a SARIF log against the official SARIF 2.1.0 schema
// in testdata.
func validateSARIF(t *testing.T, log []byte) {
	t.Helper()
	doc, err := os.ReadFile("testdata/sarif-schema-2.1.0.json")
	require.NoError(t, err)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(log))
	require.NoError(t, err)
	require.NoError(t, compile(t, doc).Validate(inst))
}

func TestSARIF(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, report.WriteSARIF(&b, sample()))
	validateSARIF(t, b.Bytes())
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct{ Rules []struct{ ID string } }
			}
			Results []struct {
				RuleID, Level       string
				RuleIndex           int
				Locations           []json.RawMessage
				RelatedLocations    []json.RawMessage
				PartialFingerprints map[string]string
			}
		}
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &log))
	rules := log.Runs[0].Tool.Driver.Rules
	require.Len(t, rules, len(report.Kinds()))
	for i, res := range log.Runs[0].Results {
		k := report.Kinds()[i]
		assert.Equal(t, k.RuleID(), res.RuleID)
		assert.Equal(t, res.RuleID, rules[res.RuleIndex].ID)
		assert.Equal(t, report.Hash(string(k)), res.PartialFingerprints[report.FingerprintKey])
		require.Len(t, res.Locations, 1)
		assert.Contains(t, string(res.Locations[0]), `"uri": "mod/p/p.go"`, "module-relative file under the module's directory")
		assert.Contains(t, string(res.Locations[0]), `"uriBaseId": "%SRCROOT%"`)
		require.Len(t, res.RelatedLocations, 1, "the Go distribution's file is left out")
		assert.Contains(t, string(res.RelatedLocations[0]), `"uri": "mod/p/p_test.go"`)
	}

	bad := bytes.Replace(b.Bytes(), []byte(`"version": "2.1.0"`), []byte(`"version": "9"`), 1)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(bad))
	require.NoError(t, err)
	doc, err := os.ReadFile("testdata/sarif-schema-2.1.0.json")
	require.NoError(t, err)
	assert.Error(t, compile(t, doc).Validate(inst), "the SARIF validator is not vacuous")
}

func TestJUnit(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, report.WriteJUnit(&b, sample()))
	var got report.JUnitSuites
	require.NoError(t, xml.Unmarshal(b.Bytes(), &got))
	require.Len(t, got.Suites, 1)
	cases := map[string]report.JUnitCase{}
	for _, c := range got.Suites[0].Cases {
		cases[c.Name] = c
	}
	assert.Nil(t, cases["TestOK"].Failure)
	assert.Equal(t, "a note", cases["TestOK"].SystemOut)
	assert.NotNil(t, cases["TestSkipped"].Skipped)
	assert.Nil(t, cases["fuzz:Fuzzok"].Skipped)
	assert.NotNil(t, cases["fuzz:Fuzzincomplete"].Skipped, "an incomplete fuzz target is not shown as passing")
	assert.NotContains(t, cases, "fuzz:Fuzzcrash", "a crash is shown by its finding")
	race := cases["TestX"]
	require.NotNil(t, race.Failure, "the first finding of TestX keeps the test's name")
	assert.Equal(t, "race", race.Failure.Type)
	assert.Contains(t, race.Failure.Body, "WARNING: DATA RACE")
	assert.Contains(t, race.Failure.Body, "rerun: cd mod && go test")
	assert.Equal(t, "mod/p/p.go", race.File)
	assert.Equal(t, 8, race.Line)
	build := cases["build failure"]
	require.NotNil(t, build.Error, "build failures are errors")
	assert.Equal(t, len(report.Kinds())-2, got.Failures)
	assert.Contains(t, cases["TestX [hang at p/p.go:8]"].Failure.Body, "blocked: 2 goroutine(s) in chan send")
	assert.Equal(t, 2, got.Errors)
}

func TestCodeQualityAndGitHub(t *testing.T) {
	issues := report.CodeQuality(sample())
	require.Len(t, issues, len(report.Kinds()))
	fps := map[string]bool{}
	for _, is := range issues {
		assert.Equal(t, "mod/p/p.go", is.Location.Path)
		assert.Equal(t, 8, is.Location.Lines.Begin)
		assert.Contains(t, is.Description, "rerun: cd mod")
		fps[is.Fingerprint] = true
	}
	assert.Len(t, fps, len(issues), "fingerprints are unique")

	r := sample()
	r.Findings = []report.Finding{finding(report.KindFuzzCrash)}
	var b bytes.Buffer
	require.NoError(t, report.WriteGitHubAnnotations(&b, r))
	line := strings.TrimSpace(b.String())
	assert.True(t, strings.HasPrefix(line, "::error file=mod/p/p.go,line=8,title=fuzz crash in FuzzX::"), line)
	assert.Contains(t, line, "with: colons%25%0A")
	assert.Contains(t, line, "failing input: p/testdata/fuzz/FuzzX/abc")
	assert.Equal(t, "50%25 done%0Anext%0D", report.EscapeData("50% done\nnext\r"))
	assert.Equal(t, "a%3Ab%2Cc%25%0A", report.EscapeProperty("a:b,c%\n"))
}

func TestTextAndMarkdown(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, report.WriteText(&b, sample()))
	text := b.String()
	assert.Contains(t, text, "module  tests  failed  fuzz targets  fuzz not ok  findings  wall time")
	assert.Contains(t, text, "RACE in TestX at mod/p/p.go:8")
	assert.Contains(t, text, "never ran: TestY, TestZ")
	assert.Contains(t, text, "failing input: p/testdata/fuzz/FuzzX/abc")
	assert.Contains(t, text, "fuzz incomplete example.com/m/p.Fuzzincomplete")
	assert.Contains(t, text, fmt.Sprintf("racecheck: could not run (exit 2), %d finding(s)", len(report.Kinds())))
	assert.Contains(t, text, "blocked: 2 goroutine(s) in chan send at mod/p/p.go:8 for 3 minutes [TestX], started at p/p_test.go:5")
	assert.Contains(t, text, "found by -stress in run 3 (GOMAXPROCS 2, shuffle 42, count 10, schedule perturbation seed 7); the same settings reproduced it in 2 of 5 reruns")
	assert.Contains(t, text, "note: leak detection skipped in example.com/m/q")
	assert.Contains(t, text, "stress: 1 package(s), 12 runs in 2s; 1 package(s) with findings; a perturbed run took 2.0x a plain one")
	assert.Contains(t, text, "        line 2", "the output of a non-race finding is shown")

	b.Reset()
	require.NoError(t, report.WriteMarkdown(&b, sample()))
	md := b.String()
	assert.Contains(t, md, "## racecheck: could not run")
	assert.Contains(t, md, fmt.Sprintf("| `example.com/m` | 3 | 1 | 6 | 5 | %d | 1s |", len(report.Kinds())))
	assert.Contains(t, md, "### Data race in TestX at `mod/p/p.go:8`")
	assert.Contains(t, md, "Rerun: `cd mod && go test -race -count=1 -shuffle=42 ./p`")

	// A test that prints a code fence cannot close the block its output
	// is shown in and turn the rest of the summary into its markdown.
	r := sample()
	r.Findings[1].Output = "```\n## Injected heading\n"
	b.Reset()
	require.NoError(t, report.WriteMarkdown(&b, r))
	assert.Contains(t, b.String(), "\n````\n```\n## Injected heading\n````\n")

	rows := report.Summary(sample())
	require.Len(t, rows, 1)
	assert.Equal(t, report.SummaryRow{Module: mod, Tests: 3, Failed: 1, FuzzTargets: 6, FuzzNotOK: 5, Findings: len(report.Kinds()), Wall: time.Second}, rows[0])
	assert.Equal(t, "a\nb", report.Tail("x\n\na\n\nb\n", 2))
	long := report.Tail(strings.Repeat("y", 1000), 1)
	assert.Equal(t, strings.Repeat("y", 300)+" … (700 more bytes)", long, "long lines are cut")
}
