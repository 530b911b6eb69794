// Package magefile provides mage targets that run a Go workspace's test
// pipeline with racecheck: import it from a magefile with
//
//	//mage:import
//	_ "github.com/raceproof/raceproof/modules/racecheck/magefile"
//
// to get the targets test, race, fuzz and pipeline. They work on the
// workspace (go.work) or module in the directory mage runs in and are
// configured by environment variables:
//
//	RACECHECK_DIR          directory to run in (default ".")
//	RACECHECK_CPU          go test -cpu list, e.g. 1,2,4
//	RACECHECK_COUNT        go test -count (default 1)
//	RACECHECK_RUN          go test -run regexp for the race tests
//	FUZZTIME               fuzzing time per target (default 10s; Nx for executions)
//	RACECHECK_FUZZ_MATCH   only fuzz targets matching this regexp
//	RACECHECK_FUZZ_BUDGET  total fuzzing time cap, split fairly
//	RACECHECK_FUZZ_PARALLEL fuzz worker processes per target (default GOMAXPROCS)
//	RACECHECK_SHARD        fuzz shard i/n
//	RACECHECK_JSON, RACECHECK_JUNIT, RACECHECK_SARIF, RACECHECK_CODEQUALITY
//	                       report files to write
//	RACECHECK_GITHUB       "true" for GitHub annotations and job summary
//	                       (default: on when GITHUB_ACTIONS=true)
//
// The logic lives in package runner; this package only wires it to mage.
package magefile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/raceproof/raceproof/modules/racecheck/report"
	"github.com/raceproof/raceproof/modules/racecheck/runner"
)

// Step is an extra check that Test runs after its standard steps.
type Step struct {
	Name string
	Run  func(ctx context.Context) error
}

// TestSteps are run, in order, by Test after its standard steps; a magefile appends to it in init.
var TestSteps []Step

// Test checks gofmt, runs go vet and race tests on every module, then each module alone (GOWORK=off), then extra steps.
func Test(ctx context.Context) error {
	s, err := fromEnv(os.Getenv)
	if err != nil {
		return err
	}
	return s.test(ctx, TestSteps)
}

// Race runs every workspace module's tests under the race detector and reports races by test.
func Race(ctx context.Context) error {
	s, err := fromEnv(os.Getenv)
	if err != nil {
		return err
	}
	return s.race(ctx)
}

// Fuzz runs every Fuzz target in the workspace, one at a time, for FUZZTIME (default 10s) each.
func Fuzz(ctx context.Context) error {
	s, err := fromEnv(os.Getenv)
	if err != nil {
		return err
	}
	return s.fuzz(ctx)
}

// Pipeline runs the race tests, then every fuzz target, then prints a summary table.
func Pipeline(ctx context.Context) error {
	s, err := fromEnv(os.Getenv)
	if err != nil {
		return err
	}
	return s.pipeline(ctx)
}

// settings is the environment-derived configuration of the targets.
type settings struct {
	cfg     runner.Config
	outputs runner.Outputs
	stdout  io.Writer
	stderr  io.Writer
}

func fromEnv(getenv func(string) string) (*settings, error) {
	cfg := runner.DefaultConfig()
	cfg.Progress = os.Stderr
	if d := getenv("RACECHECK_DIR"); d != "" {
		cfg.Dirs = []string{d}
		cfg.Root = d
	}
	cfg.CPU = getenv("RACECHECK_CPU")
	cfg.Run = getenv("RACECHECK_RUN")
	cfg.FuzzMatch = getenv("RACECHECK_FUZZ_MATCH")
	var err error
	if v := getenv("RACECHECK_COUNT"); v != "" {
		if cfg.Count, err = strconv.Atoi(v); err != nil {
			return nil, fmt.Errorf("racecheck: RACECHECK_COUNT=%q: %w", v, runner.ErrInvalidConfig)
		}
	}
	if v := getenv("FUZZTIME"); v != "" {
		if cfg.FuzzTime, err = runner.ParseFuzzTime(v); err != nil {
			return nil, fmt.Errorf("FUZZTIME: %w", err)
		}
	}
	if v := getenv("RACECHECK_FUZZ_PARALLEL"); v != "" {
		if cfg.FuzzWorkers, err = strconv.Atoi(v); err != nil {
			return nil, fmt.Errorf("racecheck: RACECHECK_FUZZ_PARALLEL=%q: %w", v, runner.ErrInvalidConfig)
		}
	}
	if v := getenv("RACECHECK_FUZZ_BUDGET"); v != "" {
		if cfg.FuzzBudget, err = time.ParseDuration(v); err != nil {
			return nil, fmt.Errorf("racecheck: RACECHECK_FUZZ_BUDGET=%q: %w", v, runner.ErrInvalidConfig)
		}
	}
	if v := getenv("RACECHECK_SHARD"); v != "" {
		if cfg.Shard, err = runner.ParseShard(v); err != nil {
			return nil, fmt.Errorf("RACECHECK_SHARD: %w", err)
		}
	}
	github := getenv("GITHUB_ACTIONS") == "true"
	if v := getenv("RACECHECK_GITHUB"); v != "" {
		github = v == "true" || v == "1"
	}
	return &settings{
		cfg: cfg,
		outputs: runner.Outputs{
			JSON: getenv("RACECHECK_JSON"), JUnit: getenv("RACECHECK_JUNIT"),
			SARIF: getenv("RACECHECK_SARIF"), CodeQuality: getenv("RACECHECK_CODEQUALITY"),
			GitHub: github,
		},
		stdout: os.Stdout,
		stderr: os.Stderr,
	}, nil
}

