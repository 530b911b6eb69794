package runner

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/raceproof/raceproof/modules/racecheck/internal/stack"
	"github.com/raceproof/raceproof/modules/racecheck/report"
)

// leakMain is the TestMain racecheck adds, through go test -overlay, to
// every test package that has none: it runs the tests while watching for a
// test whose goroutine is blocked forever (printing deadlockMarker and the
// goroutines, then panicking), then writes the goroutine leak profile where
// RACECHECK_LEAK_PROFILE says. It is generated from package leakcheck
// (TestLeakMainIsLeakcheck).
//
//go:embed leakmain.go.txt
var leakMain string

// deadlockMarker starts the line the injected TestMain (leakcheck's
// DeadlockMarker) prints before the dump of a deadlocked test.
const deadlockMarker = "racecheck-deadlock:"

// leakMainFile is the name of the file racecheck adds to a package's
// directory, in the build only: nothing is written to the user's tree.
const leakMainFile = "zz_racecheck_leakmain_test.go"

// leakGODEBUG makes the runtime record, at every go statement, the stack
// that ran it, so a goroutine leaked by library code is traced back to the
// test that called the library.
const leakGODEBUG = "tracebackancestors=10"

var goVersionRE = regexp.MustCompile(`^go1\.(\d+)`)

// leakProfileSupported reports whether the toolchain has the goroutine leak
// profile (Go 1.26 and later, and development versions).
func leakProfileSupported(goVersion string) bool {
	m := goVersionRE.FindStringSubmatch(goVersion)
	if m == nil {
		return strings.HasPrefix(goVersion, "devel")
	}
	minor, _ := strconv.Atoi(m[1])
	return minor >= 26
}

// buildEnv is the extra environment of test builds: the leak profile
// experiment when leak detection is on.
func (r *run) buildEnv() []string {
	if !r.leaks {
		return nil
	}
	exp := os.Getenv("GOEXPERIMENT")
	if exp != "" {
		exp += ","
	}
	return []string{"GOEXPERIMENT=" + exp + "goroutineleakprofile"}
}

// runEnv is the extra environment of a test binary run that writes its leak
// profile to profile ("" when leak detection is off).
func (r *run) runEnv(profile string) []string {
	if !r.leaks {
		return nil
	}
	godebug := leakGODEBUG
	if user := os.Getenv("GODEBUG"); user != "" {
		godebug = user + "," + godebug
	}
	return []string{"RACECHECK_LEAK_PROFILE=" + profile, "GODEBUG=" + godebug}
}

// leakOverlay writes the TestMain of every test package of pkgs that has
// none into dir and returns the overlay entries that add it to the build.
// A package with its own TestMain that does not call leakcheck gets a note.
func (r *run) leakOverlay(m Module, pkgs []*Package, dir string) (map[string]string, error) {
	replace := map[string]string{}
	if !r.leaks {
		return replace, nil
	}
	for i, p := range pkgs {
		switch {
		case !p.HasTestFiles || p.Name == "" || p.UsesLeakcheck:
		case p.TestMain != nil:
			r.note(m, p, fmt.Sprintf("goroutine leak detection skipped in %s: it has its own TestMain; call os.Exit(leakcheck.Run(m)) there (package %s) to include it", p.ImportPath, leakcheckPath))
		case p.TestMainIsTest:
			r.note(m, p, fmt.Sprintf("goroutine leak detection skipped in %s: its test named TestMain takes the name of the TestMain racecheck would add", p.ImportPath))
		default:
			file := filepath.Join(dir, fmt.Sprintf("leakmain-%d.go", i))
			src := strings.Replace(leakMain, "package PACKAGE", "package "+p.Name, 1)
			if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
				return nil, fmt.Errorf("racecheck: %w", err)
			}
			replace[filepath.Join(p.Dir, leakMainFile)] = file
		}
	}
	return replace, nil
}

// writeOverlay writes a go build -overlay file for the replacements, or
// returns "" when there are none.
func writeOverlay(dir string, replace map[string]string) (string, error) {
	if len(replace) == 0 {
		return "", nil
	}
	b, err := json.Marshal(struct{ Replace map[string]string }{replace})
	if err != nil {
		return "", fmt.Errorf("racecheck: overlay: %w", err)
	}
	path := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return "", fmt.Errorf("racecheck: overlay: %w", err)
	}
	return path, nil
}

// note records a note once.
func (r *run) note(m Module, p *Package, msg string) {
	for _, n := range r.rep.Notes {
		if n.Message == msg {
			return
		}
	}
	n := report.Note{Module: m.Path, Message: msg}
	if p != nil {
		n.Package = p.ImportPath
	}
	r.rep.Notes = append(r.rep.Notes, n)
}

// leaks turns the goroutines of a leak profile into findings, one per place
// a goroutine waits and place it was started: goroutines blocked forever
// (the garbage collector found nothing that can wake them), and goroutines
// a test started that still wait on a channel, select, lock, wait group or
// condition variable a quarter of a second after the last test ended
// (something running can still wake them, a ticker for example, but nothing
// does: the test forgot to stop them). Goroutines that sleep, wait for I/O
// or were started outside the tests (by init or TestMain), or by a
// sync.Once (a worker a package starts on first use, for the life of the
// process), are left alone unless blocked forever.
func (c *classifier) leaks(profile string) []report.Finding {
	var out []report.Finding
	for _, g := range stack.Parse(profile) {
		lingering := !g.Leaked && waitsOnPrimitive(g.State) && !runsTests(g) && !watchesDeadlocks(g) && !startedByOnce(g) && goroutineTest(g) != ""
		if !g.Leaked && !lingering {
			continue
		}
		b := c.blockedOf(g)
		f := report.Finding{Kind: report.KindLeak, Module: c.m.Path, Package: c.pkg.ImportPath, Test: b.Test,
			Location: b.Location, Blocked: []report.Blocked{b}, Reproduce: c.r.racecheckReproduce(c.ws, c.m, c.pkg, c.replay)}
		f.Message = fmt.Sprintf("a goroutine is blocked forever in %s at %s", b.State, b.Location)
		if lingering {
			f.Message = fmt.Sprintf("a goroutine still waits in %s at %s after the tests ended", b.State, b.Location)
		}
		created := ""
		if b.CreatedAt != nil {
			f.Message += ", started at " + b.CreatedAt.String()
			created = b.CreatedAt.File + ":" + strconv.Itoa(b.CreatedAt.Line)
			f.Related = append(f.Related, withNote(*b.CreatedAt, "the goroutine was started here"))
		}
		if b.Test != "" {
			f.Message += " [" + b.Test + "]"
		}
		if f.Location.File == "" {
			f.Location = c.declOr(b.Test)
		}
		f.Fingerprint = report.Hash(string(report.KindLeak), c.m.Path, c.pkg.ImportPath, b.Test,
			b.State, f.Location.Module, f.Location.File, strconv.Itoa(f.Location.Line), created)
		out = append(out, f)
	}
	return out
}

func withNote(l report.Location, note string) report.Location {
	l.Note = note
	return l
}

// startedByOnce reports whether g was started inside a sync.Once's
// function (once.Do, OnceFunc, OnceValue): a package's worker started on
// first use and meant to run as long as the process.
func startedByOnce(g stack.Goroutine) bool {
	if len(g.Ancestors) == 0 {
		return false
	}
	for _, f := range g.Ancestors[0] {
		if strings.HasPrefix(f.Function, "sync.(*Once).") || strings.HasPrefix(f.Function, "sync.OnceFunc") || strings.HasPrefix(f.Function, "sync.OnceValue") {
			return true
		}
	}
	return false
}
