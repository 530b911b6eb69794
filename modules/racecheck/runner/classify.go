package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/raceproof/raceproof/modules/racecheck/internal/racereport"
	"github.com/raceproof/raceproof/modules/racecheck/internal/srcpath"
	"github.com/raceproof/raceproof/modules/racecheck/internal/stack"
	"github.com/raceproof/raceproof/modules/racecheck/report"
)

// classifier turns one test binary run into test results and findings.
type classifier struct {
	r   *run
	ws  Workspace
	m   Module
	pkg *Package
	// reproduce is the command that replays the whole package run.
	reproduce string
	// replay is how racecheck replays it, for findings go test cannot show.
	replay replay
}

// verdict is what one binary run contributes to the report.
type verdict struct {
	tests    []report.Test
	findings []report.Finding
}

// eventLog is what the test2json events of one binary run say, taken in as
// they arrive: each test's state and the tail of its output, and the
// package's, so that memory stays bounded however much the tests print.
type eventLog struct {
	states map[string]*testState
	order  []*testState // in start order
	pkgOut tailBuffer   // output outside any test
	// slowest is the longest a single test ran; topLevel the time of all
	// top-level tests.
	slowest, topLevel time.Duration
}

func newEventLog() *eventLog { return &eventLog{states: map[string]*testState{}} }

func (l *eventLog) observe(ev testEvent) {
	if ev.Test == "" {
		if ev.Action == "output" {
			l.pkgOut.WriteString(ev.Output)
		}
		return
	}
	st := l.states[ev.Test]
	if st == nil {
		st = &testState{name: ev.Test}
		l.states[ev.Test] = st
		l.order = append(l.order, st)
	}
	elapsed := time.Duration(ev.Elapsed * float64(time.Second))
	switch ev.Action {
	case "run":
		st.started = true
	case "output":
		st.out.WriteString(ev.Output)
		if !strings.HasPrefix(ev.Output, "=== ") {
			st.lastOut = ev.Time
		}
	case "pass", "skip":
		if st.status != "fail" {
			st.status = ev.Action
		}
		st.elapsed += ev.Elapsed
	case "fail":
		st.status = "fail"
		st.elapsed += ev.Elapsed
	}
	switch ev.Action {
	case "pass", "fail":
		l.slowest = max(l.slowest, elapsed)
	}
	switch ev.Action {
	case "pass", "fail", "skip":
		if !strings.Contains(ev.Test, "/") {
			l.topLevel += elapsed
		}
	}
}

// testState accumulates the events of one test or subtest.
type testState struct {
	name    string
	started bool
	// status is pass, fail or skip, or "" while the test never finished.
	status  string
	out     tailBuffer
	elapsed float64
	// lastOut is when the test last printed something of its own (not a
	// "=== RUN/PAUSE/CONT" line).
	lastOut time.Time
	note    string
}

const (
	timedOutMarker  = "panic: test timed out after "
	raceInTest      = "race detected during execution of test"
	maxFindingBytes = 64 << 10
)

var (
	runningTestRE  = regexp.MustCompile(`^\s+(\S+) \(([^)]*)\)$`)
	failureLineRE  = regexp.MustCompile(`^\s+(\S+\.go):(\d+): (.*)$`)
	packageFuncRE  = regexp.MustCompile(`\.init(\.\d+)?$`)
	rejectedFlagRE = regexp.MustCompile(`^(flag provided but not defined|invalid value|testing: invalid|testing: -)`)
)

