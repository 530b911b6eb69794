package citemplates

import (
	"fmt"
	"io"

	"github.com/rhysd/actionlint"
)

// Actionlint runs actionlint (github.com/rhysd/actionlint, as a library) over the workflow
// files of the project rooted at root (a directory holding .github/workflows). Shellcheck
// and pyflakes are not run, so the result does not depend on what is installed. Local
// actions (uses: ./path) and local reusable workflows are resolved against root.
func Actionlint(root string, files []string) ([]Finding, error) {
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{})
	if err != nil {
		return nil, fmt.Errorf("citemplates: actionlint: %w", err)
	}
	proj, err := actionlint.NewProject(root)
	if err != nil {
		return nil, fmt.Errorf("citemplates: actionlint: %w", err)
	}
	errs, err := l.LintFiles(files, proj)
	if err != nil {
		return nil, fmt.Errorf("citemplates: actionlint: %w", err)
	}
	out := make([]Finding, 0, len(errs))
	for _, e := range errs {
		out = append(out, Finding{File: e.Filepath, Line: e.Line, Rule: "actionlint/" + e.Kind, Msg: e.Message})
	}
	return out, nil
}
