package runner

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/raceproof/raceproof/modules/racecheck/internal/racereport"
	"github.com/raceproof/raceproof/modules/racecheck/report"
)

// Target is one fuzz target.
type Target struct {
	Module  string `json:"module"`
	Package string `json:"package"`
	Name    string `json:"target"`
}

// target is a Target with what is needed to run it.
type target struct {
	Target
	ws     Workspace
	modDir string
	pkgDir string
}

var (
	fuzzNameRE   = regexp.MustCompile(`^Fuzz\w*$`)
	fuzzFuncRE   = regexp.MustCompile(`(?m)^func Fuzz\w*\(`)
	fuzzStatusRE = regexp.MustCompile(`fuzz: elapsed: (\d+)s, execs: (\d+) \((\d+)/sec\)(?:, new interesting: (\d+))?`)
	crasherRE    = regexp.MustCompile(`Failing input written to (\S+)`)
	rerunRE      = regexp.MustCompile(`^go test -run=(\S+)`)
	goFrameRE    = regexp.MustCompile(`^\s*(\S+\.go):(\d+)(?:\s|$)`)
	failMsgRE    = regexp.MustCompile(`^\s+\S+\.go:\d+: (.+)$`)
)

// List returns the fuzz targets of the workspaces rooted at dirs, sorted
// by module, package and name. Packages that do not build are skipped.
func List(ctx context.Context, goCmd string, dirs []string) ([]Target, error) {
	cfg := DefaultConfig()
	cfg.Go = goCmd
	cfg.Dirs = dirs
	cfg.Race = false
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	r := &run{cfg: cfg, rep: &report.Report{}, start: time.Now()}
	var all []target
	for _, d := range dirs {
		ws, err := Discover(ctx, goCmd, d)
		if err != nil {
			return nil, err
		}
		ts, err := r.listFuzz(ctx, ws)
		if err != nil {
			return nil, err
		}
		all = append(all, ts...)
	}
	sortTargets(all)
	out := make([]Target, len(all))
	for i, t := range all {
		out[i] = t.Target
	}
	return out, nil
}

// listFuzz enumerates the fuzz targets of every module with go test -list.
func (r *run) listFuzz(ctx context.Context, ws Workspace) ([]target, error) {
	var match *regexp.Regexp
	if r.cfg.FuzzMatch != "" {
		var err error
		if match, err = regexp.Compile(r.cfg.FuzzMatch); err != nil {
			return nil, fmt.Errorf("racecheck: fuzz-match: %w: %w", err, ErrInvalidConfig)
		}
	}
	var out []target
	for _, m := range ws.Modules {
		r.progress("listing fuzz targets in %s", m.Path)
		dirs, pkgs, err := fuzzPackages(ctx, r.cfg.Go, ws, m)
		if err != nil {
			return nil, err
		}
		if len(pkgs) == 0 {
			continue
		}
		args := []string{"test", "-json", "-list=^Fuzz"}
		if r.cfg.Race {
			args = append(args, "-race")
		}
		args = append(args, pkgs...)
		cmd := exec.CommandContext(ctx, r.cfg.Go, args...)
		cmd.Dir = m.Dir
		cmd.Env = ws.Env()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		b, runErr := cmd.Output()
		c := newCollector(r, m)
		for line := range bytes.SplitSeq(b, []byte("\n")) {
			var ev event
			if json.Unmarshal(line, &ev) != nil || ev.Action == "" {
				continue
			}
			switch ev.Action {
			case "output":
				name := strings.TrimSpace(ev.Output)
				if ev.Test == "" && fuzzNameRE.MatchString(name) && (match == nil || match.MatchString(name)) {
					out = append(out, target{
						Target: Target{Module: m.Path, Package: ev.Package, Name: name},
						ws:     ws, modDir: m.Dir, pkgDir: dirs[ev.Package],
					})
				}
			case "build-output", "build-fail":
				c.add(ev)
			case "fail":
				if ev.Test == "" {
					c.packages++
					if ev.FailedBuild != "" {
						c.buildError(ev.FailedBuild)
					}
				}
			}
		}
		if runErr != nil && len(b) == 0 {
			r.addError(report.Error{Kind: report.ErrorTool, Module: m.Path,
				Message: fmt.Sprintf("go %s in %s: %v", strings.Join(args, " "), r.rel(m.Dir), runErr), Output: stderr.String()})
		}
	}
	return out, nil
}