func (c *classifier) classify(res binaryRun) verdict {
	states, order, pkgOut := res.log.states, res.log.order, &res.log.pkgOut

	var findings []report.Finding
	addFinding := func(f report.Finding) {
		if f.Reproduce == "" {
			f.Reproduce = c.reproduce
		}
		f.Output = c.r.text(capText(f.Output, maxFindingBytes))
		findings = append(findings, f)
	}
	// A binary that exits 0 while a test has started and not finished ended
	// the process from inside it (syscall.Exit(0), a TestMain ignoring
	// m.Run's status after a lost "--- FAIL" line): go test says ok, but
	// that test's verdict and every test after it are lost.
	died := res.exit != 0 || lastActive(order) != nil
	excused := false // an example failed only by the injected TestMain's frame

	// Races, attributed by their stacks.
	var races []report.Finding
	attributed := map[string]bool{}
	for _, rc := range res.races {
		f := racereport.Finding(rc, c.r.paths, c.m.Path, c.pkg.ImportPath)
		if f.Location.File == "" {
			f.Location = c.r.fallbackLocation(c.m, c.pkg)
		}
		races = append(races, f)
		if f.Test != "" {
			attributed[f.Test] = true
		}
	}

	// The binary died: a timeout, a panic, or an exit in the middle of a test.
	// The deadlock and timeout markers count only when the binary died: a
	// test that passes may print such a line itself.
	notRun := c.notRun(states)
	exited := res.exit != 0
	if text, _, ok := findOutput(order, pkgOut, func(l string) bool { return strings.HasPrefix(l, deadlockMarker) }); ok && exited {
		addFinding(c.deadlock(text, notRun))
	} else if res.hung != "" {
		text, _, _ := findOutput(order, pkgOut, func(l string) bool { return strings.HasPrefix(l, "SIGQUIT: quit") })
		addFinding(c.hang(text, res.hung, res.limit, notRun))
	} else if text, _, ok := findOutput(order, pkgOut, func(l string) bool { return strings.HasPrefix(l, timedOutMarker) }); ok && exited {
		addFinding(c.timeout(text, notRun))
	} else if res.overran > 0 {
		text, _, _ := findOutput(order, pkgOut, func(l string) bool { return strings.HasPrefix(l, "SIGQUIT: quit") })
		addFinding(c.overrun(text, res.overran, lastActive(order), notRun))
	} else if text, owner, ok := findOutput(order, pkgOut, isPanicLine); ok && died {
		addFinding(c.panicked(text, owner, states, order, notRun))
	}

	// Failed tests: races, fuzz inputs, assertions. The death of the binary
	// explains every failure of the top-level test it happened in (go test
	// marks its running subtests failed too); each other failed test is a
	// finding of its own, down to the last failing row of a table.
	covered := map[string]bool{}
	for _, f := range findings {
		if f.Test != "" {
			covered[topName(f.Test)] = true
		}
	}
	for _, st := range order {
		if st.status != "fail" || covered[topName(st.name)] || hasFailedChild(st.name, order) {
			continue
		}
		out := st.out.String()
		if onlyRaceFailure(out) && len(races) > 0 {
			top := topName(st.name)
			switch {
			case attributed[top]:
			case anyUnattributed(races):
				for i := range races {
					if races[i].Test == "" {
						races[i].Test = top
						races[i].Message += " [" + top + ", the test running when it was detected]"
					}
				}
				attributed[top] = true
			default:
				st.status = "pass"
				st.note = "go test failed it only because the race detector fired while it ran; by their stack frames the races belong to " + strings.Join(sortedKeys(attributed), ", ")
			}
			continue
		}
		if f, ok := c.fuzzSeedCrash(st.name, out); ok {
			addFinding(f)
			continue
		}
		if c.differsOnlyByInjectedTestMain(out) {
			excused = true
			st.status = "pass"
			st.note = "passes under go test: its output differs from its // Output comment only by the TestMain frame racecheck adds for leak detection"
			c.r.note(c.m, c.pkg, fmt.Sprintf("%s prints its call stack, which includes the TestMain racecheck adds to %s for leak detection; "+
				"racecheck ignored that one frame. Call os.Exit(leakcheck.Run(m)) from a TestMain of your own (package %s), or run with -leaks=false, to avoid it",
				st.name, c.pkg.ImportPath, leakcheckPath))
			continue
		}
		addFinding(c.testFailure(st, out))
	}

	// An example failed only by the injected TestMain's frame, and nothing
	// else failed: that is the binary's exit status 1 (the injected TestMain
	// itself exits only with m.Run's status).
	if excused && res.exit == 1 && len(findings) == 0 && lastActive(order) == nil {
		died = false
	}
	// The race detector ended the binary at its first race
	// (GORACE=halt_on_error=1): the race is why it died, and the tests it
	// never reached are listed with it.
	if died && len(races) > 0 && res.exit == raceExitCode {
		died = false
		races[0].NotRun = without(notRun, topName(races[0].Test))
	}
	// A test that started but never finished, when nothing above explains
	// why the binary died: os.Exit, log.Fatal, runtime.Goexit in main...
	if died && len(findings) == 0 {
		if culprit := lastActive(order); culprit != nil {
			addFinding(c.exitedDuring(culprit, res.exit, pkgOut.String(), notRun))
		}
	}
	for _, f := range races {
		addFinding(f)
	}
	// Still unexplained: the binary failed outside any test.
	if died && len(findings) == 0 {
		addFinding(c.packageExit(res.exit, pkgOut.String(), order, notRun))
	}
	for _, f := range c.leaks(res.leakProfile) {
		addFinding(f)
	}

	v := verdict{findings: findings}
	for _, st := range order {
		if !st.started && st.status == "" {
			continue
		}
		status := report.TestStatus(st.status)
		if status == "" {
			status = report.TestFail
		}
		v.tests = append(v.tests, report.Test{Module: c.m.Path, Package: c.pkg.ImportPath, Name: st.name, Status: status,
			Duration: report.Seconds(time.Duration(st.elapsed * float64(time.Second))), Note: st.note})
	}
	return v
}

