package runner

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"

	"github.com/raceproof/raceproof/modules/racecheck/internal/gocmd"
	"github.com/raceproof/raceproof/modules/racecheck/report"
)

// buildEvent is one line of go test -c -json (a build-output or build-fail
// action).
type buildEvent struct {
	ImportPath string
	Action     string
	Output     string
}

// buildResult is what one go test -c invocation produced.
type buildResult struct {
	// binaries maps import paths to their test binary; packages without
	// test files have none.
	binaries map[string]string
	// failed maps each package that did not compile (or failed go test's
	// vet checks) to the go command's output for it.
	failed map[string]string
}

// buildTests compiles the test binaries of pkgs into dir with go test -c,
// as few invocations as binary names allow. env is added to the
// workspace's environment (GOEXPERIMENT); flags (-race, -fuzz=., -overlay)
// go before the packages.
func (r *run) buildTests(ctx context.Context, ws Workspace, m Module, pkgs []*Package, dir string, env []string, flags ...string) (buildResult, error) {
	res := buildResult{binaries: map[string]string{}, failed: map[string]string{}}
	for i, batch := range batchByExecName(pkgs) {
		out := filepath.Join(dir, fmt.Sprint(i)) + string(filepath.Separator)
		args := append([]string{"test", "-c", "-json", "-o", out}, flags...)
		for _, p := range batch {
			args = append(args, p.ImportPath)
		}
		var stdout, stderr bytes.Buffer
		inv := gocmd.Go(r.cfg.Go, m.Dir, gocmd.Environ(ws.Env(), env...), args...)
		inv.Stdout, inv.Stderr = &stdout, &stderr
		runErr := inv.Command(ctx).Run()
		if ctx.Err() != nil {
			return res, fmt.Errorf("racecheck: %w", ctx.Err())
		}
		outputs := map[string]*strings.Builder{}
		var loose strings.Builder
		sc := bufio.NewScanner(&stdout)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		for sc.Scan() {
			var ev buildEvent
			if json.Unmarshal(sc.Bytes(), &ev) != nil || ev.Action == "" {
				loose.WriteString(sc.Text() + "\n")
				continue
			}
			pkg, _, _ := strings.Cut(ev.ImportPath, " ")
			switch ev.Action {
			case "build-output":
				if outputs[pkg] == nil {
					outputs[pkg] = &strings.Builder{}
				}
				outputs[pkg].WriteString(ev.Output)
			case "build-fail":
				res.failed[pkg] = ""
			}
		}
		for pkg := range res.failed {
			if b := outputs[pkg]; b != nil {
				res.failed[pkg] = b.String()
			}
		}
		for _, p := range batch {
			bin := filepath.Join(out, execName(p.ImportPath)+".test")
			if runtime.GOOS == "windows" {
				bin += ".exe"
			}
			if _, err := os.Stat(bin); err == nil {
				res.binaries[p.ImportPath] = bin
			}
		}
		if runErr != nil && len(res.failed) == 0 {
			// The go command failed before building anything (a bad go.mod,
			// a missing dependency): everything it printed is the message.
			msg := strings.TrimSpace(stderr.String() + "\n" + loose.String())
			return res, fmt.Errorf("racecheck: %s: %w:\n%s", inv, runErr, msg)
		}
	}
	return res, nil
}

