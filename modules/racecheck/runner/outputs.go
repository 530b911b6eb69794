package runner

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/raceproof/raceproof/modules/racecheck/report"
)

// Outputs says which reports to write besides the text summary.
type Outputs struct {
	JSON        string // JSON report file
	JUnit       string // JUnit XML file
	SARIF       string // SARIF 2.1.0 file
	CodeQuality string // GitLab Code Quality file
	// GitHub prints workflow-command annotations and appends a Markdown job
	// summary to $GITHUB_STEP_SUMMARY when that is set.
	GitHub bool
}

type outputFile struct {
	path  string
	flag  int
	write func(io.Writer, *report.Report) error
}

func (o Outputs) files() []outputFile {
	fs := []outputFile{
		{o.JSON, os.O_CREATE | os.O_TRUNC | os.O_WRONLY, report.WriteJSON},
		{o.JUnit, os.O_CREATE | os.O_TRUNC | os.O_WRONLY, report.WriteJUnit},
		{o.SARIF, os.O_CREATE | os.O_TRUNC | os.O_WRONLY, report.WriteSARIF},
		{o.CodeQuality, os.O_CREATE | os.O_TRUNC | os.O_WRONLY, report.WriteCodeQuality},
	}
	if o.GitHub {
		fs = append(fs, outputFile{os.Getenv("GITHUB_STEP_SUMMARY"), os.O_CREATE | os.O_APPEND | os.O_WRONLY, report.WriteMarkdown})
	}
	var out []outputFile
	for _, f := range fs {
		if f.path != "" {
			out = append(out, f)
		}
	}
	return out
}

// check verifies that every output file's directory exists and that no
// two reports name the same file (each would overwrite the other, leaving
// neither valid).
func (o Outputs) check() error {
	var errs []error
	seen := map[string]string{}
	for _, f := range o.files() {
		dir := filepath.Dir(f.path)
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			errs = append(errs, fmt.Errorf("racecheck: cannot write %s: directory %s does not exist: %w", f.path, dir, ErrInvalidConfig))
		}
		abs, err := filepath.Abs(f.path)
		if err != nil {
			abs = filepath.Clean(f.path)
		}
		if prev, dup := seen[abs]; dup {
			errs = append(errs, fmt.Errorf("racecheck: %s and %s name the same file: each report needs a file of its own: %w", prev, f.path, ErrInvalidConfig))
		}
		seen[abs] = f.path
	}
	return errors.Join(errs...)
}

// OpenOutputs are the report files, opened before the run so that an
// unwritable path fails at once rather than after an hour of tests. Each
// report is written to a temporary file next to its own and renamed over
// it when complete: a run killed before the end leaves no report, never an
// empty or half-written one a CI system could read as "no failures".
type OpenOutputs struct {
	files  []*os.File
	paths  []string // the reports' paths; "" for one written in place (the job summary)
	writes []func(io.Writer, *report.Report) error
	github bool
}

// Open creates every report's temporary file, removing a report a previous
// run left there, and opens the job summary for appending. On error nothing
// stays open.
func (o Outputs) Open() (*OpenOutputs, error) {
	out := &OpenOutputs{github: o.GitHub}
	for _, f := range o.files() {
		var (
			fh   *os.File
			err  error
			path string
		)
		if f.flag&os.O_APPEND != 0 {
			fh, err = os.OpenFile(f.path, f.flag, 0o644)
		} else {
			path = f.path
			fh, err = os.CreateTemp(filepath.Dir(f.path), "."+filepath.Base(f.path)+".racecheck-*")
			if err == nil {
				if rmErr := os.Remove(f.path); rmErr != nil && !errors.Is(rmErr, os.ErrNotExist) {
					err = rmErr
					fh.Close()
					os.Remove(fh.Name())
				}
			}
		}
		if err != nil {
			out.Close()
			return nil, fmt.Errorf("racecheck: cannot write %s: %w", f.path, err)
		}
		out.files = append(out.files, fh)
		out.paths = append(out.paths, path)
		out.writes = append(out.writes, f.write)
	}
	return out, nil
}

// Write writes the report to every file, and the GitHub annotations to
// annotations when asked for, then closes the files and moves each report
// into place. It writes everything it can and returns the errors joined.
func (o *OpenOutputs) Write(rep *report.Report, annotations io.Writer) error {
	var errs []error
	for i, f := range o.files {
		err := o.writes[i](f, rep)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil && o.paths[i] != "" {
			if err = os.Chmod(f.Name(), 0o644); err == nil {
				err = os.Rename(f.Name(), o.paths[i])
			}
		}
		if err != nil {
			name := o.paths[i]
			if name == "" {
				name = f.Name()
			}
			errs = append(errs, fmt.Errorf("racecheck: %s: %w", name, err))
		}
	}
	if o.github {
		errs = append(errs, report.WriteGitHubAnnotations(annotations, rep))
	}
	errs = append(errs, o.Close())
	return errors.Join(errs...)
}

// Close closes the files without writing, removing the temporary ones.
func (o *OpenOutputs) Close() error {
	var errs []error
	for i, f := range o.files {
		if err := f.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
			errs = append(errs, err)
		}
		if o.paths[i] != "" {
			if err := os.Remove(f.Name()); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	o.files, o.paths, o.writes = nil, nil, nil
	return errors.Join(errs...)
}