// raceExitCode is the exit status the race detector ends a binary with
// (GORACE exitcode, 66 unless set).
const raceExitCode = 66

// overrun is the finding for a binary racecheck stopped for outliving its
// own -test.timeout, whose alarm never fired: it was blocked outside m.Run
// (in TestMain or init) or could not panic; text starts at the SIGQUIT dump.
func (c *classifier) overrun(text string, after time.Duration, running *testState, notRun []string) report.Finding {
	f := report.Finding{Kind: report.KindTimeout, Module: c.m.Path, Package: c.pkg.ImportPath, Output: text,
		Message: fmt.Sprintf("the test binary ran for %v, past -timeout and a grace for its own timeout to fire, and racecheck stopped it", after)}
	if running != nil {
		f.Test = topName(running.name)
		f.Message += " while running " + running.name
	} else {
		f.Message += " outside any test (blocked in TestMain or init?)"
	}
	c.explainBlocked(&f, stack.Parse(text))
	if f.Location.File == "" {
		f.Location = c.r.fallbackLocation(c.m, c.pkg)
	}
	f.NotRun = without(notRun, f.Test)
	f.Fingerprint = report.Hash(string(report.KindTimeout), c.m.Path, c.pkg.ImportPath, f.Test, "overrun")
	return f
}

// hang is the finding for a test racecheck stopped for running longer than
// the per-test limit; text starts at the SIGQUIT dump.
func (c *classifier) hang(text, test string, limit time.Duration, notRun []string) report.Finding {
	f := report.Finding{Kind: report.KindHang, Module: c.m.Path, Package: c.pkg.ImportPath, Test: test, Output: text,
		Message: fmt.Sprintf("%s ran longer than the per-test limit of %v", test, limit), NotRun: without(notRun, topName(test)),
		Reproduce: c.r.racecheckReproduce(c.ws, c.m, c.pkg, c.replay)}
	c.explainBlocked(&f, stack.Parse(text))
	f.Fingerprint = report.Hash(string(report.KindHang), c.m.Path, c.pkg.ImportPath, test)
	return f
}

// deadlock is the finding for a test whose own goroutine the injected
// TestMain found blocked forever; text starts at its marker and holds every
// goroutine, the leaked ones marked.
func (c *classifier) deadlock(text string, notRun []string) report.Finding {
	gs := stack.Parse(text)
	// go test -race would wait for its -timeout (the race runtime never
	// reports "all goroutines are asleep"): the rerun is racecheck's.
	f := report.Finding{Kind: report.KindDeadlock, Module: c.m.Path, Package: c.pkg.ImportPath, Output: text,
		Reproduce: c.r.racecheckReproduce(c.ws, c.m, c.pkg, c.replay)}
	for _, g := range gs {
		if g.Leaked && slices.ContainsFunc(g.Frames, func(fr stack.Frame) bool { return fr.Function == "testing.tRunner" }) {
			if f.Test = goroutineTest(g); f.Test != "" {
				break
			}
		}
	}
	f.Message = cmpOr(f.Test, "a test") + " can never finish: its goroutine is blocked on something no running goroutine can reach"
	c.explainBlocked(&f, gs)
	f.NotRun = without(notRun, topName(f.Test))
	f.Fingerprint = report.Hash(string(report.KindDeadlock), c.m.Path, c.pkg.ImportPath, f.Test, f.Location.File, f.Location.Function)
	return f
}

