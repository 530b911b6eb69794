package vet_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raceproof/raceproof/modules/racecheck/report"
	"github.com/raceproof/raceproof/modules/racecheck/vet"
)

// fixable holds three mechanical check-then-act sequences with suggested
// fixes, one that needs a hand-written CAS loop, and code that must stay
// untouched.
const fixable = `package fixme

import "sync"

type registry struct {
	mu    sync.Mutex
	names sync.Map
}

type entry struct {
	id   int
	tags []string
}

func (r *registry) add(name string, owner *entry) {
	if _, ok := r.names.Load(name); !ok {
		r.names.Store(name, owner)
	}
}

func addEntry(m *sync.Map, k string, id int) {
	if _, loaded := m.Load(k); !loaded {
		m.Store(k, &entry{id: id, tags: []string{"new"}})
	}
}

func addCounter(m *sync.Map, k string, start int) {
	// A comment that must survive.
	if _, ok := (m.Load(k)); !ok {
		m.Store(k, int64(start))
	}
}

func increment(m *sync.Map, k string) {
	v, _ := m.Load(k)
	m.Store(k, v.(int)+1)
}

func (r *registry) addLocked(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.names.Load(name); !ok {
		r.names.Store(name, 1)
	}
}
`

func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files["go.mod"] = "module example.com/fixme\n\ngo 1.25.0\n"
	for name, src := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644))
	}
	return dir
}

func goCmd(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go %s:\n%s", strings.Join(args, " "), out)
}

// TestFixCompilesAndVets applies every suggested fix to a module and proves
// the result builds, passes go vet, and leaves only the diagnostic that has
// no mechanical fix.
func TestFixCompilesAndVets(t *testing.T) {
	t.Setenv("GOWORK", "off")
	t.Setenv("GOFLAGS", "-mod=mod")
	dir := writeModule(t, map[string]string{"fixme.go": fixable})

	var stdout, stderr bytes.Buffer
	code := vet.Run([]string{"-fix", "-C", dir, "./..."}, &stdout, &stderr)
	require.Equal(t, report.ExitFindings, code, "stdout:\n%s\nstderr:\n%s", &stdout, &stderr)
	assert.Equal(t, 3, strings.Count(stdout.String(), ": fixed: "), stdout.String())
	assert.Contains(t, stdout.String(), "fixme.go:36:2: m.Store(k) after m.Load(k) on line 35 stores a value computed from the loaded one")

	got, err := os.ReadFile(filepath.Join(dir, "fixme.go"))
	require.NoError(t, err)
	src := string(got)
	assert.Contains(t, src, "\tr.names.LoadOrStore(name, owner)\n")
	assert.Contains(t, src, "\tm.LoadOrStore(k, &entry{id: id, tags: []string{\"new\"}})\n")
	assert.Contains(t, src, "\t// A comment that must survive.\n\tm.LoadOrStore(k, int64(start))\n")
	assert.Contains(t, src, "\tm.Store(k, v.(int)+1)\n")
	assert.Contains(t, src, "\tif _, ok := r.names.Load(name); !ok {\n\t\tr.names.Store(name, 1)\n")

	goCmd(t, dir, "build", "./...")
	goCmd(t, dir, "vet", "./...")

	stdout.Reset()
	stderr.Reset()
	code = vet.Run([]string{"-C", dir, "./..."}, &stdout, &stderr)
	assert.Equal(t, report.ExitFindings, code, stderr.String())
	assert.Equal(t, 1, strings.Count(stdout.String(), "\n"), stdout.String())
	assert.Contains(t, stdout.String(), "use a CompareAndSwap loop [checkthenact/lost-update]")
}

// TestExitCodes checks the documented exit codes: clean, diagnostics and
// the error cases.
func TestExitCodes(t *testing.T) {
	t.Setenv("GOWORK", "off")
	t.Setenv("GOFLAGS", "-mod=mod")
	clean := writeModule(t, map[string]string{"ok.go": "package fixme\n\nimport \"sync\"\n\nfunc f(m *sync.Map) { m.LoadOrStore(1, 2) }\n"})
	broken := writeModule(t, map[string]string{"bad.go": "package fixme\n\nfunc f() { undefined() }\n"})
	dirty := writeModule(t, map[string]string{"fixme.go": fixable})

	tests := []struct {
		name string
		args []string
		want int
		out  string
	}{
		{"clean", []string{"-C", clean, "./..."}, report.ExitClean, ""},
		{"diagnostics", []string{"-C", dirty, "./..."}, report.ExitFindings, "[checkthenact/insert-if-absent]"},
		{"every rule found skipped", []string{"-C", dirty, "-skip", "insert-if-absent,lost-update", "./..."}, report.ExitClean, ""},
		{"unknown rule", []string{"-C", dirty, "-skip", "insert-if-absent,nosuch", "./..."}, report.ExitBroken, ""},
		{"only other analyzer", []string{"-C", dirty, "-only", "rangewrite,sharedpointer", "./..."}, report.ExitClean, ""},
		{"json", []string{"-C", dirty, "-json", "./..."}, report.ExitFindings, `"category": "lost-update"`},
		{"type error", []string{"-C", broken, "./..."}, report.ExitBroken, ""},
		{"unknown analyzer", []string{"-only", "nosuch", "./..."}, report.ExitBroken, ""},
		{"bad flag", []string{"-nosuchflag"}, report.ExitBroken, ""},
		{"help", []string{"-h"}, report.ExitClean, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := vet.Run(tt.args, &stdout, &stderr)
			assert.Equal(t, tt.want, code, "stdout:\n%s\nstderr:\n%s", &stdout, &stderr)
			if tt.out != "" {
				assert.Contains(t, stdout.String(), tt.out)
			}
		})
	}
}

