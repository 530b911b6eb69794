package checkthenact

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A flag of a shared object checked and set with plain reads and writes.
// An object loaded from a concurrent map (sync.Map or another map-like
// type, not a Go map) is the one every goroutine loading its key gets, so
// a field it is handed with is shared state; a branch on that field whose
// body sets it to a constant, with no lock held, lets two goroutines both
// pass the check before either sets it (and the plain read and write race
// under the race detector too). valyala/fasthttp's TCPDialer (fixed in
// 6d4db9b) let one goroutine re-resolve an expired DNS entry:
//
//	e, ok := item.(*tcpAddrEntry)  // item from d.tcpAddrsMap.Load(addr)
//	if … && !e.pending && time.Since(e.resolveTime) > d.DNSCacheDuration {
//		e.pending = true           // every goroutine that passed re-resolves
//
// Its fix swaps an int32 atomically. Reported: the assignment, in the body
// of an if statement whose condition reads the same field of the loaded
// value (or of a type assertion of it), of a constant, with no exclusive
// lock held there, in a function that is not a test's, when the body does
// more than set it (a body that only resets the flag repeats nothing).
// The field's own plain read and write race whatever the body does; that
// is the race detector's to find.

// checkLoadedFlags reports plain check-and-set of a field of an object f
// loaded from a concurrent map.
func (c *checker) checkLoadedFlags(f *fn) {
	info := c.pass.TypesInfo
	if testFile(c.pass, f.body.Pos()) || c.callerLocked(f) {
		return
	}
	loaded := map[types.Object]op{}
	for _, o := range f.ops {
		if o.kind != opLoad || o.plain || o.helper {
			continue
		}
		if value, _ := loadedVars(info, f.body, o.call); value != nil {
			loaded[value] = o
		}
	}
	if len(loaded) == 0 {
		return
	}
	// e := item.(*T), e, ok := item.(*T): the same object.
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit {
			return false
		}
		a, isAssign := n.(*ast.AssignStmt)
		if !isAssign || len(a.Rhs) != 1 || a.Tok != token.DEFINE {
			return true
		}
		ta, isTA := astq.Unparen(a.Rhs[0]).(*ast.TypeAssertExpr)
		if !isTA || ta.Type == nil {
			return true
		}
		if src := astq.Ident(ta.X); src != nil {
			if o, isLoaded := loaded[info.ObjectOf(src)]; isLoaded {
				if id := astq.Ident(a.Lhs[0]); id != nil && id.Name != "_" {
					loaded[info.ObjectOf(id)] = o
				}
			}
		}
		return true
	})
	var g *graph
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit {
			return false
		}
		ifs, isIf := n.(*ast.IfStmt)
		if !isIf {
			return true
		}
		read := c.loadedFields(ifs.Cond, loaded)
		if len(read) == 0 || len(ifs.Body.List) < 2 {
			// A body that only sets the flag does what a second
			// goroutine passing would do again: nothing more.
			return true
		}
		for _, st := range ifs.Body.List {
			a, isAssign := st.(*ast.AssignStmt)
			if !isAssign || a.Tok != token.ASSIGN || len(a.Lhs) != 1 || len(a.Rhs) != 1 || info.Types[a.Rhs[0]].Value == nil {
				continue
			}
			sel, isSel := astq.Unparen(a.Lhs[0]).(*ast.SelectorExpr)
			if !isSel {
				continue
			}
			field, isVar := info.ObjectOf(sel.Sel).(*types.Var)
			x := astq.Ident(sel.X)
			if !isVar || x == nil || read[field] != info.ObjectOf(x) {
				continue
			}
			if g == nil {
				g = c.graph(f)
			}
			if at, ok := stmtSite(g, a); !ok || len(g.heldAt(c.locks, at)) > 0 {
				continue
			}
			o := loaded[info.ObjectOf(x)]
			astq.Reportf(c.pass, a.Pos(), "%s is set here after the condition on line %d read it, on an object loaded from %s, which every goroutine loading %s shares, with no lock held: two goroutines can both pass the check before either sets it; make %s an atomic and decide with CompareAndSwap (or Swap)",
				render(c.pass.Fset, sel), c.pass.Fset.Position(ifs.Cond.Pos()).Line, render(c.pass.Fset, o.recv), render(c.pass.Fset, o.key), render(c.pass.Fset, sel))
		}
		return true
	})
}

// loadedFields returns the fields of loaded objects cond reads, each with
// the variable it is read through.
func (c *checker) loadedFields(cond ast.Expr, loaded map[types.Object]op) map[*types.Var]types.Object {
	info := c.pass.TypesInfo
	out := map[*types.Var]types.Object{}
	ast.Inspect(cond, func(n ast.Node) bool {
		sel, isSel := n.(*ast.SelectorExpr)
		if !isSel {
			return true
		}
		x := astq.Ident(sel.X)
		field, isVar := info.ObjectOf(sel.Sel).(*types.Var)
		if x == nil || !isVar || !field.IsField() {
			return true
		}
		if _, isLoaded := loaded[info.ObjectOf(x)]; isLoaded {
			out[field] = info.ObjectOf(x)
		}
		return true
	})
	return out
}

// stmtSite returns the site of a statement in g.
func stmtSite(g *graph, s ast.Stmt) (site, bool) {
	for _, b := range g.cfg.Blocks {
		for i, n := range b.Nodes {
			if n == s {
				return site{block: b, index: i}, true
			}
		}
	}
	return site{}, false
}
