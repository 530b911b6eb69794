package runner

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/raceproof/raceproof/modules/racecheck/report"
)

// Outputs says where to write a report besides the summary table.
type Outputs struct {
	JSON        string // racecheck/v1 JSON file
	JUnit       string // JUnit XML file
	SARIF       string // SARIF 2.1.0 file
	CodeQuality string // GitLab Code Quality file
	// GitHub prints workflow-command annotations to the annotation writer
	// and appends a Markdown job summary to $GITHUB_STEP_SUMMARY when set.
	GitHub bool
}

// Write writes every requested output, continuing after a failure, and
// returns the errors joined.
func (o Outputs) Write(rep *report.Report, annotations io.Writer) error {
	var errs []error
	files := []struct {
		path  string
		write func(io.Writer, *report.Report) error
	}{
		{o.JSON, report.WriteJSON},
		{o.JUnit, report.WriteJUnit},
		{o.SARIF, report.WriteSARIF},
		{o.CodeQuality, report.WriteCodeQuality},
	}
	for _, f := range files {
		if f.path != "" {
			errs = append(errs, writeFile(f.path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, rep, f.write))
		}
	}
	if o.GitHub {
		errs = append(errs, report.WriteGitHubAnnotations(annotations, rep))
		if path := os.Getenv("GITHUB_STEP_SUMMARY"); path != "" {
			errs = append(errs, writeFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, rep, report.WriteMarkdown))
		}
	}
	return errors.Join(errs...)
}

func writeFile(path string, flag int, rep *report.Report, write func(io.Writer, *report.Report) error) error {
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return fmt.Errorf("racecheck: %w", err)
	}
	if err := write(f, rep); err != nil {
		f.Close()
		return fmt.Errorf("racecheck: %s: %w", path, err)
	}
	return f.Close()
}

// Describe returns one line per finding, for logs: races with their
// location and test, failing tests, fuzz results with crasher paths, and
// errors.
func Describe(rep *report.Report) []string {
	var out []string
	for _, rc := range rep.Races {
		out = append(out, fmt.Sprintf("RACE %s:%d in %s.%s (seen %d×, fingerprint %s)", rc.Location.File, rc.Location.Line, rc.Package, rc.Test, rc.Count, rc.Fingerprint))
	}
	for _, t := range rep.FailedTests() {
		line := fmt.Sprintf("FAIL %s.%s", t.Package, t.Name)
		if t.Races == 0 {
			// A race has its own RACE line; any other failure is explained
			// only by what the test printed.
			if tail := lastLines(t.Output, outputTailLines); tail != "" {
				line += "; last lines of its output:\n" + tail
			}
		}
		out = append(out, line)
	}
	for _, f := range rep.Fuzz {
		switch f.Status {
		case report.StatusFail:
			line := fmt.Sprintf("FUZZ FAIL %s.%s: %s", f.Package, f.Target, f.Message)
			if f.Crasher != "" {
				line += "; crasher " + f.Crasher + "; re-run: " + f.Rerun
			} else if tail := lastLines(f.Output, outputTailLines); tail != "" {
				// No input to re-run: the go command's own words are the only clue.
				line += "; last lines of go test output:\n" + tail
			}
			out = append(out, line)
		case report.StatusPass:
			out = append(out, fmt.Sprintf("fuzz ok %s.%s: %d execs, %d new corpus entries", f.Package, f.Target, f.Execs, f.NewCorpus))
		case report.StatusSkip:
			out = append(out, fmt.Sprintf("fuzz skipped %s.%s: %s", f.Package, f.Target, f.Message))
		}
	}
	for _, e := range rep.Errors {
		out = append(out, fmt.Sprintf("ERROR %s %s: %s", e.Kind, e.Package, e.Message))
	}
	return out
}

// outputTailLines is how much output Describe shows for a failed test, and
// for a failed fuzz run that left no crasher to re-run.
const outputTailLines = 20

// lastLines returns the last n lines of text, each indented, leaving out
// blank ones.
func lastLines(text string, n int) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	var b strings.Builder
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		b.WriteString("    " + l + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