// sortTargets orders targets by module, package and name, the order
// shards are cut from.
func sortTargets(ts []target) {
	sort.SliceStable(ts, func(i, j int) bool {
		a, b := ts[i].Target, ts[j].Target
		if a.Module != b.Module {
			return a.Module < b.Module
		}
		if a.Package != b.Package {
			return a.Package < b.Package
		}
		return a.Name < b.Name
	})
}

// fuzzPackages maps each package of the module to its directory and
// returns, sorted, the packages whose test files declare a function whose
// name starts with Fuzz; only those are listed with go test -list.
func fuzzPackages(ctx context.Context, goCmd string, ws Workspace, m Module) (map[string]string, []string, error) {
	cmd := exec.CommandContext(ctx, goCmd, "list", "-e", "-json=ImportPath,Dir,TestGoFiles,XTestGoFiles", "./...")
	cmd.Dir = m.Dir
	cmd.Env = ws.Env()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		return nil, nil, fmt.Errorf("racecheck: go list in %s: %w: %s", m.Dir, err, strings.TrimSpace(stderr.String()))
	}
	dirs := map[string]string{}
	var candidates []string
	dec := json.NewDecoder(bytes.NewReader(b))
	for dec.More() {
		var p struct {
			ImportPath, Dir           string
			TestGoFiles, XTestGoFiles []string
		}
		if err := dec.Decode(&p); err != nil {
			return nil, nil, fmt.Errorf("racecheck: go list in %s: %w", m.Dir, err)
		}
		dirs[p.ImportPath] = p.Dir
		for _, f := range append(p.TestGoFiles, p.XTestGoFiles...) {
			src, err := os.ReadFile(filepath.Join(p.Dir, f))
			if err == nil && fuzzFuncRE.Match(src) {
				candidates = append(candidates, p.ImportPath)
				break
			}
		}
	}
	sort.Strings(candidates)
	return dirs, candidates, nil
}

// fuzzAll runs the targets of this shard one at a time within the budget.
func (r *run) fuzzAll(ctx context.Context, all []target) error {
	var mine []target
	for k, t := range all {
		if r.cfg.Shard.Has(k) {
			mine = append(mine, t)
		}
	}
	r.progress("fuzzing %d of %d targets (shard %v), fuzztime %v each", len(mine), len(all), r.cfg.Shard, r.cfg.FuzzTime)
	budgetStart := time.Now()
	for i, t := range mine {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("racecheck: %w", err)
		}
		ft := r.cfg.FuzzTime
		if r.cfg.FuzzBudget > 0 && ft.Execs == 0 {
			share := (r.cfg.FuzzBudget - time.Since(budgetStart)) / time.Duration(len(mine)-i)
			if share < time.Second {
				r.rep.Fuzz = append(r.rep.Fuzz, report.FuzzResult{
					Module: t.Module, Package: t.Package, Target: t.Name, Status: report.StatusSkip,
					FuzzTime: "0s", Message: fmt.Sprintf("fuzz budget %v exhausted", r.cfg.FuzzBudget),
				})
				r.progress("fuzz [%d/%d] %s.%s: skipped, budget exhausted", i+1, len(mine), t.Package, t.Name)
				continue
			}
			if share < ft.Duration {
				ft.Duration = share.Round(time.Millisecond)
			}
		}
		r.progress("fuzz [%d/%d] %s.%s for %v", i+1, len(mine), t.Package, t.Name, ft)
		res, err := r.fuzzOne(ctx, t, ft)
		if err != nil {
			return err
		}
		for attempt := 1; attempt < maxFuzzAttempts && workerFlake(res); attempt++ {
			r.progress("fuzz [%d/%d] %s.%s: %s, no input recorded; running it again", i+1, len(mine), t.Package, t.Name, res.Message)
			if res, err = r.fuzzOne(ctx, t, ft); err != nil {
				return err
			}
		}
		status := "ok"
		if res.Status == report.StatusFail {
			status = "FAIL"
			if res.Crasher != "" {
				status += ", crasher " + res.Crasher
			}
		}
		r.progress("fuzz [%d/%d] %s.%s: %s, %d execs, %d new corpus entries", i+1, len(mine), t.Package, t.Name, status, res.Execs, res.NewCorpus)
		r.rep.Fuzz = append(r.rep.Fuzz, res)
	}
	return nil
}