// TestSkip checks that -skip leaves out the findings of the rules it names
// and keeps the others, and that a misspelt rule is an error that lists
// the rules.
func TestSkip(t *testing.T) {
	t.Setenv("GOWORK", "off")
	t.Setenv("GOFLAGS", "-mod=mod")
	dirty := writeModule(t, map[string]string{"fixme.go": fixable})

	var stdout, stderr bytes.Buffer
	code := vet.Run([]string{"-C", dirty, "-skip", "insert-if-absent", "./..."}, &stdout, &stderr)
	assert.Equal(t, report.ExitFindings, code, stderr.String())
	assert.Equal(t, []string{"fixme.go:36:2: m.Store(k) after m.Load(k) on line 35"}, firstWords(stdout.String()))
	assert.Contains(t, stdout.String(), "[checkthenact/lost-update]\n")

	stdout.Reset()
	code = vet.Run([]string{"-C", dirty, "-skip", "lost-updates", "./..."}, &stdout, &stderr)
	assert.Equal(t, report.ExitBroken, code)
	assert.Empty(t, stdout.String())
	assert.Contains(t, stderr.String(), `racecheck vet: -skip: unknown rule "lost-updates" (rules: lost-update, stale-replace,`)
}

// firstWords returns each line of out up to " stores", " runs" or " is".
func firstWords(out string) []string {
	var heads []string
	for line := range strings.Lines(out) {
		for _, verb := range []string{" stores", " runs", " is"} {
			if i := strings.Index(line, verb); i >= 0 {
				line = line[:i]
				break
			}
		}
		heads = append(heads, line)
	}
	return heads
}

// TestBrokenPackageDoesNotHideOthers checks that a package that does not
// type-check (nor one that imports it) stops the others from being
// analyzed: their diagnostics are printed, the packages left out are
// named, and the run still exits ExitBroken because it is incomplete.
func TestBrokenPackageDoesNotHideOthers(t *testing.T) {
	t.Setenv("GOWORK", "off")
	t.Setenv("GOFLAGS", "-mod=mod")
	dir := writeModule(t, map[string]string{"fixme.go": fixable})
	for pkg, src := range map[string]string{
		"bad":     "package bad\n\nfunc F() { undefined() }\n",
		"usesbad": "package usesbad\n\nimport \"example.com/fixme/bad\"\n\nfunc G() { bad.F() }\n",
	} {
		require.NoError(t, os.Mkdir(filepath.Join(dir, pkg), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, pkg, pkg+".go"), []byte(src), 0o644))
	}
	for _, args := range [][]string{{"-C", dir, "./..."}, {"-C", dir, "-json", "./..."}} {
		var stdout, stderr bytes.Buffer
		code := vet.Run(args, &stdout, &stderr)
		assert.Equal(t, report.ExitBroken, code, "stdout:\n%s\nstderr:\n%s", &stdout, &stderr)
		assert.Contains(t, stdout.String(), "checkthenact", "the package that loads is still analyzed")
		assert.Contains(t, stderr.String(), "undefined: undefined")
		assert.Contains(t, stderr.String(), "not analyzed: example.com/fixme/bad, example.com/fixme/usesbad")
	}

	// Fixes are applied to the packages that load, never to the others.
	var stdout, stderr bytes.Buffer
	assert.Equal(t, report.ExitBroken, vet.Run([]string{"-C", dir, "-fix", "./..."}, &stdout, &stderr), "stderr:\n%s", &stderr)
	assert.Contains(t, stdout.String(), "fixed:")
}

// TestVettool builds cmd/racecheck-vet and runs it under go vet -vettool,
// the second of the three ways to run the analyzers.
func TestVettool(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	tool := filepath.Join(t.TempDir(), "racecheck-vet")
	build := exec.Command("go", "build", "-o", tool, "github.com/raceproof/raceproof/modules/racecheck/cmd/racecheck-vet")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	t.Setenv("GOWORK", "off")
	t.Setenv("GOFLAGS", "-mod=mod")
	dir := writeModule(t, map[string]string{"fixme.go": fixable})
	cmd := exec.Command("go", "vet", "-vettool="+tool, "./...")
	cmd.Dir = dir
	out, err = cmd.CombinedOutput()
	require.Error(t, err, "go vet must fail on diagnostics")
	assert.Equal(t, 4, strings.Count(string(out), "after r.names.Load(name)")+strings.Count(string(out), "after m.Load(k)"), "%s", out)
}

// TestJSONListsEachDiagnosticOnce: a package with an in-package test file
// is analysed twice (the package and its test variant); -json must still
// list each diagnostic once, under the package.
func TestJSONListsEachDiagnosticOnce(t *testing.T) {
	t.Setenv("GOWORK", "off")
	t.Setenv("GOFLAGS", "-mod=mod")
	dir := writeModule(t, map[string]string{
		"fixme.go":      fixable,
		"fixme_test.go": "package fixme\n\nimport \"testing\"\n\nfunc TestNothing(t *testing.T) {}\n",
	})
	var stdout, stderr bytes.Buffer
	code := vet.Run([]string{"-C", dir, "-json", "./..."}, &stdout, &stderr)
	require.Equal(t, report.ExitFindings, code, stderr.String())
	var tree map[string]map[string][]struct {
		Posn    string `json:"posn"`
		Message string `json:"message"`
	}
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &tree), stdout.String())
	require.Len(t, tree, 1, stdout.String())
	diags := tree["example.com/fixme"]["checkthenact"]
	assert.Len(t, diags, 4, stdout.String())
	seen := map[string]bool{}
	for _, d := range diags {
		assert.False(t, seen[d.Posn], "listed twice: %s", d.Posn)
		seen[d.Posn] = true
	}
}
