// Package magefile provides mage targets that run a Go workspace's test
// pipeline with racecheck: import it from a magefile with
//
//	//mage:import
//	_ "github.com/raceproof/raceproof/modules/racecheck/magefile"
//
// to get the targets test, gofmt, vet, tidy, race, standalone, fuzz and
// pipeline. Test is the ordered list Gofmt, Vet, Race, Standalone; a
// magefile that wants more states its own test target as an ordered list
// that names these functions beside its own steps:
//
//	func Test(ctx context.Context) {
//		mg.SerialCtxDeps(ctx, magefile.Gofmt, magefile.Vet, magefile.Tidy, magefile.Race, Lint)
//	}
//
// The targets work on the workspace (go.work) or module in the directory
// mage runs in and are configured by environment variables:
//
//	RACECHECK_DIR   the module or workspace directory (default ".")
//	RACECHECK_TIDY  check (default): tidy runs go mod tidy -diff;
//	                write: it runs go mod tidy
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

	"github.com/magefile/mage/mg"

	"github.com/raceproof/raceproof/modules/racecheck/report"
	"github.com/raceproof/raceproof/modules/racecheck/runner"
)

// Test runs, in this order and stopping at the first failure: Gofmt, Vet, Race, Standalone.
func Test(ctx context.Context) {
	mg.SerialCtxDeps(ctx, Gofmt, Vet, Race, Standalone)
}

// Gofmt fails if any .go file of the workspace's modules is not gofmt-formatted, naming each file.
func Gofmt(ctx context.Context) error {
	return withSettings(ctx, (*settings).gofmt)
}

// Vet runs go vet ./... in every workspace module.
func Vet(ctx context.Context) error {
	return withSettings(ctx, (*settings).vet)
}

// Tidy runs go mod tidy -diff in every workspace module, each alone (GOWORK=off; workspace modules it requires are served locally, see runner.Alone), and fails, naming each module, if any go.mod or go.sum is not tidy; RACECHECK_TIDY=write runs go mod tidy instead.
func Tidy(ctx context.Context) error {
	return withSettings(ctx, (*settings).tidy)
}

// Race runs every workspace module's tests under the race detector and reports every finding with a rerun command.
func Race(ctx context.Context) error {
	return withSettings(ctx, (*settings).race)
}

// Standalone builds and tests (-short) each workspace module alone, with GOWORK=off, so a module that only works inside the workspace fails.
func Standalone(ctx context.Context) error {
	return withSettings(ctx, (*settings).standalone)
}

// Fuzz runs every fuzz target in the workspace, one at a time, for RACECHECK_FUZZTIME (default 10s) each, under the race detector unless RACECHECK_FUZZ_RACE=false.
func Fuzz(ctx context.Context) error {
	return withSettings(ctx, (*settings).fuzz)
}

// Pipeline runs the race tests, then every fuzz target, then prints the findings.
func Pipeline(ctx context.Context) error {
	return withSettings(ctx, (*settings).pipeline)
}

// withSettings reads the settings from the environment and runs step.
func withSettings(ctx context.Context, step func(*settings, context.Context) error) error {
	s, err := fromEnv(os.Getenv)
	if err != nil {
		return err
	}
	return step(s, ctx)
}

// settings is the environment-derived configuration of the targets.
type settings struct {
	cfg       runner.Config
	tidyWrite bool // RACECHECK_TIDY=write: the tidy target rewrites go.mod and go.sum
	stdout    io.Writer
	stderr    io.Writer
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
	s := &settings{cfg: cfg, stdout: os.Stdout, stderr: os.Stderr}
	switch t := getenv("RACECHECK_TIDY"); t {
	case "", "check":
	case "write":
		s.tidyWrite = true
	default:
		return nil, fmt.Errorf("racecheck: RACECHECK_TIDY=%q, want check or write: %w", t, runner.ErrInvalidConfig)
	}
	return s, nil
}

func (s *settings) dir() string { return s.cfg.Dirs[0] }

func (s *settings) say(format string, args ...any) {
	fmt.Fprintf(s.stderr, "==> "+format+"\n", args...)
}

// workspace discovers the modules the steps run over.
func (s *settings) workspace(ctx context.Context) (runner.Workspace, error) {
	return runner.Discover(ctx, s.cfg.Go, s.dir())
}

func (s *settings) gofmt(ctx context.Context) error {
	ws, err := s.workspace(ctx)
	if err != nil {
		return err
	}
	s.say("gofmt: checking %d module(s)", len(ws.Modules))
	return runner.CheckFormat(ws)
}

func (s *settings) vet(ctx context.Context) error {
	ws, err := s.workspace(ctx)
	if err != nil {
		return err
	}
	s.say("go vet")
	return runner.Vet(ctx, s.cfg.Go, ws, s.stderr)
}

func (s *settings) standalone(ctx context.Context) error {
	ws, err := s.workspace(ctx)
	if err != nil {
		return err
	}
	s.say("each module alone with GOWORK=off")
	return runner.Standalone(ctx, s.cfg.Go, ws, s.stderr)
}

func (s *settings) tidy(ctx context.Context) error {
	ws, err := s.workspace(ctx)
	if err != nil {
		return err
	}
	return runner.Tidy(ctx, s.cfg.Go, ws, s.tidyWrite, s.stderr)
}

func (s *settings) race(ctx context.Context) error {
	s.say("racecheck: the tests of every module under the race detector (-count=%d, -shuffle=%s)", s.cfg.Count, s.cfg.Shuffle)
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
