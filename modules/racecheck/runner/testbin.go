package runner

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/raceproof/raceproof/modules/racecheck/internal/gocmd"
	"github.com/raceproof/raceproof/modules/racecheck/internal/racereport"
)

// testEvent is one line of test2json output.
type testEvent struct {
	Time    time.Time
	Action  string
	Test    string
	Elapsed float64
	Output  string
}

// binaryRun is one run of a test binary.
type binaryRun struct {
	pkg *Package
	// log is what test2json's events said.
	log *eventLog
	// exit is the binary's exit status (-1: killed by a signal).
	exit int
	// races are the race detector's reports, from its log files.
	races    []racereport.Race
	duration time.Duration
	// shuffle is the -test.shuffle value it ran with.
	shuffle string
	// leakProfile is the goroutine leak profile the binary wrote ("" when
	// it wrote none).
	leakProfile string
	// hung is the test racecheck stopped for running longer than limit.
	hung  string
	limit time.Duration
	// overran is how long the binary ran before racecheck stopped it for
	// outliving its own -test.timeout (0 when it did not).
	overran time.Duration
}

// binaryOptions says how to run one test binary.
type binaryOptions struct {
	args []string
	// env is added to racecheck's own environment.
	env []string
	// testLimit stops a test that runs longer (0: no limit).
	testLimit time.Duration
}

// testBinaryArgs are the flags go test would give the binary, in the
// test2json verbose mode that go test -json uses.
func (r *run) testBinaryArgs() []string {
	args := []string{"-test.v=test2json", "-test.paniconexit0", "-test.timeout=" + r.cfg.Timeout.String(),
		fmt.Sprintf("-test.count=%d", r.cfg.Count)}
	if r.shuffle != "off" {
		args = append(args, "-test.shuffle="+r.shuffle)
	}
	if r.cfg.CPU != "" {
		args = append(args, "-test.cpu="+r.cfg.CPU)
	}
	if r.cfg.Run != "" {
		args = append(args, "-test.run="+r.cfg.Run)
	}
	if r.cfg.Skip != "" {
		args = append(args, "-test.skip="+r.cfg.Skip)
	}
	return args
}

// testReproduceArgs are the go test flags that replay a package's run.
func (r *run) testReproduceArgs(race bool, pkg string) []string {
	args := []string{"test"}
	if race {
		args = append(args, "-race")
	}
	args = append(args, fmt.Sprintf("-count=%d", r.cfg.Count))
	if r.shuffle != "off" {
		args = append(args, "-shuffle="+r.shuffle)
	}
	if r.cfg.CPU != "" {
		args = append(args, "-cpu="+r.cfg.CPU)
	}
	if r.cfg.Run != "" {
		args = append(args, "-run="+r.cfg.Run)
	}
	if r.cfg.Skip != "" {
		args = append(args, "-skip="+r.cfg.Skip)
	}
	if r.cfg.Timeout != 10*time.Minute {
		args = append(args, "-timeout="+r.cfg.Timeout.String())
	}
	return append(args, pkg)
}

// runTestBinary runs bin in the package directory, its output converted by
// test2json, and collects the events, the exit status, the race logs and
// the leak profile. Like go test, it gives the binary racecheck's own
// environment (not the GOWORK setting the builds use). A test that runs
// longer than the limit gets the binary a SIGQUIT, which makes it print
// every goroutine's stack and exit.
func (r *run) runTestBinary(ctx context.Context, pkg *Package, bin string, opts binaryOptions) (binaryRun, error) {
	res := binaryRun{pkg: pkg, limit: opts.testLimit, log: newEventLog()}
	logDir, err := os.MkdirTemp(r.tmp, "run-")
	if err != nil {
		return res, fmt.Errorf("racecheck: %w", err)
	}
	defer os.RemoveAll(logDir)
	leakFile := filepath.Join(logDir, "leaks")
	env := gocmd.Environ(nil, append([]string{r.goraceOption(logDir), childGORACE + "=" + os.Getenv("GORACE")}, append(opts.env, r.runEnv(leakFile)...)...)...)
	pr, pw, err := os.Pipe()
	if err != nil {
		return res, fmt.Errorf("racecheck: %w", err)
	}
	conv := gocmd.Invocation{Path: r.test2json, Args: []string{"-t", "-p", pkg.ImportPath}, Env: env, Dir: pkg.Dir}.Command(ctx)
	conv.Stdin = pr
	convOut, err := conv.StdoutPipe()
	if err != nil {
		pr.Close()
		pw.Close()
		return res, fmt.Errorf("racecheck: %w", err)
	}
	if err := conv.Start(); err != nil {
		pr.Close()
		pw.Close()
		return res, fmt.Errorf("racecheck: starting test2json: %w", err)
	}
	pr.Close()
	cmd := gocmd.Invocation{Path: bin, Args: opts.args, Env: env, Dir: pkg.Dir}.Command(ctx)
	cmd.Stdout, cmd.Stderr = pw, pw
	t0 := time.Now()
	startErr := cmd.Start()
	pw.Close()
	dog := newWatchdog(opts.testLimit)
	decoded := make(chan struct{})
	go func() {
		defer close(decoded)
		sc := bufio.NewScanner(convOut)
		sc.Buffer(make([]byte, 64<<10), 64<<20)
		for sc.Scan() {
			var ev testEvent
			if json.Unmarshal(sc.Bytes(), &ev) == nil && ev.Action != "" {
				res.log.observe(ev)
				dog.observe(ev)
			}
		}
	}()
	if startErr != nil {
		conv.Process.Kill()
		<-decoded
		conv.Wait()
		return res, fmt.Errorf("racecheck: starting %s: %w", bin, startErr)
	}
	stopDog := dog.watch(func() { stopWithDump(cmd) })
	// Like go test, stop a binary that outlives its own -test.timeout: the
	// testing package arms that alarm in m.Run, so a TestMain or init that
	// blocks before it, or after it returns, would hang the run forever.
	var overran atomic.Bool
	stopOverrun := func() bool { return false }
	if r.cfg.Timeout > 0 {
		stopOverrun = time.AfterFunc(overrunLimit(r.cfg.Timeout), func() {
			overran.Store(true)
			stopWithDump(cmd)
		}).Stop
	}
	waitErr := cmd.Wait()
	stopOverrun()
	if overran.Load() {
		res.overran = overrunLimit(r.cfg.Timeout)
	}
	res.hung = stopDog()
	res.duration = time.Since(t0)
	res.exit = gocmd.ExitCode(waitErr)
	// A child the test started may hold the output pipe open: give
	// test2json a moment to see the end, then stop it.
	select {
	case <-decoded:
	case <-time.After(gocmd.DefaultWaitDelay):
		conv.Process.Kill()
		<-decoded
	}
	conv.Wait()
	if ctx.Err() != nil {
		return res, fmt.Errorf("racecheck: %w", ctx.Err())
	}
	if b, err := os.ReadFile(leakFile); err == nil {
		res.leakProfile = string(b)
	}
	res.races, err = readRaceLogs(logDir)
	return res, err
}

