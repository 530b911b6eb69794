// Package runner runs a workspace's tests under the race detector and every
// fuzz target one at a time, and turns what happens into a report.Report
// whose findings say, for every way a test binary can fail, what failed,
// where, and how to replay it.
//
// A run has three steps. Discovery lists the workspace's modules, their
// packages and the test functions their test files declare. The test step
// builds every package's test binary with go test -c (so compiler and vet
// messages are captured per package), then runs each binary itself through
// go tool test2json, with go test's flags and a recorded shuffle seed: it
// sees the binary's real exit status, its race log and every test that
// started, finished or never ran. The fuzz step builds each package's fuzz
// binary once and runs each target alone, charging only fuzzing time to the
// budget. Run merges the steps' results and findings into one report.
//
// It also holds the other steps of raceproof's test pipeline (CheckFormat,
// Vet, Standalone), so the mage targets in package magefile and the
// racecheck command share one implementation.
//
// Run never deletes or rewrites anything under a module's testdata/fuzz or
// the fuzz cache; the fuzzing engine itself adds new crashers there, as
// always.
package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/raceproof/raceproof/modules/racecheck/internal/gocmd"
	"github.com/raceproof/raceproof/modules/racecheck/internal/srcpath"
	"github.com/raceproof/raceproof/modules/racecheck/report"
)

// Run validates cfg, discovers the modules under cfg.Dirs and runs their
// tests and fuzz targets as cfg says. It always returns a report. The error
// is non-nil when the configuration is invalid, the go command could not
// be run or ctx was cancelled; such failures are also findings of kind
// tool in the report, so its exit status is never clean.
func Run(ctx context.Context, cfg Config) (*report.Report, error) {
	start := time.Now()
	rep := &report.Report{
		Schema:   report.Schema,
		Tool:     report.Tool{Name: "racecheck", Version: cfg.Version},
		Started:  start.UTC(),
		Modules:  []report.Module{},
		Packages: []report.PackageRun{},
		Tests:    []report.Test{},
		Fuzz:     []report.FuzzResult{},
		Findings: []report.Finding{},
	}
	r := &run{cfg: cfg, rep: rep, start: start, findings: map[string]int{}}
	defer func() { rep.Duration = report.Seconds(time.Since(start)) }()
	if err := r.run(ctx); err != nil {
		r.add(report.Finding{Kind: report.KindTool, Message: firstLine(err.Error()), Output: r.text(err.Error()),
			Location: report.Location{File: "go.mod"}})
		return rep, err
	}
	return rep, nil
}

// run is the state of one Run call.
type run struct {
	cfg   Config
	rep   *report.Report
	start time.Time
	// findings indexes rep.Findings by fingerprint.
	findings map[string]int
	paths    *srcpath.Mapper
	tmp      string
	// shuffle is the -test.shuffle value every test binary gets ("off" or
	// a seed).
	shuffle string
	// test2json is the path of the go command's test2json tool.
	test2json string
	gocache   string
	// broken holds the import paths of packages whose tests did not build.
	broken map[string]bool
	// progressMu serialises progress lines from concurrent test binaries.
	progressMu sync.Mutex
	// leaks says whether leak detection runs: asked for, and the toolchain
	// has the goroutine leak profile.
	leaks bool
}