// addBuildFindings records one build finding per package that failed to
// compile, and marks the packages whose tests could not be built.
func (r *run) addBuildFindings(ws Workspace, m Module, pkgs []*Package, res buildResult) {
	byPath := map[string]*Package{}
	for _, p := range pkgs {
		byPath[p.ImportPath] = p
	}
	// The go command files a missing dependency's error under the
	// dependency's import path; it is the failure of the package that
	// imports it, which its output names.
	for _, pkg := range sortedKeys(res.failed) {
		if byPath[pkg] != nil {
			continue
		}
		out := res.failed[pkg]
		if owner := failingImporter(out, byPath); owner != "" {
			delete(res.failed, pkg)
			res.failed[owner] += out
		}
	}
	for _, p := range pkgs {
		if _, ok := res.binaries[p.ImportPath]; !ok && p.HasTestFiles {
			r.broken[p.ImportPath] = true
			if _, failed := res.failed[p.ImportPath]; !failed {
				// No binary and no error from the go command (GOFLAGS=-n,
				// or a binary name racecheck did not expect): its tests
				// cannot run, and a run that skipped them is not clean.
				res.failed[p.ImportPath] = "go test -c reported no error but wrote no test binary for " + p.ImportPath
			}
		}
	}
	for _, pkg := range sortedKeys(res.failed) {
		out := res.failed[pkg]
		r.broken[pkg] = true
		f := report.Finding{Kind: report.KindBuild, Module: m.Path, Package: pkg, Output: r.text(out)}
		f.Location, f.Message = r.compilerMessage(m, out)
		if f.Location.File == "" {
			f.Location = r.fallbackLocation(m, byPath[pkg])
		}
		rel := "./..."
		if p := byPath[pkg]; p != nil {
			rel = p.rel(m)
		}
		f.Reproduce = r.reproduce(ws, m, "test", "-count=1", "-run=^$", rel)
		f.Fingerprint = report.Hash(string(report.KindBuild), m.Path, pkg)
		r.add(f)
	}
}

var importedByRE = regexp.MustCompile(`\(imported by (\S+?)\)|^# (\S+)`)

// failingImporter returns the package of byPath a build failure's output
// names as the importer of what failed ("imported by P", or the "# P"
// header go test prints), or "".
func failingImporter(out string, byPath map[string]*Package) string {
	for l := range strings.SplitSeq(out, "\n") {
		if m := importedByRE.FindStringSubmatch(l); m != nil {
			name, _, _ := strings.Cut(m[1]+m[2], " ")
			if byPath[name] != nil {
				return name
			}
		}
	}
	return ""
}

var compilerLineRE = regexp.MustCompile(`^(\S+?\.go):(\d+)(?::\d+)?: (.+)$`)

// compilerMessage finds the first "file.go:line:col: message" line of the
// go command's output for a package (paths relative to the module
// directory) and returns its location and a one-line message. Vet's checks
// that go test runs are told apart by the "# [pkg]" header go test prints.
func (r *run) compilerMessage(m Module, out string) (report.Location, string) {
	vet := false
	for l := range strings.SplitSeq(out, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "# [") {
			vet = true
		}
		mm := compilerLineRE.FindStringSubmatch(l)
		if mm == nil {
			continue
		}
		var line int
		fmt.Sscan(mm[2], &line)
		loc := r.paths.Locate(mm[1], line, "", m.Dir)
		what := "does not compile"
		if vet {
			what = "fails go test's vet checks"
		}
		return loc, fmt.Sprintf("%s: %s:%d: %s", what, path.Base(loc.File), line, mm[3])
	}
	if l := firstLine(out); l != "" {
		return report.Location{}, "does not build: " + r.text(l)
	}
	return report.Location{}, "does not build"
}

// batchByExecName splits packages into batches in which no two test
// binaries would get the same file name.
func batchByExecName(pkgs []*Package) [][]*Package {
	var batches [][]*Package
	var names []map[string]bool
	for _, p := range pkgs {
		n := execName(p.ImportPath)
		i := 0
		for ; i < len(batches) && names[i][n]; i++ {
		}
		if i == len(batches) {
			batches = append(batches, nil)
			names = append(names, map[string]bool{})
		}
		batches[i] = append(batches[i], p)
		names[i][n] = true
	}
	return batches
}

// majorVersionRE matches the elements the go command takes for a major
// version suffix: v2 and up, with no leading zero (v0, v1 and v01 are
// ordinary names).
var majorVersionRE = regexp.MustCompile(`^v([2-9]|[1-9][0-9]+)$`)

// execName is the base name go test -c gives a package's test binary: the
// last element of its import path, or the one before a major version
// suffix such as /v2.
func execName(importPath string) string {
	elems := strings.Split(importPath, "/")
	n := elems[len(elems)-1]
	if majorVersionRE.MatchString(n) && len(elems) > 1 {
		n = elems[len(elems)-2]
	}
	return n
}
