package report

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// SummaryRow is one module's line of the summary table.
type SummaryRow struct {
	Module      string
	Tests       int
	Races       int
	FuzzTargets int
	Failures    int
	Wall        time.Duration
}

// Summary returns one row per module, in report order, plus a row for
// results that belong to no listed module.
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
		if t.Status == StatusFail {
			s.Failures++
		}
	}
	for _, rc := range r.Races {
		row(rc.Module).Races++
	}
	for _, f := range r.Fuzz {
		s := row(f.Module)
		s.FuzzTargets++
		s.Wall += time.Duration(f.Duration)
		if f.Status == StatusFail {
			s.Failures++
		}
	}
	for _, e := range r.Errors {
		row(e.Module).Failures++
	}
	return rows
}

// WriteSummaryTable writes the summary as an aligned text table with a
// total line.
func WriteSummaryTable(w io.Writer, r *Report) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "module\ttests\traces\tfuzz targets\tfailures\twall time\t")
	var total SummaryRow
	for _, s := range Summary(r) {
		name := s.Module
		if name == "" {
			name = "(none)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\t\n", name, s.Tests, s.Races, s.FuzzTargets, s.Failures, s.Wall.Round(100*time.Millisecond))
		total.Tests += s.Tests
		total.Races += s.Races
		total.FuzzTargets += s.FuzzTargets
		total.Failures += s.Failures
	}
	fmt.Fprintf(tw, "total\t%d\t%d\t%d\t%d\t%s\t\n", total.Tests, total.Races, total.FuzzTargets, total.Failures, time.Duration(r.Duration).Round(100*time.Millisecond))
	return tw.Flush()
}
