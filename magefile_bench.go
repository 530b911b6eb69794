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

// Bench runs the comparison suites in rounds and regenerates docs/benchmarks.md, then the service-level benchmark and docs/benchmarks/service.md (BENCH_QUICK=1: fast smoke run; BENCH_SERVICE=0 skips the service benchmark, BENCH_SERVICE=only runs nothing else).
func Bench(ctx context.Context) error {
	service := os.Getenv("BENCH_SERVICE")
	switch service {
	case "", "0", "1", "only":
	default:
		return fmt.Errorf("bench: BENCH_SERVICE=%q, want 0, 1 or only", service)
	}
	if service != "only" {
		if err := benchGo(ctx, ".", "run", "./tools/cmd/benchreport", "run", "-root", "."); err != nil {
			return err
		}
	}
	if service == "0" {
		return nil
	}
	return benchService(ctx, service == "only")
}

// benchService runs benchmarks/servicebench and generates
// docs/benchmarks/service.md, its chart and its raw output beside it.
func benchService(ctx context.Context, only bool) error {
	args := []string{"run", "./servicebench/cmd/servicebench", "-out", "../docs/benchmarks/service-raw.txt"}
	command := "go tool mage bench"
	if only {
		command = "BENCH_SERVICE=only " + command
	}
	if q := os.Getenv("BENCH_QUICK"); q != "" && q != "0" {
		args = append(args, "-quick")
		command = "BENCH_QUICK=1 " + command
	}
	if err := benchGo(ctx, "benchmarks", append(args, "-command", command)...); err != nil {
		return err
	}
	return benchGo(ctx, ".", "run", "./tools/cmd/benchreport", "service",
		"-md", "docs/benchmarks/service.md", "-charts", "docs/benchmarks", "docs/benchmarks/service-raw.txt")
}

// benchSmoke runs every benchmark once so the suites never rot; -short
// shrinks the largest set-ups (1M-key maps) that a one-iteration run does not
// need. The service-level benchmark's smoke run is its package's tests,
// which the normal test step runs.
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
