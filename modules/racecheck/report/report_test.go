package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raceproof/raceproof/modules/racecheck/report"
)

// sample is a report with one race, one innocent and one guilty test, a
// fuzz crasher, a passing fuzz target and a build error.
func sample() *report.Report {
	race := report.Race{
		Fingerprint: "0123456789abcdef", Count: 3, Module: "example.com/m", Package: "example.com/m/p", Test: "TestGuilty",
		Location: report.Frame{Function: "example.com/m/p.(*C).Inc", File: "p/c.go", Line: 8},
		Accesses: []report.Access{
			{Op: "read", Goroutine: 7, Address: "0xc000012345", Frames: []report.Frame{{Function: "example.com/m/p.(*C).Inc", File: "p/c.go", Line: 8}}},
			{Op: "write", Previous: true, Goroutine: 6, Frames: []report.Frame{{Function: "example.com/m/p.(*C).Reset", File: "p/c.go", Line: 12}}},
		},
		Goroutines: []report.Goroutine{{ID: 7, State: "running", Frames: []report.Frame{{Function: "example.com/m/p.TestGuilty", File: "p/c_test.go", Line: 20}}}},
		Source:     "test",
		Text:       "==================\nWARNING: DATA RACE\n...\n==================\n",
	}
	return &report.Report{
		Schema: report.Schema, Tool: report.Tool{Name: "racecheck", Version: "v1.2.3"},
		Started: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Duration: report.Seconds(1500 * time.Millisecond),
		Modules: []report.Module{{Path: "example.com/m", Dir: ".", Duration: report.Seconds(time.Second)}},
		Tests: []report.Test{
			{Module: "example.com/m", Package: "example.com/m/p", Name: "TestGuilty", Status: report.StatusFail, Races: 1, Output: "race detected"},
			{Module: "example.com/m", Package: "example.com/m/p", Name: "TestInnocent", Status: report.StatusPass, Note: "race belongs to TestGuilty"},
			{Module: "example.com/m", Package: "example.com/m/p", Name: "TestSkipped", Status: report.StatusSkip},
		},
		Races: []report.Race{race},
		Fuzz: []report.FuzzResult{
			{Module: "example.com/m", Package: "example.com/m/p", Target: "FuzzParse", Status: report.StatusFail, FuzzTime: "10s",
				Crasher: "p/testdata/fuzz/FuzzParse/abc", Rerun: "go test -run='^FuzzParse$/^abc$' example.com/m/p",
				Location: &report.Frame{File: "p/parse_test.go", Line: 14}, Message: "panic: boom, with: colons%"},
			{Module: "example.com/m", Package: "example.com/m/p", Target: "FuzzOK", Status: report.StatusPass, FuzzTime: "10s", Execs: 1000},
		},
		Errors: []report.Error{{Kind: report.ErrorBuild, Module: "example.com/m", Package: "example.com/m/q", Message: "build failed: example.com/m/q", Output: "q.go:3:1: undefined: x"}},
	}
}

func TestExitCode(t *testing.T) {
	r := sample()
	assert.Equal(t, report.ExitBroken, r.ExitCode())
	r.Errors = nil
	assert.Equal(t, report.ExitFindings, r.ExitCode())
	r.Races, r.Fuzz, r.Tests = nil, nil, r.Tests[1:]
	assert.Equal(t, report.ExitClean, r.ExitCode())
	r.Errors = []report.Error{{Kind: report.ErrorTimeout, Message: "panic: test timed out after 1s"}}
	assert.Equal(t, report.ExitFindings, r.ExitCode())
}

func TestJSONRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, report.WriteJSON(&buf, sample()))
	var got report.Report
	require.NoError(t, json.Unmarshal(buf.Bytes(), &got))
	assert.Equal(t, "racecheck/v1", got.Schema)
	assert.Equal(t, sample(), &got)
	assert.Contains(t, buf.String(), `"durationSeconds": 1.500`)
}

