package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/raceproof/raceproof/modules/racecheck/internal/gocmd"
	"github.com/raceproof/raceproof/modules/racecheck/report"
)

// ErrBuild is wrapped by List's error when packages do not compile.
var ErrBuild = errors.New("packages do not build")

// List returns the fuzz targets that a run with cfg would fuzz (all shards),
// sorted by module, package and name. It compiles every package and its
// tests (without linking or running them); when some do not compile, it
// still returns the targets and an error wrapping ErrBuild with the
// compiler's messages.
func List(ctx context.Context, cfg Config) ([]Target, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r := &run{cfg: cfg, rep: &report.Report{}}
	var all []*modulePackages
	var broken []string
	for _, d := range cfg.Dirs {
		ws, err := Discover(ctx, cfg.Go, d)
		if err != nil {
			return nil, err
		}
		for _, m := range ws.Modules {
			pkgs, _, err := r.listPackages(ctx, ws, m, cfg.FuzzRace)
			if err != nil {
				return nil, err
			}
			all = append(all, &modulePackages{ws: ws, m: m, pkgs: pkgs})
			msgs, err := compileErrors(ctx, cfg.Go, ws, m)
			if err != nil {
				return nil, err
			}
			broken = append(broken, msgs...)
		}
	}
	var out []Target
	for _, t := range r.fuzzTargets(all) {
		out = append(out, t.Target)
	}
	if len(broken) > 0 {
		return out, fmt.Errorf("racecheck: %w:\n%s", ErrBuild, strings.Join(broken, "\n"))
	}
	return out, nil
}

// compileErrors type-checks and compiles every package of m and its tests
// with go list -export, which neither links nor runs anything, and returns
// the compiler's message for each package that fails.
func compileErrors(ctx context.Context, goCmd string, ws Workspace, m Module) ([]string, error) {
	out, err := gocmd.Go(goCmd, m.Dir, ws.Env(), "list", "-e", "-test", "-export", "-json=ImportPath,Error", "./...").Output(ctx)
	if err != nil {
		return nil, fmt.Errorf("racecheck: compiling the packages of %s: %w", m.Path, err)
	}
	seen := map[string]bool{}
	var msgs []string
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p struct {
			ImportPath string
			Error      *struct{ Err string }
		}
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("racecheck: compiling the packages of %s: %w", m.Path, err)
		}
		if p.Error == nil {
			continue
		}
		pkg, _, _ := strings.Cut(p.ImportPath, " ")
		if !seen[pkg] {
			seen[pkg] = true
			msgs = append(msgs, strings.TrimSpace(p.Error.Err))
		}
	}
	return msgs, nil
}