// fuzzOne runs one target: go test -run '^$' -fuzz '^Name$' -fuzztime T.
func (r *run) fuzzOne(ctx context.Context, t target, ft FuzzTime) (report.FuzzResult, error) {
	res := report.FuzzResult{Module: t.Module, Package: t.Package, Target: t.Name, FuzzTime: ft.String(), Status: report.StatusPass}
	logDir, err := os.MkdirTemp("", "racecheck-fuzz-")
	if err != nil {
		return res, fmt.Errorf("racecheck: %w", err)
	}
	defer os.RemoveAll(logDir)
	args := []string{"test", "-run=^$", "-fuzz=^" + t.Name + "$", "-fuzztime=" + ft.String()}
	if r.cfg.Race {
		args = append(args, "-race")
	}
	if r.cfg.FuzzWorkers > 0 {
		args = append(args, fmt.Sprintf("-parallel=%d", r.cfg.FuzzWorkers))
	}
	args = append(args, t.Package)
	cmd := exec.CommandContext(ctx, r.cfg.Go, args...)
	cmd.Dir = t.modDir
	cmd.Env = r.goraceEnv(t.ws.Env(), logDir)
	pr, pw := io.Pipe()
	cmd.Stdout = pw
	cmd.Stderr = pw
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return res, fmt.Errorf("racecheck: go test -fuzz: %w", err)
	}
	var (
		out  strings.Builder
		wg   sync.WaitGroup
		last time.Time
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
		for sc.Scan() {
			line := sc.Text()
			if out.Len() < maxOutput {
				out.WriteString(line + "\n")
			}
			if m := fuzzStatusRE.FindStringSubmatch(line); m != nil {
				res.Execs, _ = strconv.ParseInt(m[2], 10, 64)
				if m[4] != "" {
					res.NewCorpus, _ = strconv.Atoi(m[4])
				}
				if time.Since(last) >= 3*time.Second {
					last = time.Now()
					r.progress("  %s: elapsed %ss, %s execs (%s/sec), %d new", t.Name, m[1], m[2], m[3], res.NewCorpus)
				}
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	waitErr := cmd.Wait()
	pw.Close()
	wg.Wait()
	res.Duration = report.Seconds(time.Since(t0))
	if ctx.Err() != nil {
		return res, fmt.Errorf("racecheck: fuzz %s: %w", t.Name, ctx.Err())
	}
	text := out.String()
	races, err := readRaceLogs(logDir)
	if err != nil {
		return res, err
	}
	if waitErr == nil {
		r.addRaces(races, t)
		return res, nil
	}
	res.Status = report.StatusFail
	res.Output = text
	if strings.Contains(text, "[build failed]") || strings.Contains(text, "[setup failed]") {
		res.Message = "build failed"
		r.addError(report.Error{Kind: report.ErrorBuild, Module: t.Module, Package: t.Package, Message: "build failed: " + t.Package, Output: text})
		return res, nil
	}
	res.Message = failureMessage(text)
	if m := crasherRE.FindStringSubmatch(text); m != nil {
		res.Crasher = r.rel(filepath.Join(t.pkgDir, filepath.FromSlash(m[1])))
	}
	rerunArg := ""
	for l := range strings.SplitSeq(text, "\n") {
		if m := rerunRE.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			rerunArg = m[1]
		}
	}
	res.Location = r.failureLocation(text, t.modDir)
	res.Race = len(races) > 0 || strings.Contains(text, "race detected") || strings.Contains(text, "DATA RACE")
	if rerunArg != "" {
		race := ""
		if res.Race {
			race = "-race "
		}
		res.Rerun = fmt.Sprintf("go test %s-run='%s' %s", race, anchored(rerunArg), t.Package)
	}
	if res.Race && rerunArg != "" {
		r.progress("  %s: race in fuzzing; re-running the crasher under -race for stacks", t.Name)
		more, err := r.rerunRace(ctx, t, anchored(rerunArg))
		if err != nil {
			return res, err
		}
		races = append(races, more...)
	}
	r.addRaces(races, t)
	return res, nil
}

// maxFuzzAttempts bounds how often a target is run when its runs fail in a
// way workerFlake attributes to the go command rather than to the target.
const maxFuzzAttempts = 3

// workerFlake reports whether a fuzz failure came from the go command's
// fuzzing coordinator rather than from the target, with no failing input
// written: a worker process lost (workers get one second to stop, which an
// overloaded machine can miss), or the bare "context deadline exceeded"
// failure the coordinator sometimes reports when -fuzztime runs out. Such a
// run is retried rather than reported as a crash.
func workerFlake(res report.FuzzResult) bool {
	return res.Status == report.StatusFail && res.Crasher == "" && !res.Race && res.Message != "build failed" &&
		(strings.Contains(res.Output, "fuzzing process hung or terminated unexpectedly") ||
			strings.Contains(res.Output, "fuzzing process terminated by unexpected signal") ||
			strings.Contains(res.Output, "communicating with fuzzing process") ||
			deadlineOnly(res.Output))
}

// deadlineOnly reports whether the only failure message in a fuzz run's
// output is "context deadline exceeded" directly under the target's
// "--- FAIL" line.
func deadlineOnly(out string) bool {
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "--- FAIL: Fuzz") {
			return i+1 < len(lines) && strings.TrimSpace(lines[i+1]) == "context deadline exceeded" &&
				(i+2 >= len(lines) || !strings.HasPrefix(lines[i+2], "    "))
		}
	}
	return false
}