func (r *run) run(ctx context.Context) error {
	if err := r.cfg.Validate(); err != nil {
		return err
	}
	if r.cfg.Root == "" {
		wd, err := os.Getwd()
		if err != nil {
			return fmt.Errorf("racecheck: %w", err)
		}
		r.cfg.Root = wd
	}
	root, err := filepath.Abs(r.cfg.Root)
	if err != nil {
		return fmt.Errorf("racecheck: root: %w", err)
	}
	r.cfg.Root = root
	r.shuffle = r.cfg.Shuffle
	if r.shuffle == "on" {
		r.shuffle = strconv.FormatInt(time.Now().UnixNano(), 10)
	}
	r.rep.Settings = report.Settings{Race: r.cfg.Race, CPU: r.cfg.CPU, Count: r.cfg.Count, Shuffle: r.shuffle,
		Run: r.cfg.Run, Skip: r.cfg.Skip, Timeout: r.cfg.Timeout.String(), FuzzRace: r.cfg.FuzzRace}

	env, err := gocmd.Go(r.cfg.Go, root, nil, "env", "GOVERSION", "GOROOT", "GOMODCACHE", "GOCACHE").Output(ctx)
	if err != nil {
		return fmt.Errorf("racecheck: cannot run the go command %q: %w", r.cfg.Go, err)
	}
	vals := strings.Split(strings.TrimSpace(string(env)), "\n")
	if len(vals) != 4 {
		return fmt.Errorf("racecheck: go env printed %d lines, want 4", len(vals))
	}
	r.rep.GoVersion, r.gocache = vals[0], vals[3]
	r.leaks = r.cfg.Leaks && leakProfileSupported(r.rep.GoVersion)
	if r.cfg.Leaks && !r.leaks {
		r.note(Module{}, nil, "goroutine leak detection needs Go 1.26 (the goroutineleak profile); this run used "+r.rep.GoVersion+", so leaks were not checked")
	}
	// go tool -n builds test2json if needed and prints its path, so each
	// test binary's output is converted without starting the go command.
	t2j, err := gocmd.Go(r.cfg.Go, root, nil, "tool", "-n", "test2json").Output(ctx)
	if err != nil {
		return fmt.Errorf("racecheck: locating test2json: %w", err)
	}
	r.test2json = strings.TrimSpace(string(t2j))

	var spaces []Workspace
	modules := map[string]string{}
	for _, d := range r.cfg.Dirs {
		ws, err := Discover(ctx, r.cfg.Go, d)
		if err != nil {
			return err
		}
		spaces = append(spaces, ws)
		for _, m := range ws.Modules {
			modules[m.Path] = m.Dir
		}
	}
	r.paths = srcpath.New(root, modules, vals[1], vals[2])
	for _, ws := range spaces {
		for _, m := range ws.Modules {
			if r.paths.Rel(m.Dir) == "" {
				return fmt.Errorf("racecheck: module %s (%s) is outside the root directory %s; run racecheck from a directory that contains it: %w", m.Path, m.Dir, root, ErrInvalidConfig)
			}
			r.rep.Modules = appendModule(r.rep.Modules, report.Module{Path: m.Path, Dir: r.paths.Rel(m.Dir)})
		}
	}
	if r.tmp, err = os.MkdirTemp("", "racecheck-"); err != nil {
		return fmt.Errorf("racecheck: %w", err)
	}
	defer os.RemoveAll(r.tmp)
	r.broken = map[string]bool{}

	// The packages as the tests' -race build sees them (as the fuzz
	// build does when only fuzzing), and as the fuzz build sees them when
	// it is built the other way.
	race := r.cfg.FuzzRace
	if r.cfg.Race {
		race = true
	}
	all, err := r.listAll(ctx, spaces, race)
	if err != nil {
		return err
	}
	if err := r.matchedSomething(all); err != nil {
		return err
	}
	fuzzed := all
	if r.cfg.Fuzz && r.cfg.FuzzRace != race {
		if fuzzed, err = r.listAll(ctx, spaces, r.cfg.FuzzRace); err != nil {
			return err
		}
	}
	if err := r.fuzzMatchedSomething(fuzzed); err != nil {
		return err
	}
	if r.cfg.Race {
		for i, mp := range all {
			r.progress("test [%d/%d] %s (%s): %d package(s)", i+1, len(all), mp.m.Path, r.paths.Rel(mp.m.Dir), len(mp.pkgs))
			t0 := time.Now()
			if err := r.testModule(ctx, mp); err != nil {
				return err
			}
			r.moduleTime(mp.m, time.Since(t0))
		}
	}
	if r.cfg.Fuzz {
		if err := r.fuzzAll(ctx, fuzzed); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("racecheck: %w", err)
	}
	return nil
}

// listAll lists the packages of every module of spaces (see
// listPackages).
func (r *run) listAll(ctx context.Context, spaces []Workspace, race bool) ([]*modulePackages, error) {
	var all []*modulePackages
	for _, ws := range spaces {
		for _, m := range ws.Modules {
			pkgs, misses, err := r.listPackages(ctx, ws, m, race)
			if err != nil {
				return nil, err
			}
			all = append(all, &modulePackages{ws: ws, m: m, pkgs: pkgs, misses: misses})
		}
	}
	return all, nil
}

// ErrNoPackages is wrapped by Run's error when the package patterns match
// no package in any module: go test fails such a run, and so does racecheck,
// rather than report a suite it never ran as clean.
var ErrNoPackages = errors.New("the package patterns matched no package")

