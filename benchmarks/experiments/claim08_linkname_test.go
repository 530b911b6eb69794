package experiments

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Claim 8: "go:linkname to runtime map functions is a usable way to speed up
// a map."
// Verdict: false. Since Go 1.23 the linker's -checklinkname (on by default,
// go.dev/issue/67401) rejects references to runtime internals that the
// runtime does not explicitly mark as linkable. The map entry points that
// stay linkable (mapaccess1/2, mapassign, ... kept for old packages, "do not
// change the signature") are exactly what the compiler already calls for
// m[k], so linking to them gains nothing; their pointer arguments changed
// meaning when Go 1.24 switched maps to Swiss tables, so code that poked at
// the old layout broke. Disabling the check (-ldflags=-checklinkname=0) is a
// build flag every user of your package would have to set.
//
// Each experiment has a configuration in which its effect is absent and its
// verdict must fail: the build with the check disabled, and the compilation
// of a function that looks up no map.

// claim8LinkVerdict: the build must have failed on the linkname reference.
func claim8LinkVerdict(out string, err error) error {
	if err == nil {
		return fmt.Errorf("the linker accepted a pull linkname to runtime.mapIterStart")
	}
	if !strings.Contains(out, "invalid reference to runtime.mapIterStart") {
		return fmt.Errorf("the build failed for another reason: %s", out)
	}
	return nil
}

func TestClaim8LinkerRejectsRuntimeInternals(t *testing.T) {
	out, err := tryBuild("linkname")
	t.Logf("go build ./testdata/linkname: err=%v\n%s", err, out)
	conclude(t, claim8LinkVerdict(out, err))
}

// TestClaim8ExperimentFailsWithTheCheckDisabled: with -checklinkname=0 the
// program links, so the verdict must fail (and the escape hatch works).
func TestClaim8ExperimentFailsWithTheCheckDisabled(t *testing.T) {
	out, err := tryBuild("linkname", "-ldflags=-checklinkname=0")
	t.Logf("go build -ldflags=-checklinkname=0 ./testdata/linkname: err=%v %s", err, out)
	if err != nil {
		t.Fatalf("with the check disabled the program should link: %v", err)
	}
	if claim8LinkVerdict(out, err) == nil {
		t.Error("the verdict passed for a build that linked")
	}
}

var mapCalls = regexp.MustCompile(`CALL\truntime\.map\w+`)

// compileCalls compiles one standalone file with go tool compile -S and
// returns the runtime map functions its code calls.
func compileCalls(t *testing.T, dir, file string) []string {
	t.Helper()
	cmd := exec.Command("go", "tool", "compile", "-p", "main", "-S", "-o", filepath.Join(t.TempDir(), "out.o"), file)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go tool compile: %v\n%s", err, out)
	}
	return mapCalls.FindAllString(string(out), -1)
}

// claim8LookupVerdict: the lookup must compile to the linkable runtime function.
func claim8LookupVerdict(calls []string) error {
	if !slices.Contains(calls, "CALL\truntime.mapaccess2_faststr") {
		return fmt.Errorf("m[k] did not compile to a call of runtime.mapaccess2_faststr: %q", calls)
	}
	return nil
}

func TestClaim8MapLookupAlreadyCallsTheRuntime(t *testing.T) {
	calls := compileCalls(t, filepath.Join("testdata", "maplookup"), "main.go")
	t.Logf("runtime calls emitted for `v, ok := m[k]` with string keys: %q", calls)
	conclude(t, claim8LookupVerdict(calls))
}

// TestClaim8LookupVerdictFailsWithoutALookup compiles a function that looks
// up no map: the verdict must fail.
func TestClaim8LookupVerdictFailsWithoutALookup(t *testing.T) {
	dir := t.TempDir()
	src := "package main\n\n//go:noinline\nfunc at(s []int, i int) int { return s[i] }\n\nfunc main() { println(at([]int{1}, 0)) }\n"
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	calls := compileCalls(t, dir, "main.go")
	if claim8LookupVerdict(calls) == nil {
		t.Errorf("the verdict passed for code without a map lookup: %q", calls)
	}
}
