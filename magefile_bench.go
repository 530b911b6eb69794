//go:build mage

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/raceproof/raceproof/modules/racecheck/magefile"
)

func init() {
	magefile.TestSteps = append(magefile.TestSteps, magefile.Step{
		Name: "benchmarks smoke run (one iteration each)",
		Run:  benchSmoke,
	})
}

// Bench runs the comparison suites in rounds and regenerates docs/benchmarks.md (BENCH_QUICK=1: fast smoke run).
func Bench(ctx context.Context) error {
	return benchGo(ctx, ".", "run", "./tools/cmd/benchreport", "run", "-root", ".")
}

// benchSmoke runs every benchmark once so the suites never rot; -short
// shrinks the largest set-ups (1M-key maps) that a one-iteration run does not need.
func benchSmoke(ctx context.Context) error {
	return benchGo(ctx, "benchmarks", "test", "-short", "-run", "^$", "-bench", ".", "-benchtime", "1x", "./...")
}

// benchGo runs the go command in dir, streaming its output.
func benchGo(ctx context.Context, dir string, args ...string) error {
	fmt.Printf("(cd %s && go %s)\n", dir, strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %v in %s: %w", args, dir, err)
	}
	return nil
}