// matchedSomething reports ErrNoPackages when an import-path pattern lies
// in no module of the run, when no module has a package, or
// when one pattern matched no directory in any module (a typo next to
// patterns that match: go test fails on it too).
func (r *run) matchedSomething(all []*modulePackages) error {
	for _, pattern := range r.cfg.Packages {
		if isImportPattern(pattern) && !slices.ContainsFunc(all, func(mp *modulePackages) bool { return len(modulePatterns([]string{pattern}, mp.m)) > 0 }) {
			return fmt.Errorf("racecheck: %w: -packages pattern %q is inside none of the modules of the run", ErrNoPackages, pattern)
		}
	}
	var dirs []string
	for _, mp := range all {
		if len(mp.pkgs) == 0 {
			dirs = append(dirs, r.paths.Rel(mp.m.Dir))
		}
	}
	if len(dirs) == len(all) {
		return fmt.Errorf("racecheck: %w: -packages %q in %s (patterns are space-separated, relative to each module or import paths)",
			ErrNoPackages, strings.Join(r.cfg.Packages, " "), strings.Join(dirs, ", "))
	}
	for _, pattern := range r.cfg.Packages {
		miss := ""
		for _, mp := range all {
			if len(modulePatterns([]string{pattern}, mp.m)) == 0 {
				continue // an import path of another module
			}
			if miss = mp.misses[pattern]; miss == "" {
				break
			}
		}
		if miss != "" {
			return fmt.Errorf("racecheck: %w: -packages pattern %q matched nothing in any module: %s",
				ErrNoPackages, pattern, r.text(miss))
		}
	}
	return nil
}

// ErrNoFuzzTargets is wrapped by Run's error when -fuzz-match selects
// none of the workspace's fuzz targets: a typo in it would otherwise fuzz
// nothing and, with -race=false, report the run clean.
var ErrNoFuzzTargets = errors.New("-fuzz-match selected no fuzz target")

