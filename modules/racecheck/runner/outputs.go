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
// unwritable path fails at once rather than after an hour of tests.
type OpenOutputs struct {
	files  []*os.File
	writes []func(io.Writer, *report.Report) error
	github bool
}

// Open creates (or, for the job summary, opens for appending) every output
// file. On error nothing stays open.
func (o Outputs) Open() (*OpenOutputs, error) {
	out := &OpenOutputs{github: o.GitHub}
	for _, f := range o.files() {
		fh, err := os.OpenFile(f.path, f.flag, 0o644)
		if err != nil {
			out.Close()
			return nil, fmt.Errorf("racecheck: cannot write %s: %w", f.path, err)
		}
		out.files = append(out.files, fh)
		out.writes = append(out.writes, f.write)
	}
	return out, nil
}

// Write writes the report to every file, and the GitHub annotations to
// annotations when asked for, then closes the files. It writes everything
// it can and returns the errors joined.
func (o *OpenOutputs) Write(rep *report.Report, annotations io.Writer) error {
	var errs []error
	for i, f := range o.files {
		if err := o.writes[i](f, rep); err != nil {
			errs = append(errs, fmt.Errorf("racecheck: %s: %w", f.Name(), err))
		}
	}
	if o.github {
		errs = append(errs, report.WriteGitHubAnnotations(annotations, rep))
	}
	errs = append(errs, o.Close())
	return errors.Join(errs...)
}

// Close closes the files without writing.
func (o *OpenOutputs) Close() error {
	var errs []error
	for _, f := range o.files {
		errs = append(errs, f.Close())
	}
	o.files = nil
	return errors.Join(errs...)
}
