// Package rangewrite defines an analyzer that reports a plain map ranged over
// and written concurrently by goroutines of one function, the sequence that
// crashes with "concurrent map iteration and map write".
//
// # Analyzer rangewrite
//
// rangewrite: report a map ranged over while a goroutine writes it
//
// In one function F it reports a map m (a variable or a field path, the same
// expression on both sides) when
//
//   - a goroutine started by F with `go func() { ... }()` writes m (m[k] = v,
//     m[k]++, delete(m, k), clear(m)) and F ranges over m after the go
//     statement, or
//   - such a goroutine ranges over m and F writes m after the go statement,
//     or
//   - two goroutines started by F one after the other do one each.
//
// It is deliberately conservative: nothing is reported when either goroutine
// body contains any synchronisation (a Lock/RLock/Wait/Do call, a channel
// operation, a select, or a sync/atomic call), or when F synchronises
// between the go statement and the other access. Both sides must be visible
// in F; goroutines that run named functions are not followed.
package rangewrite

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// Analyzer reports maps ranged over while a goroutine of the same function
// writes them.
var Analyzer = &analysis.Analyzer{
	Name: "rangewrite",
	Doc:  "report a plain map that a goroutine writes while the function that started it ranges over it (or the reverse)",
	URL:  "https://github.com/raceproof/raceproof/tree/main/modules/racecheck/analyzers/rangewrite",
	Run:  run,
}

// access is one range over or write of a map.
type access struct {
	m     ast.Expr
	pos   token.Pos
	write bool
}

// goroutine is a `go func() { ... }()` statement of the function.
type goroutine struct {
	stmt     *ast.GoStmt
	reach    token.Pos // end of the code that can run after the go statement
	accesses []access
	syncs    bool // the body synchronises somehow
}

func run(pass *analysis.Pass) (any, error) {
	for _, fn := range astq.Funcs(pass.Files) {
		checkFunc(pass, fn.Body)
	}
	return nil, nil
}

func checkFunc(pass *analysis.Pass, body *ast.BlockStmt) {
	info := pass.TypesInfo
	var gos []goroutine
	var own []access
	var syncs []token.Pos
	astq.Walk(body, func(n ast.Node, stack []ast.Node) {
		if g, ok := n.(*ast.GoStmt); ok {
			if lit, isLit := astq.Unparen(g.Call.Fun).(*ast.FuncLit); isLit {
				gr := goroutine{stmt: g, reach: astq.Reach(info, stack, body)}
				ast.Inspect(lit.Body, func(n ast.Node) bool {
					if a, ok := mapAccess(info, n); ok {
						gr.accesses = append(gr.accesses, a)
					}
					if isSync(info, n) {
						gr.syncs = true
					}
					return true
				})
				gos = append(gos, gr)
			}
			return
		}
		if insideGo(stack) {
			return
		}
		if a, ok := mapAccess(info, n); ok {
			own = append(own, a)
		}
		if isSync(info, n) {
			syncs = append(syncs, n.Pos())
		}
	})
	syncBetween := func(from, to token.Pos) bool {
		for _, p := range syncs {
			if p > from && p < to {
				return true
			}
		}
		return false
	}
	reported := map[token.Pos]bool{}
	report := func(at access, other access, g *ast.GoStmt) {
		if reported[at.pos] {
			return
		}
		reported[at.pos] = true
		what := "ranges over"
		if at.write {
			what = "writes"
		}
		otherWhat := "writes"
		if !other.write {
			otherWhat = "ranges over"
		}
		astq.Reportf(pass, at.pos, "this %s map %s while the goroutine started on line %d %s it (line %d) with no lock both sides hold: concurrent map iteration and map write crashes the program; guard both with one mutex or wait for the goroutine first",
			what, types.ExprString(at.m), pass.Fset.Position(g.Pos()).Line, otherWhat, pass.Fset.Position(other.pos).Line)
	}
	for i, g := range gos {
		if g.syncs {
			continue
		}
		for _, ga := range g.accesses {
			for _, a := range own {
				if a.write == ga.write || a.pos < g.stmt.End() || a.pos >= g.reach || !astq.Same(info, a.m, ga.m) || syncBetween(g.stmt.End(), a.pos) {
					continue
				}
				report(a, ga, g.stmt)
			}
			for _, h := range gos[i+1:] {
				if h.syncs || h.stmt.Pos() >= g.reach || syncBetween(g.stmt.End(), h.stmt.Pos()) {
					continue
				}
				for _, ha := range h.accesses {
					if ha.write != ga.write && astq.Same(info, ha.m, ga.m) {
						report(ha, ga, g.stmt)
					}
				}
			}
		}
	}
}

// insideGo reports whether the node whose ancestors are stack is part of a
// go statement (its function literal is handled as the goroutine).
func insideGo(stack []ast.Node) bool {
	for _, n := range stack {
		if _, ok := n.(*ast.GoStmt); ok {
			return true
		}
	}
	return false
}

// mapAccess recognises a range over a map or a write of a map.
func mapAccess(info *types.Info, n ast.Node) (access, bool) {
	isMap := func(e ast.Expr) bool {
		t := info.TypeOf(e)
		if t == nil {
			return false
		}
		_, ok := t.Underlying().(*types.Map)
		return ok
	}
	indexed := func(e ast.Expr) (ast.Expr, bool) {
		ix, ok := astq.Unparen(e).(*ast.IndexExpr)
		if !ok || !isMap(ix.X) {
			return nil, false
		}
		return ix.X, true
	}
	switch n := n.(type) {
	case *ast.RangeStmt:
		if isMap(n.X) {
			return access{m: n.X, pos: n.Pos()}, true
		}
	case *ast.AssignStmt:
		for _, l := range n.Lhs {
			if m, ok := indexed(l); ok {
				return access{m: m, pos: n.Pos(), write: true}, true
			}
		}
	case *ast.IncDecStmt:
		if m, ok := indexed(n.X); ok {
			return access{m: m, pos: n.Pos(), write: true}, true
		}
	case *ast.CallExpr:
		id := astq.Ident(n.Fun)
		if id == nil || len(n.Args) == 0 {
			return access{}, false
		}
		if b, ok := info.ObjectOf(id).(*types.Builtin); ok && (b.Name() == "delete" || b.Name() == "clear") && isMap(n.Args[0]) {
			return access{m: n.Args[0], pos: n.Pos(), write: true}, true
		}
	}
	return access{}, false
}

// isSync reports whether n may synchronise with another goroutine.
func isSync(info *types.Info, n ast.Node) bool {
	switch n := n.(type) {
	case *ast.SendStmt, *ast.SelectStmt:
		return true
	case *ast.UnaryExpr:
		return n.Op == token.ARROW
	case *ast.RangeStmt:
		if t := info.TypeOf(n.X); t != nil {
			_, isChan := t.Underlying().(*types.Chan)
			return isChan
		}
	case *ast.CallExpr:
		if id := astq.Ident(n.Fun); id != nil {
			if b, ok := info.ObjectOf(id).(*types.Builtin); ok && b.Name() == "close" {
				return true
			}
		}
		sel, ok := astq.Unparen(n.Fun).(*ast.SelectorExpr)
		if !ok {
			return false
		}
		switch sel.Sel.Name {
		case "Lock", "RLock", "Unlock", "RUnlock", "Wait", "Do", "Done", "Signal", "Broadcast":
			return true
		}
		if obj := info.ObjectOf(sel.Sel); obj != nil && obj.Pkg() != nil && obj.Pkg().Path() == "sync/atomic" {
			return true
		}
	}
	return false
}
