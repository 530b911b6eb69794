// Package runner runs a workspace's tests under the race detector and every
// fuzz target one at a time, and turns what the go command and the race
// detector print into a report.Report.
//
// It also holds the other steps of raceproof's test pipeline (CheckFormat,
// Vet, Standalone), so the mage targets in package magefile and the
// racecheck command share one implementation.
//
// Run never deletes or rewrites anything under a module's testdata/fuzz or
// the fuzz cache; the go command itself adds new crashers there, as always.
package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/raceproof/raceproof/modules/racecheck/report"
)

// Run discovers the modules under cfg.Dirs and runs their race tests and
// fuzz targets as cfg says. It always returns a report; the error is
// non-nil when the configuration is invalid, discovery failed or ctx was
// cancelled, and such failures also appear in the report as ErrorTool.
func Run(ctx context.Context, cfg Config) (*report.Report, error) {
	start := time.Now()
	rep := &report.Report{
		Schema:  report.Schema,
		Tool:    report.Tool{Name: "racecheck", Version: cfg.Version},
		Started: start.UTC(),
		Modules: []report.Module{},
		Tests:   []report.Test{},
		Races:   []report.Race{},
		Fuzz:    []report.FuzzResult{},
		Errors:  []report.Error{},
	}
	defer func() { rep.Duration = report.Seconds(time.Since(start)) }()
	fail := func(err error) (*report.Report, error) {
		rep.Errors = append(rep.Errors, report.Error{Kind: report.ErrorTool, Message: err.Error()})
		return rep, err
	}
	if err := cfg.validate(); err != nil {
		return fail(err)
	}
	if cfg.Root == "" {
		wd, err := os.Getwd()
		if err != nil {
			return fail(fmt.Errorf("racecheck: %w", err))
		}
		cfg.Root = wd
	}
	root, err := filepath.Abs(cfg.Root)
	if err != nil {
		return fail(fmt.Errorf("racecheck: root: %w", err))
	}
	cfg.Root = root
	if out, err := exec.CommandContext(ctx, cfg.Go, "env", "GOVERSION").Output(); err == nil {
		rep.GoVersion = strings.TrimSpace(string(out))
	} else {
		return fail(fmt.Errorf("racecheck: cannot run %q: %w", cfg.Go, err))
	}
	var spaces []Workspace
	for _, d := range cfg.Dirs {
		ws, err := Discover(ctx, cfg.Go, d)
		if err != nil {
			return fail(err)
		}
		spaces = append(spaces, ws)
	}
	r := &run{cfg: cfg, rep: rep, start: start}
	if cfg.Race {
		for _, ws := range spaces {
			for i, m := range ws.Modules {
				if ok, err := HasPackages(ctx, cfg.Go, m.Dir, ws.Env()); err != nil {
					return fail(err)
				} else if !ok {
					r.progress("race [%d/%d] %s (%s): no packages", i+1, len(ws.Modules), m.Path, r.rel(m.Dir))
					continue
				}
				r.progress("race [%d/%d] %s (%s)", i+1, len(ws.Modules), m.Path, r.rel(m.Dir))
				t0 := time.Now()
				if err := r.testModule(ctx, ws, m); err != nil {
					return fail(err)
				}
				rep.Modules = appendModule(rep.Modules, report.Module{Path: m.Path, Dir: r.rel(m.Dir), Duration: report.Seconds(time.Since(t0))})
			}
		}
	}
	if cfg.Fuzz {
		var targets []target
		for _, ws := range spaces {
			ts, err := r.listFuzz(ctx, ws)
			if err != nil {
				return fail(err)
			}
			targets = append(targets, ts...)
		}
		sortTargets(targets)
		if err := r.fuzzAll(ctx, targets); err != nil {
			return fail(err)
		}
	}
	if err := ctx.Err(); err != nil {
		return fail(fmt.Errorf("racecheck: %w", err))
	}
	return rep, nil
}

func appendModule(ms []report.Module, m report.Module) []report.Module {
	for i := range ms {
		if ms[i].Path == m.Path && ms[i].Dir == m.Dir {
			ms[i].Duration += m.Duration
			return ms
		}
	}
	return append(ms, m)
}

// run is the state of one Run call.
type run struct {
	cfg   Config
	rep   *report.Report
	start time.Time
}

func (r *run) progress(format string, args ...any) {
	el := time.Since(r.start).Truncate(time.Second)
	fmt.Fprintf(r.cfg.Progress, "racecheck [%s] %s\n", el, fmt.Sprintf(format, args...))
}

func (r *run) rel(path string) string { return rel(r.cfg.Root, path) }

// addError records an error once per kind, package, test and message.
func (r *run) addError(e report.Error) {
	for _, have := range r.rep.Errors {
		if have.Kind == e.Kind && have.Package == e.Package && have.Test == e.Test && have.Message == e.Message {
			return
		}
	}
	r.rep.Errors = append(r.rep.Errors, e)
}

// goracEnv returns env with GORACE set so reports go to files under dir
// with paths relative to the root.
func (r *run) goraceEnv(env []string, dir string) []string {
	opts := "log_path=" + filepath.Join(dir, "race") + " strip_path_prefix=" + r.cfg.Root + string(filepath.Separator)
	if user := os.Getenv("GORACE"); user != "" {
		opts = user + " " + opts
	}
	return append(env, "GORACE="+opts)
}

var errNoOutput = errors.New("go test printed no results")