// explainBlocked adds a dump's blocked goroutines to a hang, timeout or
// deadlock finding, points it at the line where the test itself waits, and
// says where that is.
func (c *classifier) explainBlocked(f *report.Finding, gs []stack.Goroutine) {
	groups, own := c.blocked(gs, f.Test)
	f.Blocked = groups
	switch {
	case own.File != "":
		f.Location = own
		f.Message += fmt.Sprintf("; it waits in %s at %s", groups[0].State, own)
	default:
		state, at := c.ownFrame(gs, f.Test)
		if at.File != "" {
			f.Location = at
			f.Message += fmt.Sprintf("; it is in %s at %s", state, at)
		} else if len(groups) > 0 {
			f.Location = groups[0].Location
		} else {
			f.Location = c.declOr(f.Test)
		}
		if len(groups) > 0 {
			f.Message += fmt.Sprintf("; %d goroutine(s) wait in %s at %s", groups[0].Count, groups[0].State, groups[0].Location)
		}
	}
	if n := len(groups); n > 1 {
		f.Message += fmt.Sprintf(" (and %d more blocked place(s))", n-1)
	}
}

// timeout is the finding for a binary that hit -test.timeout; text starts
// at the timeout panic.
func (c *classifier) timeout(text string, notRun []string) report.Finding {
	var running []string
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) != "running tests:" {
			continue
		}
		for _, next := range lines[i+1:] {
			m := runningTestRE.FindStringSubmatch(next)
			if m == nil {
				break
			}
			running = append(running, m[1])
		}
		break
	}
	after := strings.TrimPrefix(firstLine(text), timedOutMarker)
	f := report.Finding{Kind: report.KindTimeout, Module: c.m.Path, Package: c.pkg.ImportPath, Output: text,
		Message: "the test binary timed out after " + after}
	if len(running) > 0 {
		f.Test = topName(running[0])
		f.Message += " while running " + strings.Join(running, ", ")
	}
	c.explainBlocked(&f, stack.Parse(text))
	f.NotRun = without(notRun, running...)
	slices.Sort(running)
	f.Fingerprint = report.Hash(append([]string{string(report.KindTimeout), c.m.Path, c.pkg.ImportPath}, running...)...)
	return f
}

// panicked is the finding for a binary that died of a panic or a fatal
// runtime error; text starts at the panic line and owner is the test whose
// output it appeared in ("" for the package's own output).
func (c *classifier) panicked(text, owner string, states map[string]*testState, order []*testState, notRun []string) report.Finding {
	// A panicking subtest fails first, then the panic is printed in its
	// parent's output: the deepest failed subtest is the one that panicked.
	for _, st := range order {
		if owner != "" && st.status == "fail" && strings.HasPrefix(st.name, owner+"/") {
			owner = st.name
		}
	}
	if f, ok := c.fuzzSeedCrash(owner, text); ok {
		// A failing input of a fuzz target's corpus, run as a subtest.
		f.NotRun = without(notRun, topName(owner))
		return f
	}
	msg, _ := stack.PanicMessage(text)
	if !strings.HasPrefix(msg, "fatal error: ") {
		msg = "panic: " + msg
	}
	var frames []report.Location
	var created report.Location
	var test, via string
	if gs := stack.Parse(text); len(gs) > 0 {
		g := gs[0]
		for _, fr := range g.Frames {
			frames = append(frames, c.r.paths.Locate(fr.File, fr.Line, fr.Function, ""))
			if _, name := stack.Test(fr.Function); name != "" && test == "" {
				test = name
			}
		}
		if g.CreatedBy.Function != "" {
			created = c.r.paths.Locate(g.CreatedBy.File, g.CreatedBy.Line, g.CreatedBy.Function, "")
			if _, name := stack.Test(g.CreatedBy.Function); name != "" && (test == "" || test == name) {
				test, via = name, "a goroutine that "+name+" started"
			}
		}
	}
	f := report.Finding{Kind: report.KindPanic, Module: c.m.Path, Package: c.pkg.ImportPath, Output: text}
	done := func(name string) bool { st := states[name]; return st != nil && st.status != "" }
	switch {
	case strings.Contains(msg, "all goroutines are asleep - deadlock!"):
		f.Kind = report.KindDeadlock
		gs := stack.Parse(text)
		f.Test = cmpOr(test, owner)
		if f.Test == "" {
			for _, g := range gs {
				if t := goroutineTest(g); t != "" {
					f.Test = t
					break
				}
			}
		}
		f.Message = "every goroutine is blocked: " + msg
		c.explainBlocked(&f, gs)
		f.NotRun = without(notRun, f.Test)
		f.Fingerprint = report.Hash(string(report.KindDeadlock), c.m.Path, c.pkg.ImportPath, f.Test, f.Location.File, f.Location.Function)
		return f
	case strings.Contains(msg, "unexpected call to os.Exit(0) during test"):
		f.Kind, f.Test = report.KindPackageFailure, cmpOr(test, owner)
		f.Message = "os.Exit(0) was called during " + f.Test + ": the test binary would have exited 0 in the middle of its tests"
	case test != "" && done(test) && test != topName(owner):
		f.Kind, f.Test = report.KindPackageFailure, test
		f.Message = fmt.Sprintf("%s panicked after %s had returned: %s", cmpOr(via, "a goroutine of "+test), test, msg)
		if owner != "" {
			f.Message += " (while " + owner + " ran)"
		}
	case test != "":
		f.Test = test
		f.Message = msg
		if via != "" {
			f.Message += " (in " + via + ")"
		}
	case isInit(frames) && !anyStarted(order):
		f.Kind = report.KindPackageFailure
		f.Message = "the package's initialisation panicked, before any test ran: " + msg
	case owner != "":
		f.Test = owner
		f.Message = msg + " (while " + owner + " ran; no stack frame names a test)"
	default:
		f.Kind = report.KindPackageFailure
		f.Message = "panic outside any test (TestMain or a goroutine no test started): " + msg
	}
	loc, rank := c.r.paths.Primary(frames)
	if rank == srcpath.RankNone {
		loc = c.declOr(f.Test)
	}
	f.Location = loc
	f.NotRun = without(notRun, f.Test)
	if created.File != "" && c.r.paths.Rank(created) < srcpath.RankNone {
		created.Note = "the panicking goroutine was started here"
		f.Related = append(f.Related, created)
	}
	f.Fingerprint = report.Hash(string(f.Kind), c.m.Path, c.pkg.ImportPath, f.Test, loc.Module, loc.File, loc.Function)
	return f
}

