//go:build mage

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/raceproof/raceproof/modules/racecheck/magefile"
	"github.com/raceproof/raceproof/modules/racecheck/vet"
)

func init() {
	magefile.TestSteps = append(magefile.TestSteps, magefile.Step{
		Name: "racecheck vet over every module",
		Run:  Lint,
	})
}

// Lint runs the racecheck analyzers (racecheck vet) over every workspace module and fails on any diagnostic.
func Lint(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("lint: listing workspace modules: %w", err)
	}
	root, err := os.Getwd()
	if err != nil {
		return fmt.Errorf("lint: %w", err)
	}
	var patterns []string
	for _, dir := range strings.Fields(string(out)) {
		rel, err := filepath.Rel(root, dir)
		if err != nil || strings.HasPrefix(rel, "..") {
			return fmt.Errorf("lint: module directory %s is outside the workspace root %s", dir, root)
		}
		patterns = append(patterns, "./"+filepath.ToSlash(filepath.Join(rel, "...")))
	}
	fmt.Printf("racecheck vet %s\n", strings.Join(patterns, " "))
	switch code := vet.Run(patterns, os.Stdout, os.Stderr); code {
	case vet.ExitClean:
		return nil
	case vet.ExitDiagnostics:
		return fmt.Errorf("lint: racecheck vet reported diagnostics")
	default:
		return fmt.Errorf("lint: racecheck vet failed (exit %d)", code)
	}
}
