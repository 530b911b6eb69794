package racereport

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/raceproof/raceproof/modules/racecheck/report"
)

// SplitFunc splits a runtime function name into its package import path and
// the symbol within it: "example.com/m/p.(*T).Run.func1" gives
// "example.com/m/p" and "(*T).Run.func1". The suffix "_test" of an external
// test package is removed from the package.
func SplitFunc(fn string) (pkg, sym string) {
	slash := strings.LastIndexByte(fn, '/')
	dot := strings.IndexByte(fn[slash+1:], '.')
	if dot < 0 {
		return "", fn
	}
	pkg, sym = fn[:slash+1+dot], fn[slash+1+dot+1:]
	return strings.TrimSuffix(pkg, "_test"), sym
}

// testName returns the test, fuzz target or benchmark a symbol belongs to:
// "TestFoo.func1.2" gives "TestFoo"; "helper" gives "".
func testName(sym string) string {
	name, _, _ := strings.Cut(sym, ".")
	for _, prefix := range []string{"Test", "Fuzz", "Benchmark", "Example"} {
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok {
			continue
		}
		if rest == "" {
			return name
		}
		if r, _ := utf8.DecodeRuneInString(rest); !unicode.IsLower(r) {
			return name
		}
	}
	return ""
}

// Attribute fills in Module, Package, Test and Location of a race seen while
// testing the module with path modulePath. The test is the first test,
// fuzz target or benchmark function found walking the access stacks, then
// the goroutine-creation stacks, innermost frame first. Location is the
// first frame of an access stack inside the module, or the first frame at
// all when no frame is.
func Attribute(r *report.Race, modulePath string) {
	r.Module = modulePath
	stacks := make([][]report.Frame, 0, len(r.Accesses)+len(r.Goroutines))
	for _, a := range r.Accesses {
		stacks = append(stacks, a.Frames)
	}
	for _, g := range r.Goroutines {
		stacks = append(stacks, g.Frames)
	}
	r.Location = report.Frame{}
	for _, s := range stacks[:len(r.Accesses)] {
		for _, f := range s {
			if r.Location.Function == "" && inModule(f.Function, modulePath) {
				r.Location = f
			}
		}
	}
	if r.Location.Function == "" {
	first:
		for _, s := range stacks {
			for _, f := range s {
				r.Location = f
				break first
			}
		}
	}
	r.Package, _ = SplitFunc(r.Location.Function)
	for _, s := range stacks {
		for _, f := range s {
			pkg, sym := SplitFunc(f.Function)
			if name := testName(sym); name != "" && pkg != "testing" && pkg != "main" {
				r.Test, r.Package = name, pkg
				return
			}
		}
	}
}

func inModule(fn, modulePath string) bool {
	pkg, _ := SplitFunc(fn)
	return pkg == modulePath || strings.HasPrefix(pkg, modulePath+"/")
}