// fuzzSeedCrash recognises a failing input of a fuzz target's corpus under
// testdata/fuzz, run as a subtest in the normal test run.
func (c *classifier) fuzzSeedCrash(name, out string) (report.Finding, bool) {
	target, input, ok := strings.Cut(name, "/")
	if !ok || !slices.ContainsFunc(c.pkg.Fuzz, func(f Func) bool { return f.Name == target }) {
		return report.Finding{}, false
	}
	file := filepath.Join(c.pkg.Dir, "testdata", "fuzz", target, input)
	if _, err := os.Stat(file); err != nil {
		return report.Finding{}, false
	}
	return c.fuzzCrashFinding(target, file, out, true), true
}

// fuzzCrashFinding is the finding of a fuzz target failing on the input in
// file (absolute), whichever step found it, so the two merge; race says
// whether it failed under the race detector.
func (c *classifier) fuzzCrashFinding(target, file, out string, race bool) report.Finding {
	crasher := c.r.paths.Locate(file, 0, "", "")
	f := report.Finding{Kind: report.KindFuzzCrash, Module: c.m.Path, Package: c.pkg.ImportPath, Test: target,
		Crasher: crasher.File, Output: out}
	f.Location, f.Message = c.failurePlace(out, target)
	args := []string{"test"}
	if race {
		args = append(args, "-race")
	}
	args = append(args, "-run=^"+target+"$/^"+regexp.QuoteMeta(filepath.Base(file))+"$", c.pkg.rel(c.m))
	f.Reproduce = c.r.reproduce(c.ws, c.m, args...)
	f.Fingerprint = report.Hash(string(report.KindFuzzCrash), c.m.Path, c.pkg.ImportPath, target, filepath.Base(file))
	return f
}

// differsOnlyByInjectedTestMain reports whether out is an example's
// failure whose output differs from its // Output comment only by lines
// naming the package's TestMain, when that TestMain is the one racecheck
// injected: an example that prints its callers then sees one frame more
// than under go test, which is racecheck's doing, not the code's.
func (c *classifier) differsOnlyByInjectedTestMain(out string) bool {
	if !c.r.leaks || c.pkg.TestMain != nil || c.pkg.TestMainIsTest || c.pkg.UsesLeakcheck {
		return false
	}
	_, rest, ok := strings.Cut(out, "\ngot:\n")
	if !ok {
		return false
	}
	got, want, ok := strings.Cut(rest, "\nwant:\n")
	if !ok {
		return false
	}
	frame := c.pkg.ImportPath + ".TestMain"
	var kept []string
	removed := false
	for _, l := range strings.Split(got, "\n") {
		if t := strings.TrimSpace(l); t == frame || strings.HasPrefix(t, frame+"(") || strings.HasPrefix(t, frame+" ") {
			removed = true
			continue
		}
		kept = append(kept, l)
	}
	return removed && strings.TrimSpace(strings.Join(kept, "\n")) == strings.TrimSpace(want)
}

