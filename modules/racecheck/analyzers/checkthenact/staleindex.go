package checkthenact

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A position in a slice found under a lock, used to write the slice under
// the lock taken again:
//
//	i := r.indexOf(s) // RLock; for i, x := range r.subs { if x == s { return i } }
//	if i < 0 {
//		return
//	}
//	r.removeAt(i) // Lock; r.subs[i] = r.subs[last]; r.subs = r.subs[:last]
//
// Between the two sections another goroutine can remove an earlier element
// or swap one into place, and the index then names another element (a
// connected subscriber is dropped while the departed one stays) or lies
// past the end (index out of range). Reported: a call of a method of the
// package that locks and writes a slice field of its receiver at, or
// around, an index it is handed (x.f[p] = …, x.f = append(x.f[:p], …),
// x.f = slices.Delete(x.f, p, p+1) and the like, p its parameter) and
// compares no element at that index with anything (which would look
// again), handed a local assigned once from a call of a method of the
// package that locks and answers the index of a range over the same field
// (or slices.Index or IndexFunc of it), with no lock held by the caller at
// both calls. The
// fix finds and writes under one lock, or looks for the element again
// under the writer's.

// checkStaleIndexes reports f's writes of a slice at an index found under a
// lock released since (see above).
func (c *checker) checkStaleIndexes(f *fn) {
	if testFile(c.pass, f.body.Pos()) || c.callerLocked(f) {
		return
	}
	var writes []*ast.CallExpr
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit {
			return false
		}
		if call, isCall := n.(*ast.CallExpr); isCall && len(call.Args) > 0 {
			writes = append(writes, call)
		}
		return true
	})
	var g *graph
	for _, w := range writes {
		for i, arg := range w.Args {
			v := c.localVar(f, arg)
			if v == nil || astq.Ident(arg) != astq.Unparen(arg) || !integer(v.Type()) {
				continue
			}
			find, isCall := astq.Unparen(c.onlyAssignment(f, v)).(*ast.CallExpr)
			if !isCall {
				continue
			}
			slice := c.indexFinder(find)
			if slice == "" || c.indexWriter(w, i) != slice {
				continue
			}
			if g == nil {
				g = c.graph(f)
			}
			fat, ok1 := g.calls[find]
			wat, ok2 := g.calls[w]
			if !ok1 || !ok2 || len(intersect(g.heldAt(c.locks, fat), g.heldAt(c.locks, wat))) > 0 {
				continue
			}
			fset := c.pass.Fset
			c.emit(ruleStaleIndex, analysis.Diagnostic{
				Pos: w.Pos(), End: w.End(),
				Message: fmt.Sprintf("%s writes %s at the index that %s found on line %d under a lock released since: another goroutine can change %s in between, and the index then names another element or lies past the end; find the element and write under one lock, or look for it again under the writer's",
					shortRender(fset, w), slice, shortRender(fset, find), fset.Position(find.Pos()).Line, slice),
				Related: []analysis.RelatedInformation{{Pos: find.Pos(), End: find.End(), Message: "the index found"}},
			})
		}
	}
}

// indexFinder returns, for a call of a method of the package whose body
// starts by taking a lock and that answers the index of a range over a
// slice field of its receiver (for i, x := range r.subs { … return i … }),
// that field in the caller's terms (r.subs); "" otherwise.
func (c *checker) indexFinder(call *ast.CallExpr) string {
	info := c.pass.TypesInfo
	d, recv, x, ok := c.packageMethod(call)
	if !ok || len(d.Body.List) < 2 || !c.lockStep(d.Body.List[0], true) {
		return ""
	}
	obj := info.Defs[d.Name].(*types.Func)
	if res := obj.Signature().Results(); res.Len() == 0 || !integer(res.At(0).Type()) {
		return ""
	}
	field := ""
	ast.Inspect(d.Body, func(n ast.Node) bool {
		if ret, isRet := n.(*ast.ReturnStmt); isRet && len(ret.Results) > 0 {
			// return slices.Index(r.subs, s), or IndexFunc.
			if call, isCall := astq.Unparen(ret.Results[0]).(*ast.CallExpr); isCall && len(call.Args) == 2 && pkgFunc(info, call, "slices", "Index", "IndexFunc") && sliceField(info, call.Args[0]) {
				if e, ok := rebase(info, call.Args[0], recv, x); ok {
					field = types.ExprString(e)
				}
			}
		}
		rs, isRange := n.(*ast.RangeStmt)
		if !isRange || field != "" {
			return field == ""
		}
		idx := astq.Ident(rs.Key)
		if idx == nil || idx.Name == "_" || !sliceField(info, rs.X) {
			return true
		}
		key := info.ObjectOf(idx)
		ast.Inspect(rs.Body, func(m ast.Node) bool {
			if ret, isRet := m.(*ast.ReturnStmt); isRet && len(ret.Results) > 0 && info.Uses[astq.Ident(ret.Results[0])] == key {
				if e, ok := rebase(info, rs.X, recv, x); ok {
					field = types.ExprString(e)
				}
			}
			return field == ""
		})
		return field == ""
	})
	return field
}

