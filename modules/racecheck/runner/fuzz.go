package runner

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/raceproof/raceproof/modules/racecheck/internal/gocmd"
	"github.com/raceproof/raceproof/modules/racecheck/internal/racereport"
	"github.com/raceproof/raceproof/modules/racecheck/report"
)

// Target is one fuzz target.
type Target struct {
	Module  string `json:"module"`
	Package string `json:"package"`
	Name    string `json:"target"`
}

// fuzzTarget is a Target with what is needed to run it.
type fuzzTarget struct {
	Target
	mp  *modulePackages
	pkg *Package
}

var (
	fuzzStatusRE = regexp.MustCompile(`^fuzz: elapsed: \S+, execs: (\d+) \(\S+/sec\)(?:, new interesting: (\d+))?`)
	baselineRE   = regexp.MustCompile(`^fuzz: elapsed: \S+, (?:gathering baseline coverage|testing seed corpus): \d+/\d+ completed, now fuzzing`)
	crasherRE    = regexp.MustCompile(`Failing input written to (\S+)`)
	seedFailRE   = regexp.MustCompile(`^failure while testing seed corpus entry: (\S+)/(\S+)$`)
)

// emptyCorpusLine is what the fuzzing engine prints instead of its baseline
// coverage lines when a target has no seeds and nothing cached: there is no
// baseline to gather, and fuzzing starts at once.
const emptyCorpusLine = "warning: starting with empty corpus"

