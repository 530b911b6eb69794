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
//	RACECHECK_DIR   the module or workspace directory (default ".")
//
// and by the environment variable of every racecheck run flag
// (runner.Options, listed in the module's README): RACECHECK_CPU,
// RACECHECK_COUNT, RACECHECK_SHUFFLE, RACECHECK_RUN, RACECHECK_FUZZTIME,
// RACECHECK_JSON, RACECHECK_SARIF, and so on. Bad values fail the target
// before anything runs.
//
// The logic lives in package runner; this package only wires it to mage.
package magefile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

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

// Race runs every workspace module's tests under the race detector and reports every finding with a rerun command.
func Race(ctx context.Context) error {
	s, err := fromEnv(os.Getenv)
	if err != nil {
		return err
	}
	return s.race(ctx)
}

// Fuzz runs every fuzz target in the workspace, one at a time, for RACECHECK_FUZZTIME (default 10s) each, under the race detector unless RACECHECK_FUZZ_RACE=false.
func Fuzz(ctx context.Context) error {
	s, err := fromEnv(os.Getenv)
	if err != nil {
		return err
	}
	return s.fuzz(ctx)
}

// Pipeline runs the race tests, then every fuzz target, then prints the findings.
func Pipeline(ctx context.Context) error {
	s, err := fromEnv(os.Getenv)
	if err != nil {
		return err
	}
	return s.pipeline(ctx)
}

// settings is the environment-derived configuration of the targets.
type settings struct {
	cfg    runner.Config
	stdout io.Writer
	stderr io.Writer
}

// fromEnv reads RACECHECK_DIR and the environment variables of
// runner.Options, and validates the result.
func fromEnv(getenv func(string) string) (*settings, error) {
	cfg := runner.DefaultConfig()
	cfg.Progress = os.Stderr
	if d := getenv("RACECHECK_DIR"); d != "" {
		cfg.Dirs = []string{d}
		cfg.Root = d
	}
	if err := cfg.SetFromEnv(getenv); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &settings{cfg: cfg, stdout: os.Stdout, stderr: os.Stderr}, nil
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
	s.say("racecheck: the tests of every module under the race detector (-count=%d, -shuffle=%s)", s.cfg.Count, s.cfg.Shuffle)
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

// runAndReport runs racecheck, writes the report files, prints the text
// report and turns a non-zero exit status into an error that names every
// finding.
func (s *settings) runAndReport(ctx context.Context, cfg runner.Config, what string) error {
	outs, err := cfg.Outputs.Open()
	if err != nil {
		return err
	}
	rep, runErr := runner.Run(ctx, cfg)
	outErr := outs.Write(rep, s.stdout)
	if err := report.WriteText(s.stdout, rep); err != nil {
		return err
	}
	if runErr != nil || outErr != nil {
		return errors.Join(runErr, outErr)
	}
	if code := rep.ExitCode(); code != report.ExitClean {
		var bad []string
		for _, f := range rep.Findings {
			bad = append(bad, fmt.Sprintf("%s at %s: %s", f.Title(), f.Location, f.Message))
		}
		return fmt.Errorf("racecheck %s failed (exit %d):\n  %s", what, code, strings.Join(bad, "\n  "))
	}
	return nil
}