// testFailure is the finding of a test that failed by itself.
func (c *classifier) testFailure(st *testState, out string) report.Finding {
	f := report.Finding{Kind: report.KindTestFailure, Module: c.m.Path, Package: c.pkg.ImportPath, Test: st.name, Output: out}
	f.Location, f.Message = c.failurePlace(out, st.name)
	if strings.Contains(out, raceInTest) {
		f.Message += " (the race detector also fired)"
	}
	f.Fingerprint = report.Hash(string(report.KindTestFailure), c.m.Path, c.pkg.ImportPath, st.name)
	return f
}

// failurePlace finds the first "file.go:line: message" a failing test
// printed, or the innermost frame of a stack in its output, and falls back
// to the test's declaration.
func (c *classifier) failurePlace(out, test string) (report.Location, string) {
	recovered := "" // a panic the testing package recovered and reported
	lines := strings.Split(out, "\n")
	var logged *report.Location // the first line a t.Log call printed
	loggedMsg := ""
	for i, l := range lines {
		m := failureLineRE.FindStringSubmatch(l)
		if m != nil && m[1] == "testing.go" && strings.HasPrefix(m[3], "panic: ") && recovered == "" {
			recovered = strings.TrimSpace(m[3])
		}
		if m == nil || strings.Contains(m[3], raceInTest) || m[1] == "testing.go" {
			continue
		}
		var line int
		fmt.Sscan(m[2], &line)
		text := strings.TrimSpace(m[3])
		if text == "" {
			text = continuation(lines[i+1:])
		}
		msg := m[1] + ":" + m[2] + ": " + text
		// The testing package prints only a file's base name: it names
		// a file of this package when that line holds code (the file
		// may be a helper's, in another package, that shares its name).
		loc := c.declOr(test)
		src, found := sourceLine(filepath.Join(c.pkg.Dir, m[1]), line)
		if found {
			loc = c.r.paths.Locate(filepath.Join(c.pkg.Dir, m[1]), line, "", "")
		}
		// t.Log prints its lines as t.Error does; the failure is the
		// first line printed by anything else.
		if found && logCallRE.MatchString(src) && !failCallRE.MatchString(src) {
			if logged == nil {
				logged, loggedMsg = &loc, msg
			}
			continue
		}
		return loc, msg
	}
	if logged != nil {
		return *logged, loggedMsg
	}
	var frames []report.Location
	if gs := stack.Parse(out); len(gs) > 0 {
		for _, fr := range gs[0].Frames {
			frames = append(frames, c.r.paths.Locate(fr.File, fr.Line, fr.Function, ""))
		}
	}
	msg := test + " failed"
	if recovered != "" {
		msg = recovered
	} else if pm, ok := stack.PanicMessage(out); ok {
		msg = "panic: " + pm
	} else if strings.Contains(out, "\ngot:\n") {
		msg = test + ": output differs from its // Output comment"
	}
	if loc, rank := c.r.paths.Primary(frames); rank < srcpath.RankNone {
		return loc, msg
	}
	return c.declOr(test), msg
}

var (
	// notCodeRE matches a source line no failure can be printed from: a
	// blank line, a comment, a function declaration.
	notCodeRE = regexp.MustCompile(`^\s*(//.*|func\s.*)?$`)
	// logCallRE matches a line calling t.Log or t.Logf (on any receiver);
	// failCallRE one that also reports a failure or skip.
	logCallRE  = regexp.MustCompile(`\.Logf?\(`)
	failCallRE = regexp.MustCompile(`\.(Error|Errorf|Fatal|Fatalf|Fail|FailNow|Skip|Skipf|SkipNow)\(`)
)

