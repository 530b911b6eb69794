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
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/raceproof/raceproof/modules/racecheck/internal/racereport"
	"github.com/raceproof/raceproof/modules/racecheck/report"
)

// event is one line of go test -json (cmd/test2json).
type event struct {
	Action      string
	Package     string
	ImportPath  string
	Test        string
	Elapsed     float64
	Output      string
	FailedBuild string
}

const maxOutput = 32 << 10

const (
	raceInTest      = "race detected during execution of test"
	raceOutsideTest = "race detected outside of test execution"
	timedOut        = "panic: test timed out after"
)

var runningTestRE = regexp.MustCompile(`^\s+(\S+) \(\S+\)$`)

type testKey struct{ pkg, name string }

// testModule runs one module's tests with -race -json and adds the results.
func (r *run) testModule(ctx context.Context, ws Workspace, m Module) error {
	logDir, err := os.MkdirTemp("", "racecheck-race-")
	if err != nil {
		return fmt.Errorf("racecheck: %w", err)
	}
	defer os.RemoveAll(logDir)
	args := []string{"test", "-race", "-json", fmt.Sprintf("-count=%d", r.cfg.Count)}
	if r.cfg.Shuffle != "" {
		args = append(args, "-shuffle="+r.cfg.Shuffle)
	}
	if r.cfg.CPU != "" {
		args = append(args, "-cpu="+r.cfg.CPU)
	}
	if r.cfg.Run != "" {
		args = append(args, "-run="+r.cfg.Run)
	}
	if r.cfg.Timeout > 0 {
		args = append(args, "-timeout="+r.cfg.Timeout.String())
	}
	args = append(args, "./...")
	cmd := exec.CommandContext(ctx, r.cfg.Go, args...)
	cmd.Dir = m.Dir
	cmd.Env = r.goraceEnv(ws.Env(), logDir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("racecheck: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("racecheck: go test in %s: %w", m.Dir, err)
	}
	c := newCollector(r, m)
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64*1024), 64*1024*1024)
	for sc.Scan() {
		var ev event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil || ev.Action == "" {
			c.loose.WriteString(sc.Text() + "\n")
			continue
		}
		c.add(ev)
	}
	waitErr := cmd.Wait()
	if ctx.Err() != nil {
		return fmt.Errorf("racecheck: go test in %s: %w", r.rel(m.Dir), ctx.Err())
	}
	races, err := readRaceLogs(logDir)
	if err != nil {
		return err
	}
	c.finish(races)
	if waitErr != nil && c.packages == 0 {
		out := strings.TrimSpace(stderr.String() + c.loose.String())
		r.addError(report.Error{Kind: report.ErrorTool, Module: m.Path,
			Message: fmt.Sprintf("go %s in %s: %v: %s", strings.Join(args, " "), r.rel(m.Dir), waitErr, errNoOutput), Output: out})
	}
	return nil
}

