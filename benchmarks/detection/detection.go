// Package detection measures how many of the concurrency-bug kernels in
// modules/racecheck/testdata/kernels each way of testing detects: one
// go test -race run, ten of them (-count=10), racecheck (leaks, deadlocks,
// hangs, races), and racecheck -stress; and whether any of them reports
// something on the kernels' fixed twins. TestDetection writes the report to
// docs/detection.md (go tool mage detection).
package detection

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/raceproof/raceproof/modules/racecheck/report"
	"github.com/raceproof/raceproof/modules/racecheck/runner"
)

// Kernel is one entry of the corpus index, kernels.json.
type Kernel struct {
	Name        string `json:"name"`
	Category    string `json:"category"`
	Subcategory string `json:"subcategory"`
	Project     string `json:"project"`
	BugURL      string `json:"bugURL"`
	FixURL      string `json:"fixURL"`
	Buggy       string `json:"buggy"`
	Fixed       string `json:"fixed"`
}

// ReadKernels reads the corpus index in dir.
func ReadKernels(dir string) ([]Kernel, error) {
	b, err := os.ReadFile(filepath.Join(dir, "kernels.json"))
	if err != nil {
		return nil, err
	}
	var ks []Kernel
	if err := json.Unmarshal(b, &ks); err != nil {
		return nil, fmt.Errorf("kernels.json: %w", err)
	}
	return ks, nil
}

// Mode is one way of testing.
type Mode struct {
	Name string
	// Count is go test's -count; 0 means racecheck.
	Count int
	// Stress is racecheck's -stress.
	Stress time.Duration
}

// Outcome is what one mode saw on one package.
type Outcome struct {
	Detected bool
	// Kinds are the finding kinds (racecheck) or what go test printed:
	// race, panic, timeout, fail.
	Kinds []string
	// Seconds is the time until the package's run that detected it ended
	// (its whole run when nothing was detected).
	Seconds float64
}

// Result is what a mode saw on every package, and how long it took.
type Result struct {
	Mode     Mode
	Packages map[string]Outcome
	Wall     time.Duration
	// Stress is racecheck's per-package stress record.
	Stress []report.StressRun
}

// Config is a measurement.
type Config struct {
	// Dir is the corpus module's directory.
	Dir string
	// Timeout is every test binary's -timeout.
	Timeout time.Duration
}

// Run measures one mode on the given packages (import paths).
func (c Config) Run(ctx context.Context, m Mode, pkgs []string) (Result, error) {
	t0 := time.Now()
	var res Result
	var err error
	if m.Count > 0 {
		res, err = c.goTest(ctx, m, pkgs)
	} else {
		res, err = c.racecheck(ctx, m, pkgs)
	}
	res.Mode, res.Wall = m, time.Since(t0)
	return res, err
}

// goTest runs go test -race -json -count=N over the packages and counts a
// package detected when it fails: a race report, a panic, a failing test
// or a timeout.
func (c Config) goTest(ctx context.Context, m Mode, pkgs []string) (Result, error) {
	args := append([]string{"test", "-race", "-json", fmt.Sprintf("-count=%d", m.Count), "-timeout=" + c.Timeout.String()}, pkgs...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = c.Dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	out, err := cmd.Output()
	if ctx.Err() != nil {
		return Result{}, ctx.Err()
	}
	if len(out) == 0 && err != nil {
		return Result{}, fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	res := Result{Packages: map[string]Outcome{}}
	outputs := map[string]*strings.Builder{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for sc.Scan() {
		var ev struct {
			Action, Package, Test, Output string
			Elapsed                       float64
		}
		if json.Unmarshal(sc.Bytes(), &ev) != nil || ev.Package == "" {
			continue
		}
		if outputs[ev.Package] == nil {
			outputs[ev.Package] = &strings.Builder{}
		}
		if ev.Action == "output" {
			outputs[ev.Package].WriteString(ev.Output)
		}
		if ev.Test != "" || (ev.Action != "pass" && ev.Action != "fail" && ev.Action != "skip") {
			continue
		}
		o := Outcome{Detected: ev.Action == "fail", Seconds: ev.Elapsed}
		if o.Detected {
			text := outputs[ev.Package].String()
			for _, k := range []struct{ kind, marker string }{
				{"race", "WARNING: DATA RACE"}, {"timeout", "panic: test timed out"}, {"panic", "\npanic: "}, {"fail", "--- FAIL"},
			} {
				if strings.Contains(text, k.marker) {
					o.Kinds = append(o.Kinds, k.kind)
				}
			}
		}
		res.Packages[ev.Package] = o
	}
	return res, nil
}

// racecheck runs racecheck over the packages and counts a package detected
// when it has a finding.
func (c Config) racecheck(ctx context.Context, m Mode, pkgs []string) (Result, error) {
	cfg := runner.DefaultConfig()
	cfg.Dirs = []string{c.Dir}
	cfg.Root = c.Dir
	cfg.Fuzz = false
	cfg.Timeout = c.Timeout
	cfg.Stress = m.Stress
	cfg.Packages = nil
	for _, p := range pkgs {
		cfg.Packages = append(cfg.Packages, "./"+strings.TrimPrefix(p, modulePath+"/"))
	}
	rep, err := runner.Run(ctx, cfg)
	if err != nil {
		return Result{}, err
	}
	res := Result{Packages: map[string]Outcome{}, Stress: rep.Stress}
	for _, p := range rep.Packages {
		res.Packages[p.Package] = Outcome{Seconds: time.Duration(p.Duration).Seconds()}
	}
	for _, s := range rep.Stress {
		o := res.Packages[s.Package]
		if s.Findings > 0 {
			o.Seconds += time.Duration(s.FoundAfter).Seconds()
		} else {
			o.Seconds += time.Duration(s.Duration).Seconds()
		}
		res.Packages[s.Package] = o
	}
	for _, f := range rep.Findings {
		o := res.Packages[f.Package]
		o.Detected = true
		if !slices.Contains(o.Kinds, string(f.Kind)) {
			o.Kinds = append(o.Kinds, string(f.Kind))
		}
		res.Packages[f.Package] = o
	}
	return res, nil
}

// modulePath is the corpus module's path.
const modulePath = "example.com/kernels"
