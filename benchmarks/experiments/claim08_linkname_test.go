package experiments

import (
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

func TestClaim8LinkerRejectsRuntimeInternals(t *testing.T) {
	out, err := tryBuild("linkname")
	t.Logf("go build ./testdata/linkname: err=%v\n%s", err, out)
	if err == nil {
		t.Fatal("the linker accepted a pull linkname to runtime.mapIterStart")
	}
	if !strings.Contains(out, "invalid reference to runtime.mapIterStart") {
		t.Errorf("build failed for another reason: %s", out)
	}

	out, err = tryBuild("linkname", "-ldflags=-checklinkname=0")
	t.Logf("go build -ldflags=-checklinkname=0 ./testdata/linkname: err=%v %s", err, out)
	if err != nil {
		t.Errorf("with the check disabled the program should link: %v", err)
	}
}

func TestClaim8MapLookupAlreadyCallsTheRuntime(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command("go", "tool", "compile", "-p", "main", "-S", "-o", filepath.Join(dir, "maplookup.o"), "main.go")
	cmd.Dir = filepath.Join("testdata", "maplookup")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go tool compile: %v\n%s", err, out)
	}
	calls := mapCalls.FindAllString(string(out), -1)
	t.Logf("runtime calls emitted for `v, ok := m[k]` with string keys: %q", calls)
	if !slices.Contains(calls, "CALL\truntime.mapaccess2_faststr") {
		t.Errorf("m[k] did not compile to a call of runtime.mapaccess2_faststr: %q", calls)
	}
}

var mapCalls = regexp.MustCompile(`CALL\truntime\.map\w+`)
