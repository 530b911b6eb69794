//go:build mage

package main

import (
	"fmt"
	"os"

	"github.com/magefile/mage/sh"
)

// Bench runs the comparison suites in rounds and the service-level benchmark, and regenerates docs/benchmarks.md with both (BENCH_QUICK=1: fast smoke run; BENCH_SERVICE=0 skips the service benchmark, BENCH_SERVICE=only runs nothing else; either way the report keeps the other's results).
func Bench() error {
	service := os.Getenv("BENCH_SERVICE")
	switch service {
	case "", "0", "1", "only":
	default:
		return fmt.Errorf("bench: BENCH_SERVICE=%q, want 0, 1 or only", service)
	}
	if service != "only" {
		if err := sh.RunV("go", "run", "./tools/cmd/benchreport", "run", "-root", "."); err != nil {
			return err
		}
	}
	if service == "0" {
		return nil
	}
	return benchService(service == "only")
}

// benchService runs benchmarks/servicebench into docs/benchmarks/service-raw.txt
// and regenerates docs/benchmarks.md, whose service-level section and its
// chart come from that file and whose suites come from docs/benchmarks/raw.
func benchService(only bool) error {
	args := []string{"-C", "benchmarks", "run", "./servicebench/cmd/servicebench", "-out", "../docs/benchmarks/service-raw.txt"}
	command := "go tool mage bench"
	if only {
		command = "BENCH_SERVICE=only " + command
	}
	if q := os.Getenv("BENCH_QUICK"); q != "" && q != "0" {
		args = append(args, "-quick")
		command = "BENCH_QUICK=1 " + command
	}
	if err := sh.RunV("go", append(args, "-command", command)...); err != nil {
		return err
	}
	return sh.RunV("go", "run", "./tools/cmd/benchreport", "render", "-root", ".")
}

// BenchSmoke runs every benchmark once so the suites never rot; -short shrinks the largest set-ups (1M-key maps) that a one-iteration run does not need (the service benchmark's smoke run is its package's tests).
func BenchSmoke() error {
	return sh.RunV("go", "-C", "benchmarks", "test", "-short", "-run", "^$", "-bench", ".", "-benchtime", "1x", "./...")
}

// Detection measures go test -race (once and -count=10) and racecheck (without and with -stress 10s) on the concurrency-bug kernels in modules/racecheck/testdata/kernels and regenerates docs/detection.md and docs/detection.json (about 20 minutes).
func Detection() error {
	return sh.RunWithV(map[string]string{"RACEPROOF_DETECTION": "full"},
		"go", "-C", "benchmarks", "test", "-count=1", "-timeout=90m", "-run", "^TestDetection$", "-v", "./detection/")
}
