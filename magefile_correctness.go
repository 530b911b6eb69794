//go:build mage

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Correctness regenerates docs/correctness.md: the linearizability conformance suite (benchmarks/conformance) run long, over our types and peers (RACEPROOF_CORRECTNESS_BUDGET: time per cell and GOMAXPROCS, default 1s).
func Correctness(ctx context.Context) error {
	out, err := filepath.Abs(filepath.Join("docs", "correctness.md"))
	if err != nil {
		return fmt.Errorf("correctness: %w", err)
	}
	args := []string{"test", "-count=1", "-timeout=60m", "-run", "^TestConformance", "./conformance/"}
	fmt.Printf("(cd benchmarks && RACEPROOF_CORRECTNESS_OUT=%s go %v)\n", out, args)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = "benchmarks"
	cmd.Env = append(os.Environ(), "RACEPROOF_CORRECTNESS_OUT="+out)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("correctness: conformance suite: %w", err)
	}
	fmt.Printf("wrote %s\n", out)
	return nil
}