// anchored turns go's "FuzzX/abc123" hint into "^FuzzX$/^abc123$".
func anchored(run string) string {
	parts := strings.Split(run, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

func (r *run) rerunRace(ctx context.Context, t target, run string) ([]report.Race, error) {
	logDir, err := os.MkdirTemp("", "racecheck-rerun-")
	if err != nil {
		return nil, fmt.Errorf("racecheck: %w", err)
	}
	defer os.RemoveAll(logDir)
	cmd := exec.CommandContext(ctx, r.cfg.Go, "test", "-race", "-count=1", "-run="+run, t.Package)
	cmd.Dir = t.modDir
	cmd.Env = r.goraceEnv(t.ws.Env(), logDir)
	_ = cmd.Run() // the crasher is expected to fail; the race logs are what we want
	return readRaceLogs(logDir)
}

func (r *run) addRaces(races []report.Race, t target) {
	for i := range races {
		races[i].Source = "fuzz"
		racereport.Attribute(&races[i], t.Module)
		if races[i].Test == "" {
			races[i].Test = t.Name
		}
	}
	r.rep.Races = mergeRaces(r.rep.Races, races)
}

// failureMessage is the first "file.go:N: message" line of a failure, or the
// panic line.
func failureMessage(text string) string {
	for l := range strings.SplitSeq(text, "\n") {
		if m := failMsgRE.FindStringSubmatch(l); m != nil {
			return strings.TrimSpace(m[1])
		}
	}
	for l := range strings.SplitSeq(text, "\n") {
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "panic: ") {
			return t
		}
	}
	return "fuzz target failed"
}

// failureLocation is the first stack frame of the failure output that lies
// in the module directory.
func (r *run) failureLocation(text, modDir string) *report.Frame {
	for l := range strings.SplitSeq(text, "\n") {
		m := goFrameRE.FindStringSubmatch(l)
		if m == nil || !filepath.IsAbs(m[1]) {
			continue
		}
		if rel(modDir, m[1]) == m[1] {
			continue
		}
		n, _ := strconv.Atoi(m[2])
		return &report.Frame{File: r.rel(m[1]), Line: n}
	}
	return nil
}