// sourceLine returns line n (from 1) of file, and whether it is a line of
// code a failure can have been printed from (see notCodeRE).
func sourceLine(file string, n int) (string, bool) {
	b, err := os.ReadFile(file)
	if err != nil || n < 1 {
		return "", false
	}
	for i, l := range strings.Split(string(b), "\n") {
		if i == n-1 {
			return l, !notCodeRE.MatchString(l)
		}
	}
	return "", false
}

// continuation summarises the lines a failure message continues on when
// its first line is empty, as testify's assertions print them: the
// "Error:" and "Messages:" fields, else the first line.
func continuation(lines []string) string {
	var parts []string
	first := ""
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || !strings.HasPrefix(l, "        ") {
			break
		}
		if first == "" {
			first = t
		}
		for _, field := range []string{"Error:", "Messages:"} {
			if v, ok := strings.CutPrefix(t, field); ok {
				parts = append(parts, strings.TrimSpace(v))
			}
		}
	}
	if len(parts) == 0 {
		return first
	}
	return strings.Join(parts, " ")
}

// exitedDuring is the finding of a binary that exited while a test ran.
func (c *classifier) exitedDuring(st *testState, exit int, pkgOut string, notRun []string) report.Finding {
	f := report.Finding{Kind: report.KindPackageFailure, Module: c.m.Path, Package: c.pkg.ImportPath, Test: st.name,
		Output: st.out.String() + pkgOut, NotRun: without(notRun, st.name)}
	hint := "os.Exit, log.Fatal or a failed t.FailNow from another goroutine?"
	if exit == 0 {
		hint = "syscall.Exit, or a TestMain that ignores m.Run's status after the test's end was lost? go test calls this ok"
	}
	f.Message = fmt.Sprintf("%s never finished: the test binary exited with status %d while it ran (%s)", st.name, exit, hint)
	if last := lastOwnLine(st.out.String()); last != "" {
		f.Message += "; its last output: " + last
	}
	f.Location = c.declOr(st.name)
	f.Fingerprint = report.Hash(string(report.KindPackageFailure), c.m.Path, c.pkg.ImportPath, st.name, "exited")
	return f
}

// packageExit is the finding of a binary that failed with no failing test
// to show for it.
func (c *classifier) packageExit(exit int, pkgOut string, order []*testState, notRun []string) report.Finding {
	f := report.Finding{Kind: report.KindPackageFailure, Module: c.m.Path, Package: c.pkg.ImportPath, Output: pkgOut,
		Location: c.r.fallbackLocation(c.m, c.pkg)}
	rejected := ""
	for l := range strings.SplitSeq(pkgOut, "\n") {
		if rejectedFlagRE.MatchString(l) {
			rejected = strings.TrimSpace(l)
			break
		}
	}
	status := fmt.Sprintf("status %d", exit)
	if exit < 0 {
		status = "a signal"
	}
	switch {
	case rejected != "":
		f.Message = "the test binary rejected its flags: " + rejected
	case anyStarted(order) && len(notRun) == 0:
		f.Message = "the test binary exited with " + status + " after its tests passed"
		if c.pkg.TestMain != nil {
			f.Message += " (TestMain must return or call os.Exit(m.Run()))"
		}
	default:
		f.Message = "the test binary exited with " + status + " before running its tests"
		if c.pkg.TestMain != nil {
			f.Message += " (in TestMain?)"
		}
	}
	f.NotRun = notRun
	f.Fingerprint = report.Hash(string(report.KindPackageFailure), c.m.Path, c.pkg.ImportPath, "exit")
	return f
}

// notRun lists the package's top-level tests and fuzz targets that -run and
// -skip select but that never started, and those that started but never
// finished, in declaration order.
func (c *classifier) notRun(states map[string]*testState) []string {
	runRE, skipRE := firstElemRE(c.r.cfg.Run), firstElemRE(c.r.cfg.Skip)
	var out []string
	for _, fs := range [][]Func{c.pkg.Tests, c.pkg.Fuzz} {
		for _, fn := range fs {
			if runRE != nil && !runRE.MatchString(fn.Name) || skipRE != nil && skipRE.MatchString(fn.Name) {
				continue
			}
			if st := states[fn.Name]; st == nil || !st.started || st.status == "" {
				out = append(out, fn.Name)
			}
		}
	}
	return out
}

// neverStarted returns the package's tests and fuzz targets, selected by
// -run and -skip, of which a run's tests hold nothing.
func (c *classifier) neverStarted(tests []report.Test) []string {
	states := map[string]*testState{}
	for _, t := range tests {
		states[topName(t.Name)] = &testState{started: true, status: string(t.Status)}
	}
	return c.notRun(states)
}