func TestJUnitParsesBack(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, report.WriteJUnit(&buf, sample()))
	var got report.JUnitSuites
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &got))
	require.Len(t, got.Suites, 2)
	p := got.Suites[0]
	assert.Equal(t, "example.com/m/p", p.Name)
	assert.Equal(t, 5, p.Tests)
	assert.Equal(t, 2, p.Failures)
	assert.Equal(t, 1, p.Skipped)
	cases := map[string]report.JUnitCase{}
	for _, c := range p.Cases {
		cases[c.Name] = c
	}
	require.NotNil(t, cases["TestGuilty"].Failure)
	assert.Equal(t, "race", cases["TestGuilty"].Failure.Type)
	assert.Contains(t, cases["TestGuilty"].Failure.Body, "WARNING: DATA RACE")
	assert.Equal(t, "p/c.go", cases["TestGuilty"].File)
	assert.Nil(t, cases["TestInnocent"].Failure)
	assert.Contains(t, cases["fuzz:FuzzParse"].Failure.Message, "p/testdata/fuzz/FuzzParse/abc")
	assert.Nil(t, cases["fuzz:FuzzOK"].Failure)
	q := got.Suites[1]
	assert.Equal(t, 1, q.Errors)
	assert.Equal(t, "build", q.Cases[0].Error.Type)
	assert.Equal(t, 2, got.Failures)
	assert.Equal(t, 1, got.Errors)
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	require.NoError(t, err)
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("sarif.json", doc))
	schema, err := c.Compile("sarif.json")
	require.NoError(t, err)

	var buf bytes.Buffer
	require.NoError(t, report.WriteSARIF(&buf, sample()))
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	require.NoError(t, schema.Validate(inst))

	var log struct {
		Version string
		Runs    []struct {
			Results []struct {
				RuleID           string
				Locations        []json.RawMessage
				RelatedLocations []json.RawMessage
			}
		}
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &log))
	assert.Equal(t, "2.1.0", log.Version)
	require.Len(t, log.Runs[0].Results, 2)
	assert.Equal(t, report.RuleRace, log.Runs[0].Results[0].RuleID)
	assert.Len(t, log.Runs[0].Results[0].RelatedLocations, 1, "the other access")
	assert.Contains(t, string(log.Runs[0].Results[0].Locations[0]), `"uri": "p/c.go"`)
	assert.Equal(t, report.RuleFuzzCrash, log.Runs[0].Results[1].RuleID)
	assert.Contains(t, string(log.Runs[0].Results[1].RelatedLocations[0]), "p/testdata/fuzz/FuzzParse/abc")

	// A schema violation is caught: the validator is not vacuous.
	bad := bytes.Replace(buf.Bytes(), []byte(`"version": "2.1.0"`), []byte(`"version": "9"`), 1)
	inst, err = jsonschema.UnmarshalJSON(bytes.NewReader(bad))
	require.NoError(t, err)
	assert.Error(t, schema.Validate(inst))
}

func TestCodeQuality(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, report.WriteCodeQuality(&buf, sample()))
	var issues []report.CodeQualityIssue
	require.NoError(t, json.Unmarshal(buf.Bytes(), &issues))
	require.Len(t, issues, 2)
	assert.Equal(t, "p/c.go", issues[0].Location.Path)
	assert.Equal(t, 8, issues[0].Location.Lines.Begin)
	assert.Equal(t, "critical", issues[0].Severity)
	assert.NotEqual(t, issues[0].Fingerprint, issues[1].Fingerprint)
	assert.Equal(t, "p/parse_test.go", issues[1].Location.Path)
}

func TestGitHubEscaping(t *testing.T) {
	assert.Equal(t, "50%25 done%0Anext%0D", report.EscapeData("50% done\nnext\r"))
	assert.Equal(t, "a%3Ab%2Cc%25%0A", report.EscapeProperty("a:b,c%\n"))

	var buf bytes.Buffer
	require.NoError(t, report.WriteGitHubAnnotations(&buf, sample()))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 3, "one per race, fuzz failure and error; the guilty test is covered by its race")
	assert.True(t, strings.HasPrefix(lines[0], "::error file=p/c.go,line=8,title=data race::data race: read in"))
	assert.True(t, strings.HasPrefix(lines[1], "::error file=p/parse_test.go,line=14,title=fuzz crash FuzzParse::"))
	assert.Contains(t, lines[1], "with: colons%25%0Acrasher: p/testdata/fuzz/FuzzParse/abc")
	assert.True(t, strings.HasPrefix(lines[2], "::error title=build::build failed"))
}

func TestMarkdownAndSummary(t *testing.T) {
	var md bytes.Buffer
	require.NoError(t, report.WriteMarkdown(&md, sample()))
	assert.Contains(t, md.String(), "## racecheck: could not run")
	assert.Contains(t, md.String(), "| `example.com/m` | 3 | 1 | 2 | 3 |")
	assert.Contains(t, md.String(), "### Data race at `p/c.go:8` in `TestGuilty` (seen 3×)")
	assert.Contains(t, md.String(), "Crasher: `p/testdata/fuzz/FuzzParse/abc`")

	rows := report.Summary(sample())
	require.Len(t, rows, 1)
	assert.Equal(t, report.SummaryRow{Module: "example.com/m", Tests: 3, Races: 1, FuzzTargets: 2, Failures: 3, Wall: time.Second}, rows[0])
	var table bytes.Buffer
	require.NoError(t, report.WriteSummaryTable(&table, sample()))
	assert.Contains(t, table.String(), "module  tests  races  fuzz targets  failures  wall time")
	assert.Contains(t, table.String(), "total")
}
