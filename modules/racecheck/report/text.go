package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// SummaryRow is one module's line of the summary table.
type SummaryRow struct {
	Module string
	// Tests counts test results; Failed those that failed.
	Tests, Failed int
	// FuzzTargets counts fuzz results; FuzzNotOK those whose status is not ok.
	FuzzTargets, FuzzNotOK int
	// Findings counts the module's findings.
	Findings int
	Wall     time.Duration
}

// Summary returns one row per module, in report order, plus a row for
// findings that belong to no listed module.
func Summary(r *Report) []SummaryRow {
	idx := map[string]int{}
	var rows []SummaryRow
	row := func(m string) *SummaryRow {
		i, ok := idx[m]
		if !ok {
			i = len(rows)
			idx[m] = i
			rows = append(rows, SummaryRow{Module: m})
		}
		return &rows[i]
	}
	for _, m := range r.Modules {
		row(m.Path).Wall += time.Duration(m.Duration)
	}
	for _, t := range r.Tests {
		s := row(t.Module)
		s.Tests++
		if t.Status == TestFail {
			s.Failed++
		}
	}
	for _, f := range r.Fuzz {
		s := row(f.Module)
		s.FuzzTargets++
		if f.Status != FuzzOK {
			s.FuzzNotOK++
		}
	}
	for i := range r.Findings {
		row(r.Findings[i].Module).Findings++
	}
	return rows
}

// outputTailLines is how much of a finding's output the text and Markdown
// writers show; the JSON report keeps it all.
const outputTailLines = 20

// WriteText writes the human-readable result: the summary table, then each
// finding with its location, message, rerun command and the tail of its
// output, then fuzz targets that did not fuzz properly, then the verdict.
func WriteText(w io.Writer, r *Report) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "module\ttests\tfailed\tfuzz targets\tfuzz not ok\tfindings\twall time\t")
	var total SummaryRow
	for _, s := range Summary(r) {
		name := s.Module
		if name == "" {
			name = "(none)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%s\t\n", name, s.Tests, s.Failed, s.FuzzTargets, s.FuzzNotOK, s.Findings, s.Wall.Round(100*time.Millisecond))
		total.Tests += s.Tests
		total.Failed += s.Failed
		total.FuzzTargets += s.FuzzTargets
		total.FuzzNotOK += s.FuzzNotOK
		total.Findings += s.Findings
	}
	fmt.Fprintf(tw, "total\t%d\t%d\t%d\t%d\t%d\t%s\t\n", total.Tests, total.Failed, total.FuzzTargets, total.FuzzNotOK, total.Findings, time.Duration(r.Duration).Round(100*time.Millisecond))
	if err := tw.Flush(); err != nil {
		return err
	}
	var b strings.Builder
	for i := range r.Findings {
		writeFindingText(&b, r, &r.Findings[i])
	}
	for _, f := range r.Fuzz {
		if f.Status == FuzzIncomplete || f.Status == FuzzSkipped || f.Status == FuzzNotRun {
			fmt.Fprintf(&b, "\nfuzz %s %s.%s: %s\n", f.Status, f.Package, f.Target, f.Reason)
		}
	}
	if len(r.Stress) > 0 {
		runs, found, plainRuns, pertRuns := 0, 0, 0, 0
		var d, plain, pert time.Duration
		for _, s := range r.Stress {
			runs += s.Iterations
			d += time.Duration(s.Duration)
			plainRuns += s.PlainRuns
			pertRuns += s.PerturbedRuns
			plain += time.Duration(s.PlainTime)
			pert += time.Duration(s.PerturbedTime)
			if s.Findings > 0 {
				found++
			}
		}
		fmt.Fprintf(&b, "\nstress: %d package(s), %d runs in %v; %d package(s) with findings", len(r.Stress), runs, d.Round(100*time.Millisecond), found)
		if plainRuns > 0 && pertRuns > 0 && plain > 0 {
			fmt.Fprintf(&b, "; a perturbed run took %.1fx a plain one", (pert.Seconds()/float64(pertRuns))/(plain.Seconds()/float64(plainRuns)))
		}
		b.WriteString("\n")
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\nnote: %s\n", n.Message)
	}
	fmt.Fprintf(&b, "\nracecheck: %s (exit %d), %d finding(s)\n", r.Verdict(), r.ExitCode(), len(r.Findings))
	_, err := io.WriteString(w, b.String())
	return err
}