// fuzzTargets returns the fuzz targets of every package that FuzzMatch
// selects, sorted by module, package and name (the order shards are cut
// from).
func (r *run) fuzzTargets(all []*modulePackages) []fuzzTarget {
	match := regexp.MustCompile(r.cfg.FuzzMatch) // checked by Validate
	var out []fuzzTarget
	for _, mp := range all {
		for _, p := range mp.pkgs {
			for _, fn := range p.Fuzz {
				if match.MatchString(fn.Name) {
					out = append(out, fuzzTarget{Target{Module: mp.m.Path, Package: p.ImportPath, Name: fn.Name}, mp, p})
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Target, out[j].Target
		if a.Module != b.Module {
			return a.Module < b.Module
		}
		if a.Package != b.Package {
			return a.Package < b.Package
		}
		return a.Name < b.Name
	})
	return out
}

// fuzzAll fuzzes this shard's targets one at a time. Each package's fuzz
// binary is built once, before its first target, and the build time is
// not charged to the budget: each target gets an equal share of the
// fuzzing time that is left.
func (r *run) fuzzAll(ctx context.Context, all []*modulePackages) error {
	targets := r.fuzzTargets(all)
	var mine []fuzzTarget
	for k, t := range targets {
		if r.cfg.Shard.Has(k) {
			mine = append(mine, t)
		}
	}
	race := r.cfg.FuzzRace
	mode := "without the race detector"
	if race {
		mode = "under the race detector"
	}
	r.progress("fuzzing %d of %d targets (shard %v), %v each, %s", len(mine), len(targets), r.cfg.Shard, r.cfg.FuzzTime, mode)
	dir, err := os.MkdirTemp(r.tmp, "fuzz-")
	if err != nil {
		return fmt.Errorf("racecheck: %w", err)
	}
	defer os.RemoveAll(dir)
	var (
		spent     time.Duration
		binaries  = map[string]string{}
		buildTime = map[string]time.Duration{}
	)
	for i, t := range mine {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("racecheck: %w", err)
		}
		res := report.FuzzResult{Module: t.Module, Package: t.Package, Target: t.Name, Race: race}
		if _, built := binaries[t.Package]; !built && !r.broken[t.Package] {
			bin, d, err := r.buildFuzz(ctx, t, dir, race)
			if err != nil {
				return err
			}
			binaries[t.Package], buildTime[t.Package] = bin, d
			res.BuildDuration = report.Seconds(d)
		}
		if r.broken[t.Package] || binaries[t.Package] == "" {
			res.Status, res.Reason = report.FuzzNotRun, "its package does not build (see the build finding)"
			r.rep.Fuzz = append(r.rep.Fuzz, res)
			r.progress("fuzz [%d/%d] %s.%s: not run, the package does not build", i+1, len(mine), t.Package, t.Name)
			continue
		}
		ft := r.cfg.FuzzTime
		if r.cfg.FuzzBudget > 0 && ft.Execs == 0 {
			// An equal share of what is left, but at least a second: a
			// budget too small for every target fuzzes the first ones
			// and skips the rest, rather than skip them all.
			left := r.cfg.FuzzBudget - spent
			share := left / time.Duration(len(mine)-i)
			if share < time.Second {
				share = min(left, time.Second)
			}
			if share < time.Second {
				res.Status, res.Reason = report.FuzzSkipped, fmt.Sprintf("the fuzz budget of %v was spent on the %d target(s) before it (at least 1s each)", r.cfg.FuzzBudget, i)
				res.FuzzTime = "0s"
				r.rep.Fuzz = append(r.rep.Fuzz, res)
				r.progress("fuzz [%d/%d] %s.%s: skipped, budget spent", i+1, len(mine), t.Package, t.Name)
				continue
			}
			ft.Duration = min(ft.Duration, share.Round(time.Millisecond))
		}
		res.FuzzTime = ft.String()
		r.progress("fuzz [%d/%d] %s.%s for %v", i+1, len(mine), t.Package, t.Name, ft)
		fr, err := r.fuzzOne(ctx, t, binaries[t.Package], ft, &res)
		var lost time.Duration // fuzzing time of the attempts the engine lost
		for attempt := 1; err == nil && attempt < maxFuzzAttempts && fr.failed && workerFlake(fr); attempt++ {
			r.progress("  %s: the fuzzing engine lost a worker, no input recorded; running it again", t.Name)
			lost += time.Duration(res.Duration)
			res = report.FuzzResult{Module: t.Module, Package: t.Package, Target: t.Name, Race: race, FuzzTime: ft.String(), BuildDuration: res.BuildDuration}
			fr, err = r.fuzzOne(ctx, t, binaries[t.Package], ft, &res)
		}
		if err != nil {
			return err
		}
		switch {
		case fr.overran > 0:
			r.fuzzOverrun(t, fr, &res)
		case fr.failed:
			r.fuzzFailure(t, fr.text, fr.races, &res)
		}
		// The target's time includes the attempts run again, as the
		// budget does: the report adds up to what was spent.
		res.Duration += report.Seconds(lost)
		spent += time.Duration(res.Duration)
		r.rep.Fuzz = append(r.rep.Fuzz, res)
		r.progress("fuzz [%d/%d] %s.%s: %s, %s, %d new corpus entries", i+1, len(mine), t.Package, t.Name,
			fuzzStatusText(res), execsText(res), res.NewCorpus)
	}
	return nil
}

// fuzzRun is the outcome of one fuzzing run before it is judged.
type fuzzRun struct {
	text   string
	races  []racereport.Race
	failed bool
	// overran is set when racecheck stopped the binary for outliving its
	// -test.timeout (overrunLimit): the testing package arms that alarm
	// only in m.Run, so a TestMain blocked before it never fuzzes.
	overran time.Duration
}

func fuzzStatusText(res report.FuzzResult) string {
	if res.Reason != "" {
		return string(res.Status) + " (" + res.Reason + ")"
	}
	return string(res.Status)
}

func execsText(res report.FuzzResult) string {
	if !res.ExecsExact {
		return fmt.Sprintf("at least %d execs", res.Execs)
	}
	return fmt.Sprintf("%d execs", res.Execs)
}

// buildFuzz builds a package's fuzz binary (coverage-instrumented), saying
// so first: a race-instrumented build of a large package takes a while.
func (r *run) buildFuzz(ctx context.Context, t fuzzTarget, dir string, race bool) (string, time.Duration, error) {
	r.progress("fuzz: building the fuzz test binary of %s", t.Package)
	t0 := time.Now()
	flags := []string{"-fuzz=."}
	if race {
		flags = append(flags, "-race")
	}
	built, err := r.buildTests(ctx, t.mp.ws, t.mp.m, []*Package{t.pkg}, filepath.Join(dir, fmt.Sprint(len(r.rep.Fuzz))), nil, flags...)
	d := time.Since(t0)
	if err != nil {
		return "", d, err
	}
	r.addBuildFindings(t.mp.ws, t.mp.m, []*Package{t.pkg}, built)
	r.progress("fuzz: built in %v", d.Round(100*time.Millisecond))
	return built.binaries[t.Package], d, nil
}

// fuzzOne runs one target's fuzz binary and fills in res: the status when
// the run did not fail, and the counts either way.
func (r *run) fuzzOne(ctx context.Context, t fuzzTarget, bin string, ft FuzzTime, res *report.FuzzResult) (fuzzRun, error) {
	logDir, err := os.MkdirTemp(r.tmp, "fuzzrace-")
	if err != nil {
		return fuzzRun{}, fmt.Errorf("racecheck: %w", err)
	}
	defer os.RemoveAll(logDir)
	timeout := r.cfg.Timeout
	if ft.Duration > 0 && timeout > 0 {
		timeout = max(timeout, 2*ft.Duration+time.Minute)
	}
	args := []string{"-test.paniconexit0", "-test.timeout=" + timeout.String(), "-test.run=^$",
		"-test.fuzz=^" + regexp.QuoteMeta(t.Name) + "$", "-test.fuzztime=" + ft.String(),
		"-test.fuzzcachedir=" + filepath.Join(r.gocache, "fuzz", t.Package)}
	if r.cfg.FuzzWorkers > 0 {
		args = append(args, fmt.Sprintf("-test.parallel=%d", r.cfg.FuzzWorkers))
	}
	if !r.cfg.FuzzMinimize {
		args = append(args, "-test.fuzzminimizetime=0")
	}
	pr, pw := io.Pipe()
	cmd := gocmd.Invocation{Path: bin, Args: args, Env: gocmd.Environ(nil, r.goraceOption(logDir)), Dir: t.pkg.Dir}.Command(ctx)
	cmd.Stdout, cmd.Stderr = pw, pw
	var (
		out      strings.Builder
		wg       sync.WaitGroup
		last     time.Time
		crashing bool
		// failedText: the engine said the target failed, whatever the exit
		// status (a TestMain that ignores m.Run's exits 0 after it).
		failedText bool
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		for sc.Scan() {
			line := sc.Text()
			if out.Len() < maxFindingBytes {
				out.WriteString(line + "\n")
			}
			switch {
			case fuzzStatusRE.MatchString(line):
				m := fuzzStatusRE.FindStringSubmatch(line)
				res.Execs, _ = strconv.ParseInt(m[1], 10, 64)
				res.ExecsExact = !crashing
				if m[2] != "" {
					res.NewCorpus, _ = strconv.Atoi(m[2])
				}
				if time.Since(last) >= 3*time.Second {
					last = time.Now()
					r.progress("  %s: %s", t.Name, strings.TrimPrefix(line, "fuzz: "))
				}
			case baselineRE.MatchString(line), line == emptyCorpusLine:
				res.Baseline = true
			case line == "--- FAIL: "+t.Name || strings.HasPrefix(line, "--- FAIL: "+t.Name+" ") || crasherRE.MatchString(line):
				failedText = true
			case strings.HasPrefix(line, "fuzz: minimizing"):
				crashing = true
				res.ExecsExact = false
				r.progress("  %s: found a failing input; minimizing it", t.Name)
			}
		}
		io.Copy(io.Discard, pr)
	}()
	t0 := time.Now()
	waitErr := cmd.Start()
	var overran atomic.Bool
	if waitErr == nil {
		stop := func() bool { return false }
		if timeout > 0 {
			stop = time.AfterFunc(overrunLimit(timeout), func() {
				overran.Store(true)
				stopWithDump(cmd)
			}).Stop
		}
		waitErr = cmd.Wait()
		stop()
	}
	res.Duration = report.Seconds(time.Since(t0))
	pw.Close()
	wg.Wait()
	if ctx.Err() != nil {
		return fuzzRun{}, fmt.Errorf("racecheck: fuzzing %s: %w", t.Name, ctx.Err())
	}
	fr := fuzzRun{text: out.String()}
	if overran.Load() {
		fr.overran = overrunLimit(timeout)
	}
	if fr.races, err = readRaceLogs(logDir); err != nil {
		return fr, err
	}
	if waitErr != nil || len(fr.races) > 0 || failedText || fr.overran > 0 {
		fr.failed = true
		return fr, nil
	}
	res.Status = report.FuzzOK
	switch {
	case !res.Baseline:
		res.Status, res.Reason = report.FuzzIncomplete, "the baseline coverage (the seed corpus run) did not finish in the fuzz time"
	case res.Execs < minExecs(r.cfg.FuzzMinExecs, ft):
		res.Status = report.FuzzIncomplete
		res.Reason = fmt.Sprintf("only %d executions, fewer than the minimum of %d", res.Execs, minExecs(r.cfg.FuzzMinExecs, ft))
	}
	return fr, nil
}

// minExecs is the number of executions a fuzz run needs to be ok: the
// -fuzz-min-execs floor, or the executions -fuzztime Nx asked for when
// that is fewer (the engine runs exactly N).
func minExecs(floor int64, ft FuzzTime) int64 {
	if ft.Execs > 0 {
		return min(floor, int64(ft.Execs))
	}
	return floor
}

// fuzzFailure turns a failed fuzz run into its finding and status.
func (r *run) fuzzFailure(t fuzzTarget, text string, races []racereport.Race, res *report.FuzzResult) {
	c := classifier{r: r, ws: t.mp.ws, m: t.mp.m, pkg: t.pkg, replay: r.normalReplay()}
	crasher := ""
	if m := crasherRE.FindStringSubmatch(text); m != nil {
		crasher = filepath.Join(t.pkg.Dir, filepath.FromSlash(m[1]))
	}
	seedInput := ""
	for l := range strings.SplitSeq(text, "\n") {
		if m := seedFailRE.FindStringSubmatch(strings.TrimSpace(l)); m != nil && m[1] == t.Name {
			seedInput = m[2]
			if f := filepath.Join(t.pkg.Dir, "testdata", "fuzz", t.Name, m[2]); fileExists(f) {
				crasher = f
			}
		}
	}
	res.Status = report.FuzzCrash
	switch {
	case len(races) > 0:
		res.Finding = r.fuzzRaces(t, c, text, races, crasher)
		res.Reason = "a data race while fuzzing"
	case crasher != "":
		f := c.fuzzCrashFinding(t.Name, crasher, text, res.Race)
		f.Output = r.text(capText(text, maxFindingBytes))
		r.add(f)
		res.Finding, res.Reason = f.Fingerprint, "failing input "+f.Crasher
	case seedInput != "":
		// A seed from f.Add: the normal test run fails on it too, as the
		// subtest Target/seed#N, and this finding merges with that one.
		st := &testState{name: t.Name + "/" + seedInput}
		f := c.testFailure(st, text)
		f.Reproduce = r.reproduce(t.mp.ws, t.mp.m, r.testReproduceArgs(res.Race, t.pkg.rel(t.mp.m))...)
		f.Output = r.text(capText(text, maxFindingBytes))
		r.add(f)
		res.Finding, res.Reason = f.Fingerprint, "seed corpus entry "+seedInput+" fails"
	default:
		res.Status = report.FuzzFailed
		f := report.Finding{Kind: report.KindFuzzFailure, Module: t.Module, Package: t.Package, Test: t.Name,
			Output: r.text(capText(text, maxFindingBytes))}
		f.Location, f.Message = c.failurePlace(text, t.Name)
		f.Message = "fuzzing failed without a failing input: " + f.Message
		f.Reproduce = r.fuzzReproduce(t, *res)
		f.Fingerprint = report.Hash(string(report.KindFuzzFailure), t.Module, t.Package, t.Name)
		r.add(f)
		res.Finding, res.Reason = f.Fingerprint, f.Message
	}
}

// fuzzRaces adds the findings of the races a fuzz run logged, replayed
// with the failing input when there is one, and returns the last one's
// fingerprint.
func (r *run) fuzzRaces(t fuzzTarget, c classifier, text string, races []racereport.Race, crasher string) string {
	fingerprint := ""
	for _, rc := range races {
		f := racereport.Finding(rc, r.paths, t.Module, t.Package)
		if f.Test == "" {
			f.Test = t.Name
		}
		if f.Location.File == "" {
			f.Location = c.declOr(t.Name)
		}
		run := "-run=^" + t.Name + "$"
		if crasher != "" {
			f.Crasher = r.paths.Locate(crasher, 0, "", "").File
			run += "/^" + regexp.QuoteMeta(filepath.Base(crasher)) + "$"
		}
		f.Reproduce = r.reproduce(t.mp.ws, t.mp.m, "test", "-race", run, t.pkg.rel(t.mp.m))
		f.Output = r.text(capText(text, maxFindingBytes))
		r.add(f)
		fingerprint = f.Fingerprint
	}
	return fingerprint
}

// fuzzReproduce is the go test command that fuzzes t as res did.
func (r *run) fuzzReproduce(t fuzzTarget, res report.FuzzResult) string {
	args := []string{"test", "-run=^$", "-fuzz=^" + t.Name + "$", "-fuzztime=" + res.FuzzTime}
	if res.Race {
		args = append(args, "-race")
	}
	if r.cfg.Timeout != 10*time.Minute {
		args = append(args, "-timeout="+r.cfg.Timeout.String())
	}
	return r.reproduce(t.mp.ws, t.mp.m, append(args, t.pkg.rel(t.mp.m))...)
}

// fuzzOverrun is the finding for a fuzz binary racecheck stopped for
// outliving its -test.timeout: blocked before fuzzing began (in TestMain or
// init), since the fuzzing engine stops at -fuzztime. Whatever races it
// logged are reported too.
func (r *run) fuzzOverrun(t fuzzTarget, fr fuzzRun, res *report.FuzzResult) {
	c := classifier{r: r, ws: t.mp.ws, m: t.mp.m, pkg: t.pkg, replay: r.normalReplay()}
	r.fuzzRaces(t, c, fr.text, fr.races, "")
	f := c.overrun(r.text(capText(fr.text, maxFindingBytes)), fr.overran, nil, nil)
	f.Test = t.Name
	f.Message = strings.Replace(f.Message, "the test binary", "the fuzz binary of "+t.Name, 1)
	f.Fingerprint = report.Hash(string(report.KindTimeout), t.Module, t.Package, t.Name, "fuzz overrun")
	f.Reproduce = r.fuzzReproduce(t, *res)
	r.add(f)
	res.Status = report.FuzzFailed
	res.Finding, res.Reason = f.Fingerprint, "stopped after "+fr.overran.String()+": it never began fuzzing, or never ended"
}

// maxFuzzAttempts bounds how often a target is run when its runs fail in a
// way workerFlake attributes to the fuzzing engine rather than the target.
const maxFuzzAttempts = 3

// workerFlake reports whether a fuzz run failed in the fuzzing engine
// rather than in the target, with no failing input written: a worker
// process lost (workers get one second to stop, which an overloaded machine
// can miss), or the bare "context deadline exceeded" the coordinator
// sometimes reports when -fuzztime runs out.
func workerFlake(fr fuzzRun) bool {
	out := fr.text
	return len(fr.races) == 0 && !crasherRE.MatchString(out) && !strings.Contains(out, "failure while testing seed corpus entry") &&
		(strings.Contains(out, "fuzzing process hung or terminated unexpectedly") ||
			strings.Contains(out, "fuzzing process terminated by unexpected signal") ||
			strings.Contains(out, "communicating with fuzzing process") ||
			deadlineOnly(out))
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
