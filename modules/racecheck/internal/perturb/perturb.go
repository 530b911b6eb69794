// Package perturb instruments Go source so that a test binary built from it
// yields or sleeps briefly, at random, at every concurrency point: before
// channel operations, select statements, go statements, calls to lock, wait
// group, condition variable, once, sync.Map and sync/atomic methods and
// functions, and at the start of every goroutine. A seed in the environment
// (SeedEnv) drives the choices; without it the inserted calls return at
// once. racecheck -stress builds test binaries from instrumented copies
// through go build -overlay: the user's files are never written.
//
// Instrumentation only inserts calls, on the same line as the statement
// they precede, so stack traces and race reports keep their line numbers
// (columns shift). It changes when goroutines run, never what they do.
package perturb

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
)

// SeedEnv is the environment variable that holds the perturbation seed of
// an instrumented test binary; unset or 0 disables perturbation.
const SeedEnv = "RACECHECK_PERTURB_SEED"

// yieldCall is inserted before every concurrency point.
const yieldCall = "racecheckYield__(); "

// FileName is the name of the file Yield adds to a package directory.
const FileName = "zz_racecheck_yield.go"

// XTestFileName is the name of the file XTestYield adds for an external
// test package.
const XTestFileName = "zz_racecheck_yield_x_test.go"

// methods are the names of the methods whose calls are concurrency points:
// those of sync.Mutex, RWMutex, WaitGroup, Cond, Once and Map, and the
// atomic types. Other types' methods of the same name are points too: a
// yield there is harmless.
var methods = map[string]bool{
	"Lock": true, "Unlock": true, "RLock": true, "RUnlock": true, "TryLock": true, "TryRLock": true,
	"Wait": true, "Add": true, "Done": true, "Go": true, "Signal": true, "Broadcast": true, "Do": true,
	"Load": true, "Store": true, "Swap": true, "CompareAndSwap": true, "LoadOrStore": true,
	"LoadAndDelete": true, "Delete": true, "CompareAndDelete": true, "Range": true, "Clear": true,
	"And": true, "Or": true,
}

// Instrument returns src with a yield before every statement that holds a
// concurrency point and at the start of every goroutine's function
// literal, and whether it inserted any. A file that does not parse, or
// uses cgo, is returned unchanged.
func Instrument(filename string, src []byte) ([]byte, bool) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filename, src, parser.SkipObjectResolution)
	if err != nil || slices.ContainsFunc(f.Imports, func(s *ast.ImportSpec) bool { return s.Path.Value == `"C"` }) {
		return src, false
	}
	atomics := importNames(f, "sync/atomic")
	var at []int // byte offsets to insert a yield at
	offset := func(p token.Pos) int { return fset.Position(p).Offset }
	statements := func(list []ast.Stmt) {
		for _, s := range list {
			if hasPoint(s, atomics) {
				at = append(at, offset(s.Pos()))
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BlockStmt:
			statements(n.List)
		case *ast.CaseClause:
			statements(n.Body)
		case *ast.CommClause:
			statements(n.Body)
		case *ast.GoStmt:
			if lit, ok := n.Call.Fun.(*ast.FuncLit); ok {
				at = append(at, offset(lit.Body.Lbrace)+1)
			}
		}
		return true
	})
	if len(at) == 0 {
		return src, false
	}
	slices.Sort(at)
	at = slices.Compact(at)
	var b bytes.Buffer
	b.Grow(len(src) + len(at)*len(yieldCall))
	prev := 0
	for _, o := range at {
		b.Write(src[prev:o])
		b.WriteString(yieldCall)
		prev = o
	}
	b.Write(src[prev:])
	return b.Bytes(), true
}

// importNames returns the names a file imports path under.
func importNames(f *ast.File, path string) map[string]bool {
	names := map[string]bool{}
	for _, s := range f.Imports {
		if p, _ := strconv.Unquote(s.Path.Value); p == path {
			name := path[strings.LastIndexByte(path, '/')+1:]
			if s.Name != nil {
				name = s.Name.Name
			}
			names[name] = true
		}
	}
	return names
}

// hasPoint reports whether a statement, not counting the statements nested
// in its blocks or function literals (they get their own yields), holds a
// concurrency point.
func hasPoint(s ast.Stmt, atomics map[string]bool) bool {
	switch s := s.(type) {
	case *ast.SendStmt, *ast.GoStmt, *ast.SelectStmt:
		return true
	case *ast.DeferStmt:
		return false // runs later; a yield now changes nothing
	case *ast.LabeledStmt:
		return hasPoint(s.Stmt, atomics)
	case *ast.IfStmt:
		return exprsHavePoint(atomics, s.Cond) || s.Init != nil && hasPoint(s.Init, atomics)
	case *ast.ForStmt:
		return exprsHavePoint(atomics, s.Cond) || s.Init != nil && hasPoint(s.Init, atomics)
	case *ast.RangeStmt:
		return exprsHavePoint(atomics, s.X)
	case *ast.SwitchStmt:
		return exprsHavePoint(atomics, s.Tag) || s.Init != nil && hasPoint(s.Init, atomics)
	case *ast.TypeSwitchStmt:
		return s.Init != nil && hasPoint(s.Init, atomics) || hasPoint(s.Assign, atomics)
	case *ast.BlockStmt, *ast.EmptyStmt, *ast.BranchStmt, *ast.CaseClause, *ast.CommClause:
		// Clauses are the bodies of switch and select blocks: nothing can
		// go before a case.
		return false
	}
	return nodeHasPoint(s, atomics)
}

