//go:build mage

// The raceproof build. `go tool mage test` is what CI runs (.ci/run): the
// steps listed in Test, in that order, stopping at the first failure. Every
// step is also a target of its own (`go tool mage -l`). Commands run through
// sh.RunV, which streams their output; the go command's -C flag picks the
// module directory.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/magefile/mage/mg"
	"github.com/magefile/mage/sh"

	"github.com/raceproof/raceproof/modules/racecheck/magefile"
	"github.com/raceproof/raceproof/modules/racecheck/report"
	"github.com/raceproof/raceproof/modules/racecheck/vet"
)

// Test runs every check CI runs, in this order, stopping at the first failure: setup, gofmt, vet, tidy, race, standalone, lint, benchSmoke, installTest, templates.
func Test(ctx context.Context) {
	mg.SerialCtxDeps(ctx,
		Setup,       // first: a missing Node.js fails here, before anything else runs
		Gofmt,       // every .go file gofmt-formatted
		Vet,         // go vet ./... in every module
		Tidy,        // go mod tidy -diff in every module
		Race,        // every module's tests under -race
		Standalone,  // each module alone, GOWORK=off
		Lint,        // racecheck's own analyzers over every module
		BenchSmoke,  // every benchmark once
		InstallTest, // the modules install from tags, as a user gets them
		Templates,   // the CI templates, end to end
	)
}

// Setup installs what the tests need besides Go (rsync, jq, Node.js 20+ with npm when missing, then gitlab-ci-local pinned by tools/package-lock.json), saying what and why first, or fails with the exact install commands.
func Setup() error {
	return sh.RunV("go", "run", "./tools/cmd/devsetup", "-npm", "tools")
}

// Gofmt fails on any .go file that gofmt would change.
func Gofmt(ctx context.Context) error { return magefile.Gofmt(ctx) }

// Vet runs go vet ./... in every workspace module.
func Vet(ctx context.Context) error { return magefile.Vet(ctx) }

// Tidy runs go mod tidy -diff in every workspace module, each alone, serving the workspace modules one requires (shardcache for shardcache/prom) from their tags or directories; RACECHECK_TIDY=write rewrites go.mod and go.sum instead.
func Tidy(ctx context.Context) error { return magefile.Tidy(ctx) }

// Standalone builds and tests (-short) each workspace module alone, with GOWORK=off, as a user who requires it gets it.
func Standalone(ctx context.Context) error { return magefile.Standalone(ctx) }

// Race runs every workspace module's tests under the race detector (racecheck).
func Race(ctx context.Context) error { return magefile.Race(ctx) }

// Fuzz runs every fuzz target in the workspace, one at a time (RACECHECK_FUZZTIME each, default 10s).
func Fuzz(ctx context.Context) error { return magefile.Fuzz(ctx) }

// Pipeline runs the race tests, then every fuzz target: the main job a downstream CI runs.
func Pipeline(ctx context.Context) error { return magefile.Pipeline(ctx) }

// Lint runs the racecheck analyzers (racecheck vet) over every workspace module and fails on any diagnostic.
func Lint() error {
	out, err := sh.Output("go", "list", "-m", "-f", "{{.Dir}}")
	if err != nil {
		return fmt.Errorf("lint: listing workspace modules: %w", err)
	}
	root, err := os.Getwd()
	if err != nil {
		return fmt.Errorf("lint: %w", err)
	}
	var patterns []string
	for _, dir := range strings.Fields(out) {
		rel, err := filepath.Rel(root, dir)
		if err != nil || strings.HasPrefix(rel, "..") {
			return fmt.Errorf("lint: module directory %s is outside the workspace root %s", dir, root)
		}
		patterns = append(patterns, "./"+filepath.ToSlash(filepath.Join(rel, "...")))
	}
	fmt.Printf("racecheck vet %s\n", strings.Join(patterns, " "))
	switch code := vet.Run(patterns, os.Stdout, os.Stderr); code {
	case report.ExitClean:
		return nil
	case report.ExitFindings:
		return fmt.Errorf("lint: racecheck vet reported diagnostics")
	default:
		return fmt.Errorf("lint: racecheck vet failed (exit %d)", code)
	}
}

// InstallTest tags a throwaway clone, serves its modules from a file-system module proxy and, in a fresh module with GOWORK=off, go-gets the libraries and go-installs racecheck as a user would.
func InstallTest() error {
	return sh.RunWithV(map[string]string{"RACEPROOF_INSTALL_E2E": "1"},
		"go", "-C", "tools", "test", "-count=1", "-timeout=10m", "-v", "-run", "^TestInstallFromTags$", "./release/")
}

// Templates validates the CI templates and runs them end to end with act and gitlab-ci-local (after setup).
func Templates(ctx context.Context) error {
	mg.CtxDeps(ctx, Setup)
	return sh.RunWithV(map[string]string{"RACEPROOF_E2E": "1"},
		"go", "-C", "tools", "test", "-count=1", "-timeout=20m", "-v", "./citemplates/...")
}

// Release checks every module whose CHANGELOG names a version that has no tag yet (clean tree, go mod tidy, API compatibility against the previous tag, CHANGELOG entry) and, with RELEASE_TAG=1, tags them locally; it never pushes.
func Release() error {
	args := []string{"-C", "tools", "run", "./cmd/release", "-root", ".."}
	switch v := os.Getenv("RELEASE_TAG"); v {
	case "", "0":
	case "1":
		args = append(args, "-tag")
	default:
		return fmt.Errorf("release: RELEASE_TAG=%q, want 1 (tag) or unset (check only)", v)
	}
	return sh.RunV("go", args...)
}

// Generate regenerates the code shared between modules from tools/shared (see tools/sharedgen).
func Generate() error {
	return sh.RunV("go", "-C", "tools", "generate", "./shared/...")
}

// Correctness regenerates docs/correctness.md: the linearizability conformance suite (benchmarks/conformance) run long, over our types and peers (RACEPROOF_CORRECTNESS_BUDGET: time per cell and GOMAXPROCS, default 1s).
func Correctness() error {
	out, err := filepath.Abs(filepath.Join("docs", "correctness.md"))
	if err != nil {
		return fmt.Errorf("correctness: %w", err)
	}
	err = sh.RunWithV(map[string]string{"RACEPROOF_CORRECTNESS_OUT": out},
		"go", "-C", "benchmarks", "test", "-count=1", "-timeout=60m", "-run", "^TestConformance", "./conformance/")
	if err != nil {
		return fmt.Errorf("correctness: conformance suite: %w", err)
	}
	fmt.Printf("wrote %s\n", out)
	return nil
}