// readRaceLogs parses every GORACE log file written under dir.
func readRaceLogs(dir string) ([]report.Race, error) {
	files, err := filepath.Glob(filepath.Join(dir, "race*"))
	if err != nil {
		return nil, fmt.Errorf("racecheck: %w", err)
	}
	sort.Strings(files)
	var all []report.Race
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

// collector folds go test -json events of one module into the report.
type collector struct {
	r        *run
	m        Module
	order    []testKey
	tests    map[testKey]*report.Test
	output   map[testKey]*strings.Builder
	build    map[string]*strings.Builder
	loose    strings.Builder
	packages int
}

func newCollector(r *run, m Module) *collector {
	return &collector{
		r: r, m: m,
		tests:  map[testKey]*report.Test{},
		output: map[testKey]*strings.Builder{},
		build:  map[string]*strings.Builder{},
	}
}

func (c *collector) buf(k testKey) *strings.Builder {
	b := c.output[k]
	if b == nil {
		b = &strings.Builder{}
		c.output[k] = b
	}
	return b
}

func (c *collector) add(ev event) {
	switch ev.Action {
	case "build-output":
		b := c.build[ev.ImportPath]
		if b == nil {
			b = &strings.Builder{}
			c.build[ev.ImportPath] = b
		}
		b.WriteString(ev.Output)
	case "build-fail":
		c.buildError(ev.ImportPath)
	case "output":
		b := c.buf(testKey{ev.Package, ev.Test})
		if b.Len() < maxOutput {
			b.WriteString(ev.Output)
		}
	case "pass", "fail", "skip":
		if ev.Test == "" {
			c.packageDone(ev)
			return
		}
		k := testKey{ev.Package, ev.Test}
		t := c.tests[k]
		if t == nil {
			t = &report.Test{Module: c.m.Path, Package: ev.Package, Name: ev.Test, Status: ev.Action}
			c.tests[k] = t
			c.order = append(c.order, k)
		} else if ev.Action == report.StatusFail || t.Status == report.StatusSkip {
			t.Status = ev.Action
		}
		t.Duration += report.Seconds(time.Duration(ev.Elapsed * float64(time.Second)))
	}
}

func (c *collector) buildError(importPath string) {
	pkg, _, _ := strings.Cut(importPath, " ")
	out := ""
	if b := c.build[importPath]; b != nil {
		out = b.String()
	}
	c.r.addError(report.Error{Kind: report.ErrorBuild, Module: c.m.Path, Package: pkg, Message: "build failed: " + importPath, Output: out})
}

func (c *collector) packageDone(ev event) {
	c.packages++
	out := c.buf(testKey{ev.Package, ""}).String()
	if ev.Action != report.StatusFail {
		c.r.progress("  ok   %s", ev.Package)
		return
	}
	c.r.progress("  FAIL %s", ev.Package)
	if ev.FailedBuild != "" || strings.Contains(out, "[build failed]") || strings.Contains(out, "[setup failed]") {
		if ev.FailedBuild != "" {
			if _, seen := c.build[ev.FailedBuild]; seen {
				c.buildError(ev.FailedBuild)
				return
			}
		}
		c.r.addError(report.Error{Kind: report.ErrorBuild, Module: c.m.Path, Package: ev.Package, Message: "build failed: " + ev.Package, Output: out})
		return
	}
	if strings.Contains(out, raceOutsideTest) {
		c.r.addError(report.Error{Kind: report.ErrorRaceOutsideTest, Module: c.m.Path, Package: ev.Package,
			Message: "testing: " + raceOutsideTest, Output: out})
	}
}

// finish attributes races, classifies failures and appends everything to
// the report.
func (c *collector) finish(races []report.Race) {
	for i := range races {
		races[i].Source = "test"
		racereport.Attribute(&races[i], c.m.Path)
	}
	races = racereport.Dedupe(races)
	attributed := map[testKey]int{}
	unattributed := map[string]bool{}
	for _, rc := range races {
		if rc.Test == "" {
			unattributed[rc.Package] = true
			continue
		}
		attributed[testKey{rc.Package, rc.Test}]++
	}
	for _, k := range c.order {
		t := c.tests[k]
		top, _, _ := strings.Cut(t.Name, "/")
		t.Races = attributed[testKey{t.Package, top}]
		out := c.buf(k).String()
		if t.Races > 0 && top == t.Name && t.Status == report.StatusPass {
			t.Status = report.StatusFail
			t.Note = "go test passed it, but by their stack frames the package's races belong to it"
		}
		if t.Status != report.StatusFail {
			c.r.rep.Tests = append(c.r.rep.Tests, *t)
			continue
		}
		t.Output = out
		switch {
		case strings.Contains(out, timedOut):
		case hasPanic(out):
			c.r.addError(report.Error{Kind: report.ErrorPanic, Module: c.m.Path, Package: t.Package, Test: t.Name,
				Message: firstLineWith(out, "panic: "), Output: out})
		case t.Races == 0 && onlyRaceFailure(out) && !unattributed[t.Package] && !hasChildFailure(c, k):
			if blame := blameFor(races, t.Package); blame != "" {
				t.Status = report.StatusPass
				t.Note = "go test failed it only because the race detector fired while it ran; by its stack frames the race belongs to " + blame
			}
		}
		c.r.rep.Tests = append(c.r.rep.Tests, *t)
	}
	// A timeout panic kills the test binary; test2json may leave the
	// running test without a result, so look at every output buffer.
	keys := make([]testKey, 0, len(c.output))
	for k := range c.output {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i].pkg < keys[j].pkg || keys[i].pkg == keys[j].pkg && keys[i].name < keys[j].name
	})
	timedOutPkgs := map[string]bool{}
	for _, e := range c.r.rep.Errors {
		if e.Kind == report.ErrorTimeout {
			timedOutPkgs[e.Package] = true
		}
	}
	for _, k := range keys {
		out := c.output[k].String()
		if timedOutPkgs[k.pkg] || !strings.Contains(out, timedOut) {
			continue
		}
		timedOutPkgs[k.pkg] = true
		c.r.addError(report.Error{Kind: report.ErrorTimeout, Module: c.m.Path, Package: k.pkg, Test: runningTest(out, k.name),
			Message: firstLineWith(out, timedOut), Output: out})
	}
	c.r.rep.Races = mergeRaces(c.r.rep.Races, races)
}

// runningTest is the test named under "running tests:" in a timeout
// panic, or fallback.
func runningTest(out, fallback string) string {
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "running tests:") && i+1 < len(lines) {
			if m := runningTestRE.FindStringSubmatch(lines[i+1]); m != nil {
				return m[1]
			}
		}
	}
	return fallback
}

func hasChildFailure(c *collector, k testKey) bool {
	for _, o := range c.order {
		if o.pkg == k.pkg && strings.HasPrefix(o.name, k.name+"/") && c.tests[o].Status == report.StatusFail {
			return true
		}
	}
	return false
}

func blameFor(races []report.Race, pkg string) string {
	var names []string
	seen := map[string]bool{}
	for _, rc := range races {
		if rc.Package == pkg && rc.Test != "" && !seen[rc.Test] {
			seen[rc.Test] = true
			names = append(names, rc.Test)
		}
	}
	return strings.Join(names, ", ")
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

func hasPanic(out string) bool {
	for l := range strings.SplitSeq(out, "\n") {
		if strings.HasPrefix(l, "panic: ") {
			return true
		}
	}
	return false
}

func firstLineWith(out, s string) string {
	for l := range strings.SplitSeq(out, "\n") {
		if strings.Contains(l, s) {
			return strings.TrimSpace(l)
		}
	}
	return s
}

// mergeRaces adds races to have, summing counts of equal fingerprints.
func mergeRaces(have, races []report.Race) []report.Race {
	return racereport.Dedupe(append(have, races...))
}