// fuzzMatchedSomething reports ErrNoFuzzTargets when a -fuzz-match was
// given and matches no fuzz target of any package, before anything runs.
// Without -fuzz-match, a workspace with no fuzz targets is not an error:
// there is nothing to fuzz, as go test -fuzz says.
func (r *run) fuzzMatchedSomething(fuzzed []*modulePackages) error {
	if !r.cfg.Fuzz || r.cfg.FuzzMatch == "" || len(r.fuzzTargets(fuzzed)) > 0 {
		return nil
	}
	var names []string
	for _, mp := range fuzzed {
		for _, p := range mp.pkgs {
			for _, fn := range p.Fuzz {
				names = append(names, fn.Name)
			}
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	if len(names) == 0 {
		return fmt.Errorf("racecheck: %w: -fuzz-match %q, and the packages have no fuzz targets", ErrNoFuzzTargets, r.cfg.FuzzMatch)
	}
	const shown = 10
	list := strings.Join(names[:min(len(names), shown)], ", ")
	if len(names) > shown {
		list += fmt.Sprintf(" and %d more", len(names)-shown)
	}
	return fmt.Errorf("racecheck: %w: -fuzz-match %q matches none of %s (an unanchored regexp on the target name)", ErrNoFuzzTargets, r.cfg.FuzzMatch, list)
}

// modulePackages is a module with its packages.
type modulePackages struct {
	ws   Workspace
	m    Module
	pkgs []*Package
	// misses maps each pattern that matched no directory in m to the go
	// command's error.
	misses map[string]string
	// graph is set by run.graph, when a perturbed build first needs it.
	graph *moduleGraph
}

func appendModule(ms []report.Module, m report.Module) []report.Module {
	for _, have := range ms {
		if have.Path == m.Path && have.Dir == m.Dir {
			return ms
		}
	}
	return append(ms, m)
}

func (r *run) moduleTime(m Module, d time.Duration) {
	for i := range r.rep.Modules {
		if r.rep.Modules[i].Path == m.Path {
			r.rep.Modules[i].Duration += report.Seconds(d)
		}
	}
}

func (r *run) progress(format string, args ...any) {
	el := time.Since(r.start).Truncate(time.Second)
	line := fmt.Sprintf("racecheck [%s] %s\n", el, fmt.Sprintf(format, args...))
	r.progressMu.Lock()
	defer r.progressMu.Unlock()
	io.WriteString(r.cfg.Progress, line)
}

// text removes absolute paths from free text.
func (r *run) text(s string) string {
	if r.paths == nil {
		return s
	}
	return r.paths.Text(s)
}

// add records a finding, merging it into an earlier one with the same
// fingerprint. Findings without a fingerprint get one from their kind,
// module, package, test, location and message.
func (r *run) add(f report.Finding) {
	if f.Count == 0 {
		f.Count = 1
	}
	if f.Fingerprint == "" {
		f.Fingerprint = report.Hash(string(f.Kind), f.Module, f.Package, f.Test, f.Location.Module, f.Location.File, f.Location.Function, f.Message)
	}
	if i, ok := r.findings[f.Fingerprint]; ok {
		have := &r.rep.Findings[i]
		have.Count += f.Count
		if have.Crasher == "" {
			have.Crasher = f.Crasher
		}
		return
	}
	r.findings[f.Fingerprint] = len(r.rep.Findings)
	r.rep.Findings = append(r.rep.Findings, f)
}

// reproduce is the command that replays something in module m:
// "cd <dir> && go <args>", with GOWORK=off when the module was run alone.
func (r *run) reproduce(ws Workspace, m Module, args ...string) string {
	cmd := gocmd.Quote(append([]string{"go"}, args...)...)
	if ws.GoWork == "" && ws.enclosingWork {
		cmd = "GOWORK=off " + cmd
	}
	if d := r.paths.Rel(m.Dir); d != "." {
		cmd = "cd " + gocmd.Quote(d) + " && " + cmd
	}
	return cmd
}

// replay is what a racecheck command needs to replay one run of a
// package: its GOMAXPROCS list, count, shuffle seed, perturbation seed and
// per-test limit.
type replay struct {
	cpu       string
	count     int
	shuffle   string
	seed      uint64
	testLimit time.Duration
}

// normalReplay is the replay of the normal run.
func (r *run) normalReplay() replay {
	return replay{cpu: r.cfg.CPU, count: r.cfg.Count, shuffle: r.shuffle, seed: r.cfg.StressSeed, testLimit: r.cfg.TestTimeout}
}

// racecheckReproduce is the racecheck command that replays one run of a
// package, for findings plain go test cannot show (leaks, hangs past the
// per-test limit, perturbed runs).
func (r *run) racecheckReproduce(ws Workspace, m Module, p *Package, rp replay) string {
	// A module of a workspace is run from the workspace's directory (run
	// from its own, it would be a lone module, without the workspace's
	// other modules), its package named by import path.
	dir, pattern := m.Dir, p.rel(m)
	if ws.GoWork != "" {
		dir, pattern = ws.Dir, p.ImportPath
	}
	args := []string{"racecheck", "run", "-fuzz=false", "-packages=" + pattern, fmt.Sprintf("-count=%d", rp.count), "-shuffle=" + rp.shuffle}
	if rp.cpu != "" {
		args = append(args, "-cpu="+rp.cpu)
	}
	if rp.seed != 0 {
		args = append(args, "-stress-seed="+strconv.FormatUint(rp.seed, 10))
	}
	if rp.testLimit > 0 {
		args = append(args, "-test-timeout="+rp.testLimit.String())
	}
	for _, fv := range [][2]string{{"-run=", r.cfg.Run}, {"-skip=", r.cfg.Skip}} {
		if fv[1] != "" {
			args = append(args, fv[0]+fv[1])
		}
	}
	if r.cfg.Timeout != 10*time.Minute {
		args = append(args, "-timeout="+r.cfg.Timeout.String())
	}
	return gocmd.Quote(append(args, r.paths.Rel(dir))...)
}

// locate is the location of a test function's declaration.
func (r *run) locate(fn Func) report.Location {
	return r.paths.Locate(fn.File, fn.Line, "", "")
}

// fallbackLocation is where a finding about a package points when nothing
// better is known: its TestMain, its first test, or its module's go.mod.
func (r *run) fallbackLocation(m Module, p *Package) report.Location {
	if p != nil {
		if p.TestMain != nil {
			return r.locate(*p.TestMain)
		}
		for _, fs := range [][]Func{p.Tests, p.Fuzz, p.Examples} {
			if len(fs) > 0 {
				return r.locate(fs[0])
			}
		}
	}
	return report.Location{Module: m.Path, File: "go.mod", Line: 1}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