func exprsHavePoint(atomics map[string]bool, es ...ast.Expr) bool {
	for _, e := range es {
		if e != nil && nodeHasPoint(e, atomics) {
			return true
		}
	}
	return false
}

// nodeHasPoint looks for a receive, a close, or a call of a concurrency
// method or of a sync/atomic function, outside function literals.
func nodeHasPoint(n ast.Node, atomics map[string]bool) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.UnaryExpr:
			found = n.Op == token.ARROW
		case *ast.CallExpr:
			switch fun := n.Fun.(type) {
			case *ast.Ident:
				found = fun.Name == "close"
			case *ast.SelectorExpr:
				x, isIdent := fun.X.(*ast.Ident)
				found = methods[fun.Sel.Name] || isIdent && atomics[x.Name]
			}
		}
		return !found
	})
	return found
}

// UsesConcurrency reports whether Go source starts goroutines, uses
// channels or select, or imports sync or sync/atomic: a package whose
// files all answer false has nothing to stress.
func UsesConcurrency(src []byte) bool {
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	if err != nil {
		return false
	}
	for _, s := range f.Imports {
		if p, _ := strconv.Unquote(s.Path.Value); p == "sync" || p == "sync/atomic" {
			return true
		}
	}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.GoStmt, *ast.SelectStmt, *ast.ChanType, *ast.SendStmt:
			found = true
		}
		return !found
	})
	return found
}

// Yield returns the source of the file that defines the inserted function
// in package pkg.
func Yield(pkg string) []byte {
	return []byte(strings.Replace(yieldSource, "package PACKAGE", "package "+pkg, 1))
}

// yieldSource is the inserted function. Each call mixes the seed with a
// per-package call counter (splitmix64) and, from the result, does nothing
// (most calls), yields the processor (about one in three), or delays the
// goroutine up to 64µs (one in sixteen) while the binary has been delayed
// less than 250ms in all, so that hot loops with millions of points slow
// down by yields only. A delay yields the processor once per microsecond of
// a calibrated spin and never uses a timer: inside a testing/synctest bubble
// time.Sleep waits on the bubble's fake clock, which does not advance while
// another goroutine of the bubble waits for a mutex, so a goroutine that
// slept holding a lock another one wants would never wake.
const yieldSource = `// Code generated by racecheck -stress; DO NOT EDIT.

package PACKAGE

import (
	racecheckOs__ "os"
	racecheckRuntime__ "runtime"
	racecheckStrconv__ "strconv"
	racecheckTime__ "time"
)

var racecheckStressSeed__, _ = racecheckStrconv__.ParseUint(racecheckOs__.Getenv("` + SeedEnv + `"), 10, 64)

// The yield's state is plain variables that only functions marked
// //go:norace touch: an atomic counter shared by every goroutine would be
// synchronisation in the race detector's eyes, an edge between any two
// goroutines that yield, and hide the very races -stress hunts. Their own
// races lose a count now and then, which only changes the schedule.
var racecheckStressCalls__, racecheckStressDelayed__, racecheckStressSink__ uint64

// racecheckStressSpinsPerMicro__ is how many rounds of racecheckStressSpin__
// take a microsecond, measured at start-up, outside any synctest bubble.
var racecheckStressSpinsPerMicro__ = racecheckStressCalibrate__()

func racecheckStressCalibrate__() uint64 {
	const rounds = 1 << 16
	start := racecheckTime__.Now()
	racecheckStressSpin__(rounds)
	micros := uint64(racecheckTime__.Since(start) / racecheckTime__.Microsecond)
	return max(rounds/max(micros, 1), 1)
}

//go:noinline
//go:norace
func racecheckStressSpin__(rounds uint64) {
	x := rounds
	for range rounds {
		x = x*6364136223846793005 + 1442695040888963407
	}
	racecheckStressSink__ = x
}

//go:norace
func racecheckYield__() {
	if racecheckStressSeed__ == 0 {
		return
	}
	racecheckStressCalls__++
	x := racecheckStressSeed__ + racecheckStressCalls__*0x9e3779b97f4a7c15
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	switch {
	case x%16 == 0 && racecheckStressDelayed__ < uint64(250*racecheckTime__.Millisecond):
		micros := x >> 40 % 64
		racecheckStressDelayed__ += micros * uint64(racecheckTime__.Microsecond)
		for range micros {
			racecheckRuntime__.Gosched()
			racecheckStressSpin__(racecheckStressSpinsPerMicro__)
		}
	case x%3 == 0:
		racecheckRuntime__.Gosched()
	}
}
`
