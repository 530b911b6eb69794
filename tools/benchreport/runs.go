package benchreport

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// RunFile is one raw output file: the results of one run of the runner (or
// any `go test -bench` output), with its configuration.
type RunFile struct {
	// Path is the file's path as given.
	Path string
	Raw  *Raw
}

// caseKey identifies a benchmark case (its path without the impl element) at
// one GOMAXPROCS across runs. A case is owned whole by one run: its
// implementations must have run back to back for their ratios to be fair.
type caseKey struct {
	pkg, name string
	procs     int
}

func keyOf(s Sample) caseKey {
	bench, params, _ := splitName(s.Name)
	return caseKey{s.Pkg, bench + "/" + paramsString(params), s.Procs}
}

// ReadRuns parses raw output files. A directory stands for the *.txt files
// in it, in name order; the runner names its files by start time, so that is
// oldest first.
func ReadRuns(paths []string) ([]RunFile, error) {
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("benchreport: %w", err)
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		m, err := filepath.Glob(filepath.Join(p, "*.txt"))
		if err != nil {
			return nil, fmt.Errorf("benchreport: %w", err)
		}
		slices.Sort(m)
		files = append(files, m...)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("benchreport: no raw output files in %v", paths)
	}
	runs := make([]RunFile, 0, len(files))
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, fmt.Errorf("benchreport: %w", err)
		}
		var raw Raw
		err = raw.Parse(fh)
		fh.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		runs = append(runs, RunFile{Path: f, Raw: &raw})
	}
	return runs, nil
}

// Merge combines runs, oldest first, into one Raw: every benchmark case at
// every GOMAXPROCS, with all its implementations, comes from the newest run
// that measured it, so a partial run (one suite, or a -bench filter)
// replaces exactly the cases it measured and leaves every other result as
// it was. Samples are ordered by package, then benchmark function, case,
// GOMAXPROCS and implementation, each in order of first appearance with
// the newest run read first, so the tables keep go test's order. The
// merged Config is the newest run's, and used reports, per run, how many
// samples it contributes.
func Merge(runs []RunFile) (merged *Raw, used []int) {
	owner := map[caseKey]int{}
	for i, r := range runs {
		for _, s := range r.Raw.Samples {
			owner[keyOf(s)] = i
		}
	}
	ord := map[string]int{}
	ordinal := func(k string) int {
		if _, ok := ord[k]; !ok {
			ord[k] = len(ord)
		}
		return ord[k]
	}
	type sortKey struct{ fn, cs, impl int }
	keys := map[*Sample]sortKey{}
	for i := len(runs) - 1; i >= 0; i-- {
		for j := range runs[i].Raw.Samples {
			s := &runs[i].Raw.Samples[j]
			bench, params, impl := splitName(s.Name)
			keys[s] = sortKey{ordinal("fn " + s.Pkg + " " + bench), ordinal("case " + s.Pkg + " " + bench + "/" + paramsString(params)), ordinal("impl " + impl)}
		}
	}
	used = make([]int, len(runs))
	var all []*Sample
	for i := range runs {
		for j := range runs[i].Raw.Samples {
			s := &runs[i].Raw.Samples[j]
			if owner[keyOf(*s)] == i {
				all = append(all, s)
				used[i]++
			}
		}
	}
	slices.SortStableFunc(all, func(a, b *Sample) int {
		ka, kb := keys[a], keys[b]
		return cmp.Or(strings.Compare(a.Pkg, b.Pkg), cmp.Compare(ka.fn, kb.fn), cmp.Compare(ka.cs, kb.cs),
			cmp.Compare(a.Procs, b.Procs), cmp.Compare(ka.impl, kb.impl))
	})
	merged = &Raw{Config: map[string]string{}}
	if len(runs) > 0 {
		merged.Config = runs[len(runs)-1].Raw.Config
	}
	for _, s := range all {
		merged.Samples = append(merged.Samples, *s)
	}
	return merged, used
}

// Prune deletes the run files in dir (*.txt) none of whose samples is still
// used after merging, because newer runs measured everything they hold. It
// returns the deleted paths.
func Prune(dir string) ([]string, error) {
	runs, err := ReadRuns([]string{dir})
	if err != nil {
		return nil, err
	}
	_, used := Merge(runs)
	var deleted []string
	for i, r := range runs {
		if used[i] == 0 {
			if err := os.Remove(r.Path); err != nil {
				return deleted, fmt.Errorf("benchreport: %w", err)
			}
			deleted = append(deleted, r.Path)
		}
	}
	return deleted, nil
}