func (s *settings) dir() string { return s.cfg.Dirs[0] }

func (s *settings) say(format string, args ...any) {
	fmt.Fprintf(s.stderr, "==> "+format+"\n", args...)
}

// test runs gofmt, vet, the race run, the GOWORK=off run, then steps. It
// runs every step and returns all failures joined.
func (s *settings) test(ctx context.Context, steps []Step) error {
	ws, err := runner.Discover(ctx, s.cfg.Go, s.dir())
	if err != nil {
		return err
	}
	var errs []error
	record := func(err error) {
		if err != nil {
			s.say("FAILED: %v", err)
			errs = append(errs, err)
		}
	}
	s.say("gofmt: checking %d module(s)", len(ws.Modules))
	record(runner.CheckFormat(ws))
	s.say("go vet")
	record(runner.Vet(ctx, s.cfg.Go, ws, s.stderr))
	s.say("go test -race -count=%d -shuffle=on in every module", s.cfg.Count)
	record(s.race(ctx))
	s.say("each module alone with GOWORK=off")
	record(runner.Standalone(ctx, s.cfg.Go, ws, s.stderr))
	for _, st := range steps {
		s.say("step %s", st.Name)
		if err := st.Run(ctx); err != nil {
			record(fmt.Errorf("step %s: %w", st.Name, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		s.say("test FAILED")
		return err
	}
	s.say("test passed")
	return nil
}

func (s *settings) race(ctx context.Context) error {
	cfg := s.cfg
	cfg.Race, cfg.Fuzz = true, false
	return s.runAndReport(ctx, cfg, "race")
}

func (s *settings) fuzz(ctx context.Context) error {
	cfg := s.cfg
	cfg.Race, cfg.Fuzz = false, true
	return s.runAndReport(ctx, cfg, "fuzz")
}

func (s *settings) pipeline(ctx context.Context) error {
	cfg := s.cfg
	cfg.Race, cfg.Fuzz = true, true
	return s.runAndReport(ctx, cfg, "pipeline")
}

// runAndReport runs racecheck, writes the outputs, prints the summary
// table and the findings, and turns a non-zero exit code into an error
// that names every finding.
func (s *settings) runAndReport(ctx context.Context, cfg runner.Config, what string) error {
	rep, runErr := runner.Run(ctx, cfg)
	outErr := s.outputs.Write(rep, s.stdout)
	if err := report.WriteSummaryTable(s.stdout, rep); err != nil {
		return err
	}
	lines := runner.Describe(rep)
	for _, l := range lines {
		fmt.Fprintln(s.stdout, l)
	}
	if runErr != nil || outErr != nil {
		return errors.Join(runErr, outErr)
	}
	if code := rep.ExitCode(); code != report.ExitClean {
		var bad []string
		for _, l := range lines {
			if !strings.HasPrefix(l, "fuzz ok") && !strings.HasPrefix(l, "fuzz skipped") {
				bad = append(bad, l)
			}
		}
		return fmt.Errorf("racecheck %s failed (exit %d):\n  %s", what, code, strings.Join(bad, "\n  "))
	}
	return nil
}