func firstElemRE(pattern string) *regexp.Regexp {
	if pattern == "" {
		return nil
	}
	re, err := regexp.Compile(splitTestPattern(pattern)[0])
	if err != nil {
		return nil
	}
	return re
}

// declOr is the declaration of a test, or the package's fallback location.
func (c *classifier) declOr(test string) report.Location {
	if test != "" {
		if fn, ok := c.pkg.decl(test); ok {
			return c.r.locate(fn)
		}
	}
	return c.r.fallbackLocation(c.m, c.pkg)
}

// findOutput returns, from the first line satisfying match, the rest of the
// output it appears in: each test's output in start order, then the
// package's. owner is the test whose output it was.
func findOutput(order []*testState, pkgOut *tailBuffer, match func(string) bool) (text, owner string, ok bool) {
	search := func(s string) (string, bool) {
		off := 0
		for l := range strings.SplitSeq(s, "\n") {
			if match(l) {
				return s[off:], true
			}
			off += len(l) + 1
		}
		return "", false
	}
	for _, st := range order {
		if t, ok := search(st.out.String()); ok {
			return t, st.name, true
		}
	}
	if t, ok := search(pkgOut.String()); ok {
		return t, "", true
	}
	return "", "", false
}

// isPanicLine matches the first line of a panic or fatal error that kills
// the binary (at the start of a line, unlike a recovered panic that a test
// reports).
func isPanicLine(l string) bool {
	return strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: ")
}

// onlyRaceFailure reports whether a failing test's output shows no failure
// other than the race detector's.
func onlyRaceFailure(out string) bool {
	found := false
	for l := range strings.SplitSeq(out, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case t == "", strings.HasPrefix(t, "=== "), strings.HasPrefix(t, "--- FAIL"), strings.HasPrefix(t, "--- PASS"):
		case strings.HasSuffix(t, raceInTest):
			found = true
		default:
			return false
		}
	}
	return found
}

func anyUnattributed(races []report.Finding) bool {
	return slices.ContainsFunc(races, func(f report.Finding) bool { return f.Test == "" })
}

func hasFailedChild(name string, order []*testState) bool {
	return slices.ContainsFunc(order, func(st *testState) bool {
		return st.status == "fail" && strings.HasPrefix(st.name, name+"/")
	})
}

func anyStarted(order []*testState) bool {
	return slices.ContainsFunc(order, func(st *testState) bool { return st.started })
}

// lastActive is the unfinished test that printed last, else the last
// unfinished test to start.
func lastActive(order []*testState) *testState {
	var best *testState
	for _, st := range order {
		if !st.started || st.status != "" {
			continue
		}
		if best == nil || !st.lastOut.Before(best.lastOut) {
			best = st
		}
	}
	return best
}

// lastOwnLine is the last line a test printed that is not a "=== " or
// "--- " framing line.
func lastOwnLine(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		t := strings.TrimSpace(lines[i])
		if t != "" && !strings.HasPrefix(t, "=== ") && !strings.HasPrefix(t, "--- ") {
			return t
		}
	}
	return ""
}

// isInit reports whether a stack runs package initialisation.
func isInit(frames []report.Location) bool {
	return slices.ContainsFunc(frames, func(l report.Location) bool { return packageFuncRE.MatchString(l.Function) })
}

func topName(test string) string {
	top, _, _ := strings.Cut(test, "/")
	return top
}

func without(list []string, drop ...string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(drop, s) {
			out = append(out, s)
		}
	}
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// capText keeps the first and last n/2 bytes of a long text.
func capText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n/2] + fmt.Sprintf("\n… %d bytes left out …\n", len(s)-n) + s[len(s)-n/2:]
}

// tailBuffer keeps the last maxTestOutput bytes written to it.
type tailBuffer struct {
	b       strings.Builder
	dropped bool
}

const maxTestOutput = 4 << 20

func (t *tailBuffer) WriteString(s string) {
	t.b.WriteString(s)
	if t.b.Len() > 2*maxTestOutput {
		keep := t.b.String()[t.b.Len()-maxTestOutput:]
		t.b.Reset()
		t.b.WriteString(keep)
		t.dropped = true
	}
}

func (t *tailBuffer) String() string {
	if t.dropped {
		return "… earlier output left out …\n" + t.b.String()
	}
	return t.b.String()
}
