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

// sampleKey identifies a benchmark case and implementation at one
// GOMAXPROCS across runs.
type sampleKey struct {
	pkg, name string
	procs     int
}

func keyOf(s Sample) sampleKey { return sampleKey{s.Pkg, s.Name, s.Procs} }

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

// Merge combines runs, oldest first, into one Raw: for every benchmark case,
// implementation and GOMAXPROCS, all samples come from the newest run that
// measured it, so a partial run (one suite, or a -bench filter) replaces
// exactly what it measured and leaves every other result as it was.
// Samples are ordered by package, then as they appear in their run. The
// merged Config is the newest run's, and used reports, per run, how many
// samples it contributes.
func Merge(runs []RunFile) (merged *Raw, used []int) {
	owner := map[sampleKey]int{}
	for i, r := range runs {
		for _, s := range r.Raw.Samples {
			owner[keyOf(s)] = i
		}
	}
	used = make([]int, len(runs))
	type indexed struct {
		s        Sample
		run, pos int
	}
	var all []indexed
	for i, r := range runs {
		for j, s := range r.Raw.Samples {
			if owner[keyOf(s)] == i {
				all = append(all, indexed{s, i, j})
				used[i]++
			}
		}
	}
	slices.SortStableFunc(all, func(a, b indexed) int {
		return cmp.Or(strings.Compare(a.s.Pkg, b.s.Pkg), cmp.Compare(a.run, b.run), cmp.Compare(a.pos, b.pos))
	})
	merged = &Raw{Config: map[string]string{}}
	if len(runs) > 0 {
		merged.Config = runs[len(runs)-1].Raw.Config
	}
	for _, x := range all {
		merged.Samples = append(merged.Samples, x.s)
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