func writeFindingText(b *strings.Builder, r *Report, f *Finding) {
	where := f.Location.String()
	if p, ok := r.Path(f.Location); ok {
		where = Location{File: p, Line: f.Location.Line}.String()
	}
	fmt.Fprintf(b, "\n%s", strings.ToUpper(string(f.Kind)))
	if s := f.subject(); s != "" {
		fmt.Fprintf(b, " in %s", s)
	}
	fmt.Fprintf(b, " at %s", where)
	if f.Count > 1 {
		fmt.Fprintf(b, " (seen %d×)", f.Count)
	}
	fmt.Fprintf(b, "\n    %s\n", f.Message)
	if f.Crasher != "" {
		fmt.Fprintf(b, "    failing input: %s\n", f.Crasher)
	}
	if len(f.NotRun) > 0 {
		fmt.Fprintf(b, "    never ran: %s\n", strings.Join(f.NotRun, ", "))
	}
	for _, line := range detailLines(r, f) {
		fmt.Fprintf(b, "    %s\n", line)
	}
	if f.Reproduce != "" {
		fmt.Fprintf(b, "    rerun: %s\n", f.Reproduce)
	}
	if f.Race == nil && len(f.Blocked) == 0 && f.Output != "" {
		fmt.Fprintf(b, "    output:\n%s\n", indent(Tail(f.Output, outputTailLines), "        "))
	}
}

// detailLines describes a finding's blocked goroutines and how a -stress
// run found it, one line each.
func detailLines(r *Report, f *Finding) []string {
	var out []string
	for _, g := range f.Blocked {
		where := g.Location.String()
		if p, ok := r.Path(g.Location); ok {
			where = Location{File: p, Line: g.Location.Line}.String()
		}
		line := fmt.Sprintf("blocked: %d goroutine(s) in %s at %s", g.Count, g.State, where)
		if g.WaitMinutes > 0 {
			line += fmt.Sprintf(" for %d minutes", g.WaitMinutes)
		}
		if g.Test != "" {
			line += " [" + g.Test + "]"
		}
		if g.CreatedAt != nil {
			line += ", started at " + g.CreatedAt.String()
		}
		out = append(out, line)
	}
	if s := f.Stress; s != nil {
		line := fmt.Sprintf("found by -stress in run %d (GOMAXPROCS %s, shuffle %s, count %d", s.Iteration, s.CPU, s.Shuffle, s.Count)
		if s.Seed != 0 {
			line += fmt.Sprintf(", schedule perturbation seed %d", s.Seed)
		}
		line += fmt.Sprintf("); the same settings reproduced it in %d of %d reruns", s.Reproduced, s.Reruns)
		out = append(out, line)
	}
	return out
}

// maxLineBytes is where Tail cuts a long line (a testify diff, a minified
// value): logs stay readable; the JSON report keeps the whole output.
const maxLineBytes = 300

// Tail returns the last n non-blank lines of text, each cut to a readable
// length.
func Tail(text string, n int) string {
	var lines []string
	for l := range strings.SplitSeq(strings.TrimRight(text, "\n"), "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if len(l) > maxLineBytes {
			l = l[:maxLineBytes] + fmt.Sprintf(" … (%d more bytes)", len(l)-maxLineBytes)
		}
		lines = append(lines, l)
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func indent(text, prefix string) string {
	return prefix + strings.ReplaceAll(text, "\n", "\n"+prefix)
}
