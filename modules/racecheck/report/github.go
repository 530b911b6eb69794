package report

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// EscapeData escapes the message of a GitHub workflow command.
func EscapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// EscapeProperty escapes a property value (file, title) of a GitHub
// workflow command.
func EscapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

func annotation(w io.Writer, file string, line int, title, msg string) error {
	props := []string{}
	if file != "" {
		props = append(props, "file="+EscapeProperty(file))
		if line > 0 {
			props = append(props, fmt.Sprintf("line=%d", line))
		}
	}
	props = append(props, "title="+EscapeProperty(title))
	_, err := fmt.Fprintf(w, "::error %s::%s\n", strings.Join(props, ","), EscapeData(msg))
	return err
}

// WriteGitHubAnnotations writes one ::error workflow command per race, fuzz
// failure, failing test and error.
func WriteGitHubAnnotations(w io.Writer, r *Report) error {
	for _, rc := range r.Races {
		if err := annotation(w, rc.Location.File, rc.Location.Line, "data race", raceMessage(rc)+"\n\n"+rc.Text); err != nil {
			return err
		}
	}
	for _, f := range r.Fuzz {
		if f.Status != StatusFail {
			continue
		}
		file, line := f.Crasher, 0
		if f.Location != nil {
			file, line = f.Location.File, f.Location.Line
		}
		msg := fmt.Sprintf("fuzz target %s.%s failed: %s", f.Package, f.Target, f.Message)
		if f.Crasher != "" {
			msg += "\ncrasher: " + f.Crasher + "\nre-run: " + f.Rerun
		}
		if err := annotation(w, file, line, "fuzz crash "+f.Target, msg); err != nil {
			return err
		}
	}
	for _, t := range r.FailedTests() {
		if t.Races > 0 {
			continue
		}
		if err := annotation(w, "", 0, "test failed "+t.Name, t.Package+"."+t.Name+"\n"+t.Output); err != nil {
			return err
		}
	}
	for _, e := range r.Errors {
		if err := annotation(w, "", 0, e.Kind, e.Message+"\n"+e.Output); err != nil {
			return err
		}
	}
	return nil
}

// WriteMarkdown writes a Markdown job summary: totals, the summary table,
// then each race, fuzz failure and error.
func WriteMarkdown(w io.Writer, r *Report) error {
	var b strings.Builder
	verdict := "clean"
	switch r.ExitCode() {
	case ExitFindings:
		verdict = "findings"
	case ExitBroken:
		verdict = "could not run"
	}
	fmt.Fprintf(&b, "## racecheck: %s\n\n", verdict)
	fmt.Fprintf(&b, "| module | tests | races | fuzz targets | failures | wall time |\n|---|---:|---:|---:|---:|---:|\n")
	for _, row := range Summary(r) {
		fmt.Fprintf(&b, "| `%s` | %d | %d | %d | %d | %s |\n", row.Module, row.Tests, row.Races, row.FuzzTargets, row.Failures, row.Wall.Round(100*time.Millisecond))
	}
	for _, rc := range r.Races {
		fmt.Fprintf(&b, "\n### Data race at `%s:%d`", rc.Location.File, rc.Location.Line)
		if rc.Test != "" {
			fmt.Fprintf(&b, " in `%s`", rc.Test)
		}
		fmt.Fprintf(&b, " (seen %d×)\n\n```\n%s```\n", rc.Count, rc.Text)
	}
	for _, f := range r.FailedFuzz() {
		fmt.Fprintf(&b, "\n### Fuzz target `%s.%s` failed\n\n%s\n", f.Package, f.Target, f.Message)
		if f.Crasher != "" {
			fmt.Fprintf(&b, "\nCrasher: `%s`; re-run: `%s`\n", f.Crasher, f.Rerun)
		}
	}
	for _, t := range r.FailedTests() {
		fmt.Fprintf(&b, "\n### Test `%s.%s` failed\n", t.Package, t.Name)
	}
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "\n### %s: %s\n", e.Kind, e.Message)
		if e.Output != "" {
			fmt.Fprintf(&b, "\n```\n%s\n```\n", strings.TrimRight(e.Output, "\n"))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