// overrunGrace is how long past its -test.timeout a test binary may run
// before racecheck stops it: go test's minute. The testing package arms
// that alarm only in m.Run, so a binary may rightly run longer than its
// timeout (a TestMain's slow setup or teardown), and a grace shorter than
// go test's would report a timeout go test does not.
var overrunGrace = time.Minute

// overrunLimit is how long a test binary run with -test.timeout=timeout
// may run before racecheck stops it.
func overrunLimit(timeout time.Duration) time.Duration {
	return timeout + overrunGrace
}

// stopWithDump sends a running binary SIGQUIT, for the goroutine dump
// that says where it was stuck, and kills it if it is still running
// gocmd.DefaultWaitDelay later: a test may trap SIGQUIT (a server that
// dumps its state on it), and racecheck promised to stop it.
func stopWithDump(cmd *exec.Cmd) {
	gocmd.Quit(cmd)
	time.AfterFunc(gocmd.DefaultWaitDelay, func() { cmd.Process.Kill() })
}

// watchdog finds a test that has been running longer than a limit, from
// the binary's test2json events: a test runs from "run" or "cont" to
// "pause", "pass", "fail" or "skip".
type watchdog struct {
	limit   time.Duration
	clock   func() time.Time // time.Now, but for tests
	mu      sync.Mutex
	running map[string]time.Time
}

func newWatchdog(limit time.Duration) *watchdog {
	return &watchdog{limit: limit, clock: time.Now, running: map[string]time.Time{}}
}

func (w *watchdog) observe(ev testEvent) {
	if w.limit <= 0 || ev.Test == "" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	switch ev.Action {
	case "run", "cont":
		w.running[ev.Test] = w.clock()
	case "pause", "pass", "fail", "skip":
		delete(w.running, ev.Test)
		// A parent whose subtest ended is making progress: its clock
		// restarts, so a table of subtests, each within the limit, is
		// not a hang however long the table takes.
		now := w.clock()
		for name := ev.Test; strings.Contains(name, "/"); {
			name = name[:strings.LastIndex(name, "/")]
			if _, ok := w.running[name]; ok {
				w.running[name] = now
			}
		}
	}
}

// overdue is the test that has run past the limit, the deepest subtest
// when a parent waits for it; "" when none has.
func (w *watchdog) overdue(now time.Time) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	late := ""
	for name, since := range w.running {
		if now.Sub(since) > w.limit && (len(name) > len(late) || len(name) == len(late) && name < late) {
			late = name
		}
	}
	return late
}

// watch checks for an overdue test until the returned stop function is
// called, and calls quit once when it finds one. stop returns the test
// quit was called for.
func (w *watchdog) watch(quit func()) (stop func() string) {
	if w.limit <= 0 {
		return func() string { return "" }
	}
	done := make(chan struct{})
	hung := make(chan string, 1)
	go func() {
		tick := time.NewTicker(min(w.limit/10, 250*time.Millisecond))
		defer tick.Stop()
		for {
			select {
			case <-done:
				hung <- ""
				return
			case now := <-tick.C:
				if name := w.overdue(now); name != "" {
					quit()
					<-done
					hung <- name
					return
				}
			}
		}
	}()
	return func() string {
		close(done)
		return <-hung
	}
}

// goraceOption sends race reports to files under dir, keeping any GORACE
// options the user set.
func (r *run) goraceOption(dir string) string {
	opts := "log_path=" + filepath.Join(dir, "race")
	if user := os.Getenv("GORACE"); user != "" {
		opts = user + " " + opts
	}
	return "GORACE=" + opts
}

// readRaceLogs parses every race log file written under dir.
func readRaceLogs(dir string) ([]racereport.Race, error) {
	files, err := filepath.Glob(filepath.Join(dir, "race*"))
	if err != nil {
		return nil, fmt.Errorf("racecheck: %w", err)
	}
	sort.Strings(files)
	var all []racereport.Race
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("racecheck: race log: %w", err)
		}
		races, err := racereport.Parse(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("racecheck: race log %s: %w", f, err)
		}
		all = append(all, races...)
	}
	return all, nil
}
