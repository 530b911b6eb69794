// Package sharedpointer defines an analyzer that reports an atomic store of
// a pointer to a variable that is written again: readers that load the
// pointer then read the variable while it is being written, a data race the
// atomic operation does not cover.
//
// # Analyzer sharedpointer
//
// sharedpointer: report atomic publication of a pointer to a mutable variable
//
// It reports Store(&x) and Swap(&x) on sync/atomic.Value, sync/atomic.Pointer[T]
// and lockfree.Value[T] when x (or the struct or array variable x.f / x[i]
// belongs to) is
//
//   - a package-level variable that is exported or assigned anywhere in the
//     package outside its declaration and init functions, or
//   - a local variable that is written after the store in the same function,
//     or written anywhere in a loop that repeats the store.
//
// Publishing a pointer through an atomic only makes the pointer's
// publication safe; the pointee must never change afterwards. Store a
// pointer to a fresh value instead (c := x; v.Store(&c)).
package sharedpointer

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// Analyzer reports atomic stores of pointers to variables that are written
// again.
var Analyzer = &analysis.Analyzer{
	Name: "sharedpointer",
	Doc:  "report Store/Swap of &x into atomic.Value, atomic.Pointer or lockfree.Value when x is written again",
	URL:  "https://github.com/raceproof/raceproof/tree/main/modules/racecheck/analyzers/sharedpointer",
	Run:  run,
}

// varWrite is a direct write of a variable's memory.
type varWrite struct {
	pos token.Pos
}

func run(pass *analysis.Pass) (any, error) {
	info := pass.TypesInfo
	// Every direct write of every variable in the package, by variable.
	writes := map[*types.Var][]varWrite{}
	record := func(e ast.Expr, pos token.Pos) {
		if v := astq.Root(info, e); v != nil {
			writes[v] = append(writes[v], varWrite{pos: pos})
		}
	}
	for _, fn := range astq.Funcs(pass.Files) {
		if fn.Name == "init" {
			// Package initialisation completes before any goroutine of
			// the package can load the pointer.
			continue
		}
		astq.Walk(fn.Body, func(n ast.Node, _ []ast.Node) {
			switch n := n.(type) {
			case *ast.AssignStmt:
				for _, l := range n.Lhs {
					if n.Tok == token.DEFINE {
						if id := astq.Ident(l); id != nil && info.Defs[id] != nil {
							continue
						}
					}
					record(l, n.Pos())
				}
			case *ast.IncDecStmt:
				record(n.X, n.Pos())
			case *ast.RangeStmt:
				if n.Tok == token.ASSIGN {
					for _, e := range []ast.Expr{n.Key, n.Value} {
						if e != nil {
							record(e, n.Pos())
						}
					}
				}
			}
		})
	}
	pkgScope := pass.Pkg.Scope()
	for _, fn := range astq.Funcs(pass.Files) {
		astq.Walk(fn.Body, func(n ast.Node, stack []ast.Node) {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 1 {
				return
			}
			recv, m, ok := astq.MethodCall(info, call)
			if !ok || m.Name() != "Store" && m.Name() != "Swap" {
				return
			}
			t := info.TypeOf(recv)
			if !astq.Named(t, "sync/atomic", "Value") && !astq.Named(t, "sync/atomic", "Pointer") && !astq.Named(t, astq.LockfreePath, "Value") {
				return
			}
			addr, ok := astq.Unparen(call.Args[0]).(*ast.UnaryExpr)
			if !ok || addr.Op != token.AND {
				return
			}
			x := astq.Root(info, addr.X)
			if x == nil {
				return
			}
			what := types.ExprString(recv) + "." + m.Name() + "(" + types.ExprString(call.Args[0]) + ")"
			if x.Parent() == pkgScope {
				if x.Exported() {
					astq.Reportf(pass, call.Pos(), "%s publishes a pointer to exported package-level variable %s, which any package can write while readers use the published pointer; store a pointer to a copy (c := %s; %s(&c)) and never mutate what was published",
						what, x.Name(), x.Name(), types.ExprString(call.Fun))
					return
				}
				if ws := writes[x]; len(ws) > 0 {
					astq.Reportf(pass, call.Pos(), "%s publishes a pointer to package-level variable %s, which is written at %s while readers may use the published pointer; store a pointer to a copy (c := %s; %s(&c)) and never mutate what was published",
						what, x.Name(), pass.Fset.Position(ws[0].pos), x.Name(), types.ExprString(call.Fun))
				}
				return
			}
			if w, ok := writtenAfter(info, x, call, stack, fn.Body, writes[x]); ok {
				astq.Reportf(pass, call.Pos(), "%s publishes a pointer to %s, which is written again at line %d while readers may use the published pointer; store a pointer to a fresh variable each time and never mutate what was published",
					what, x.Name(), pass.Fset.Position(w.pos).Line)
			}
		})
	}
	return nil, nil
}

// writtenAfter finds a write of local x that can run after the store call:
// later in the same function (and, when the store's block ends by leaving
// the function or loop iteration, inside that block), or anywhere inside a
// loop around the store that x is declared outside of.
func writtenAfter(info *types.Info, x *types.Var, call *ast.CallExpr, stack []ast.Node, body *ast.BlockStmt, ws []varWrite) (varWrite, bool) {
	inBody := x.Pos() >= body.Pos() && x.Pos() < body.End()
	isParam := x.Pos() < body.Pos() && x.Parent() != nil && x.Parent().End() == body.End()
	if !inBody && !isParam {
		// Captured from an enclosing function, whose other writes this
		// function cannot order against the store.
		return varWrite{}, false
	}
	lo, hi := call.End(), astq.Reach(info, stack, body)
	for _, w := range ws {
		if w.pos > lo && w.pos < hi {
			return w, true
		}
	}
	for i := len(stack) - 1; i >= 0; i-- {
		var loop ast.Node
		switch s := stack[i].(type) {
		case *ast.ForStmt:
			loop = s.Body
		case *ast.RangeStmt:
			loop = s.Body
		default:
			continue
		}
		if x.Pos() >= loop.Pos() && x.Pos() < loop.End() {
			continue
		}
		for _, w := range ws {
			if w.pos >= loop.Pos() && w.pos < loop.End() {
				return w, true
			}
		}
	}
	return varWrite{}, false
}
