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

// WriteGitHubAnnotations writes one ::error workflow command per finding,
// on the finding's file and line when it lies in one of the report's
// modules.
func WriteGitHubAnnotations(w io.Writer, r *Report) error {
	for i := range r.Findings {
		f := &r.Findings[i]
		var props []string
		if p, ok := r.Path(f.Location); ok {
			props = append(props, "file="+EscapeProperty(p))
			if f.Location.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", f.Location.Line))
			}
		}
		props = append(props, "title="+EscapeProperty(f.Title()))
		if _, err := fmt.Fprintf(w, "::error %s::%s\n", strings.Join(props, ","), EscapeData(findingBody(r, f))); err != nil {
			return err
		}
	}
	return nil
}

// WriteMarkdown writes a Markdown job summary: the verdict, the summary
// table, then one section per finding with its rerun command.
func WriteMarkdown(w io.Writer, r *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## racecheck: %s\n\n", r.Verdict())
	fmt.Fprintf(&b, "| module | tests | failed | fuzz targets | fuzz not ok | findings | wall time |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, row := range Summary(r) {
		fmt.Fprintf(&b, "| `%s` | %d | %d | %d | %d | %d | %s |\n", row.Module, row.Tests, row.Failed, row.FuzzTargets, row.FuzzNotOK, row.Findings, row.Wall.Round(100*time.Millisecond))
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		where := f.Location.String()
		if p, ok := r.Path(f.Location); ok {
			where = Location{File: p, Line: f.Location.Line}.String()
		}
		fmt.Fprintf(&b, "\n### %s at `%s`", capitalize(f.Title()), where)
		if f.Count > 1 {
			fmt.Fprintf(&b, " (seen %d×)", f.Count)
		}
		fmt.Fprintf(&b, "\n\n%s\n\nRerun: `%s`\n", f.Message, f.Reproduce)
		if f.Crasher != "" {
			fmt.Fprintf(&b, "\nFailing input: `%s`\n", f.Crasher)
		}
		if len(f.NotRun) > 0 {
			fmt.Fprintf(&b, "\nNever ran: %s\n", strings.Join(f.NotRun, ", "))
		}
		if lines := detailLines(r, f); len(lines) > 0 {
			fmt.Fprintf(&b, "\n- %s\n", strings.Join(lines, "\n- "))
		}
		text := f.Output
		if f.Race != nil {
			text = f.Race.Text
		}
		if text != "" {
			text = Tail(text, 40)
			fence := codeFence(text)
			fmt.Fprintf(&b, "\n%s\n%s\n%s\n", fence, text, fence)
		}
	}
	for _, f := range r.Fuzz {
		if f.Status == FuzzIncomplete || f.Status == FuzzSkipped || f.Status == FuzzNotRun {
			fmt.Fprintf(&b, "\n- fuzz target `%s.%s` %s: %s\n", f.Package, f.Target, f.Status, f.Reason)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\n> note: %s\n", n.Message)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// codeFence returns a fence for a code block holding text: a run of
// backticks longer than any in it, so a test's output cannot close the
// block and turn the rest of the summary into its own markdown.
func codeFence(text string) string {
	longest, run := 0, 0
	for i := 0; i < len(text); i++ {
		if text[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