// indexWriter returns, for a call of a method of the package whose body
// starts by taking an exclusive lock and writes a slice field of its
// receiver at or around its parameter p (r.f[p] = …, r.f = append(r.f[:p],
// r.f[p+1:]...), r.f = r.f[:p]), that field in the caller's terms; ""
// otherwise.
func (c *checker) indexWriter(call *ast.CallExpr, p int) string {
	info := c.pass.TypesInfo
	d, recv, x, ok := c.packageMethod(call)
	if !ok || len(d.Body.List) < 2 {
		return ""
	}
	lock := lockCallOf(d.Body.List[0])
	if lock == nil {
		return ""
	}
	if key, acquire, isLock := c.locks.call(lock); !isLock || !acquire || !exclusive(key) {
		return ""
	}
	obj := info.Defs[d.Name].(*types.Func)
	params := obj.Signature().Params()
	if p >= params.Len() || !integer(params.At(p).Type()) {
		return ""
	}
	param := params.At(p)
	// at reports whether e indexes or slices the field at param.
	at := func(e ast.Expr, field string) bool {
		found := false
		ast.Inspect(e, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.IndexExpr:
				if types.ExprString(n.X) == field && usesObj(info, n.Index, param) {
					found = true
				}
			case *ast.SliceExpr:
				if types.ExprString(n.X) == field && (n.Low != nil && usesObj(info, n.Low, param) || n.High != nil && usesObj(info, n.High, param)) {
					found = true
				}
			case *ast.CallExpr:
				// slices.Delete(r.f, p, p+1), Insert and Replace.
				if len(n.Args) >= 2 && pkgFunc(info, n, "slices", "Delete", "Insert", "Replace") && types.ExprString(n.Args[0]) == field && usesObj(info, n.Args[1], param) {
					found = true
				}
			}
			return !found
		})
		return found
	}
	// A condition that compares the element at the index with something
	// looks again under the writer's lock (if r.subs[i] != s { return }).
	rechecked := false
	ast.Inspect(d.Body, func(n ast.Node) bool {
		if b, isBin := n.(*ast.BinaryExpr); isBin && (b.Op == token.EQL || b.Op == token.NEQ) {
			for _, side := range []ast.Expr{b.X, b.Y} {
				if ix, isIndex := astq.Unparen(side).(*ast.IndexExpr); isIndex && sliceField(info, ix.X) && usesObj(info, ix.Index, param) {
					rechecked = true
				}
			}
		}
		return !rechecked
	})
	if rechecked {
		return ""
	}
	out := ""
	ast.Inspect(d.Body, func(n ast.Node) bool {
		a, isAssign := n.(*ast.AssignStmt)
		if _, isLit := n.(*ast.FuncLit); isLit || out != "" {
			return false
		}
		if !isAssign || a.Tok != token.ASSIGN {
			return true
		}
		for i, l := range a.Lhs {
			target := astq.Unparen(l)
			if ix, isIndex := target.(*ast.IndexExpr); isIndex {
				target = astq.Unparen(ix.X)
			}
			if !sliceField(info, target) {
				continue
			}
			field := types.ExprString(target)
			if at(l, field) || i < len(a.Rhs) && at(a.Rhs[i], field) {
				if e, ok := rebase(info, target, recv, x); ok {
					out = types.ExprString(e)
				}
			}
		}
		return out == ""
	})
	return out
}

// lockCallOf returns the call a statement makes (x.mu.Lock()), or nil.
func lockCallOf(st ast.Stmt) *ast.CallExpr {
	es, isExpr := st.(*ast.ExprStmt)
	if !isExpr {
		return nil
	}
	call, _ := astq.Unparen(es.X).(*ast.CallExpr)
	return call
}

// sliceField reports whether e selects a field of slice type.
func sliceField(info *types.Info, e ast.Expr) bool {
	v := fieldVar(info, e)
	if v == nil {
		return false
	}
	_, isSlice := v.Type().Underlying().(*types.Slice)
	return isSlice
}

// pkgFunc reports whether call calls a function of the package path named
// one of names (slices.Index).
func pkgFunc(info *types.Info, call *ast.CallExpr, path string, names ...string) bool {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	return ok && fn.Pkg() != nil && fn.Pkg().Path() == path && fn.Signature().Recv() == nil && slices.Contains(names, fn.Name())
}
