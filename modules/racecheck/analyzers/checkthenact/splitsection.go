package checkthenact

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A Go map's entry read in a function literal that a locking method runs,
// and written in a literal that a second call runs, with the decision made
// in between, outside both:
//
//	var free bool
//	v.read(func(s *seatMap) { free = s.owner[seat] == "" }) // RLock; fn(&v.s); RUnlock
//	if !free {
//		return ErrTaken
//	}
//	v.write(func(s *seatMap) { s.owner[seat] = buyer }) // Lock; fn(&v.s); Unlock
//
// Each literal runs under the lock, but the lock is released between them:
// two bookings that both read the seat free both write it, and the first
// buyer, charged, loses the seat. Reported: a write (m[k] = v, delete(m, k))
// of a map field in a literal handed to a section runner (a method of the
// package whose body starts by taking an exclusive lock and calls its
// function parameter), when an earlier literal handed to a section runner
// of the same receiver reads the same field at the same key (a variable of
// f, not of either literal) into a variable of f, which an if statement of
// f between the two calls tests and returns on; and when the writing
// literal does not read the entry again itself. The fix runs the check and
// the write in one literal, or checks again in the writing one.

// section is one call of a section runner with a function literal.
type section struct {
	call      *ast.CallExpr
	lit       *ast.FuncLit
	exclusive bool
}

// checkSplitSections reports f's map writes in a locked section decided by
// a read in an earlier one (see above).
func (c *checker) checkSplitSections(f *fn) {
	if f.decl == nil || f.node != f.decl || testFile(c.pass, f.body.Pos()) || c.callerLocked(f) {
		return
	}
	info := c.pass.TypesInfo
	var sections []section
	ast.Inspect(f.body, func(n ast.Node) bool {
		call, isCall := n.(*ast.CallExpr)
		if !isCall || len(call.Args) != 1 {
			return true
		}
		lit, isLit := astq.Unparen(call.Args[0]).(*ast.FuncLit)
		if !isLit {
			return true
		}
		if excl, ok := c.sectionRunner(call); ok {
			sections = append(sections, section{call, lit, excl})
		}
		return true
	})
	if len(sections) < 2 {
		return
	}
	// outer: a variable of f, its parameters included.
	outer := func(v types.Object) bool {
		return v != nil && v.Pos() >= f.node.Pos() && v.Pos() < f.node.End()
	}
	for i, rd := range sections {
		for _, wr := range sections[i+1:] {
			if !wr.exclusive || !astq.Same(info, sectionRecv(rd.call), sectionRecv(wr.call)) {
				continue
			}
			for _, read := range c.sectionReads(rd.lit, outer) {
				if w, ok := c.sectionWrite(wr.lit, read.field, read.key); ok && c.refusedBetween(f, rd.call, wr.call, read.into) {
					fset := c.pass.Fset
					c.emit(ruleSplitSection, analysis.Diagnostic{
						Pos: w.Pos(), End: w.End(),
						Message: fmt.Sprintf("%s in the function literal %s runs (line %d) after the one %s runs read %s on line %d into %s, which decided the write, under a lock released between them: another goroutine can write the entry in between, and this write acts on what was found then; run the check and the write in one literal, or check again in the writing one",
							writeText(fset, w), shortRender(fset, wr.call.Fun), fset.Position(wr.call.Pos()).Line, shortRender(fset, rd.call.Fun),
							shortRender(fset, read.index), fset.Position(read.index.Pos()).Line, read.into.Name()),
						Related: []analysis.RelatedInformation{{Pos: read.index.Pos(), End: read.index.End(), Message: "the read"}},
					})
					return
				}
			}
		}
	}
}

// writeText renders a section's write: m[k] = … or delete(m, k).
func writeText(fset *token.FileSet, w ast.Node) string {
	if a, ok := w.(*ast.AssignStmt); ok {
		return render(fset, a.Lhs[0]) + " = …"
	}
	return render(fset, w.(ast.Expr))
}

// sectionRunner reports whether call calls a method of the package whose
// body starts by taking a lock and calls the function parameter it is
// handed, and whether that lock is exclusive.
func (c *checker) sectionRunner(call *ast.CallExpr) (exclusiveLock, ok bool) {
	d, _, _, isMethod := c.packageMethod(call)
	if !isMethod || len(d.Body.List) < 2 {
		return false, false
	}
	lock := lockCallOf(d.Body.List[0])
	if lock == nil {
		return false, false
	}
	key, acquire, isLock := c.locks.call(lock)
	if !isLock || !acquire {
		return false, false
	}
	info := c.pass.TypesInfo
	obj, isFunc := info.Defs[d.Name].(*types.Func)
	if !isFunc || obj.Signature().Params().Len() != 1 {
		return false, false
	}
	param := obj.Signature().Params().At(0)
	if _, isSig := param.Type().Underlying().(*types.Signature); !isSig {
		return false, false
	}
	called := false
	ast.Inspect(d.Body, func(n ast.Node) bool {
		if call, isCall := n.(*ast.CallExpr); isCall && info.Uses[astq.Ident(call.Fun)] == param && astq.Ident(call.Fun) == astq.Unparen(call.Fun) {
			called = true
		}
		return !called
	})
	return exclusive(key), called
}

// sectionRecv is the receiver a section runner is called on.
func sectionRecv(call *ast.CallExpr) ast.Expr {
	if sel, ok := astq.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		return sel.X
	}
	return nil
}

// sectionRead is a read of a map field at a key inside a section's
// literal whose result a variable of f takes.
type sectionRead struct {
	index *ast.IndexExpr
	field *types.Var
	key   types.Object
	into  types.Object
}

// sectionReads returns the reads m[k] in lit of a map field (m a field
// selection) at a key k that is a variable outer accepts, whose value an
// assignment in lit to another variable outer accepts is computed from,
// directly or through a local of lit assigned from the read.
func (c *checker) sectionReads(lit *ast.FuncLit, outer func(types.Object) bool) []sectionRead {
	info := c.pass.TypesInfo
	var out []sectionRead
	// locals: lit's own variables assigned from reads, and the reads.
	locals := map[types.Object][]*ast.IndexExpr{}
	readsIn := func(e ast.Expr) []*ast.IndexExpr {
		var found []*ast.IndexExpr
		ast.Inspect(e, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.IndexExpr:
				if plainMap(info, n.X) && fieldVar(info, n.X) != nil && outer(info.Uses[astq.Ident(n.Index)]) && astq.Ident(n.Index) == astq.Unparen(n.Index) {
					found = append(found, n)
				}
			case *ast.Ident:
				found = append(found, locals[info.Uses[n]]...)
			}
			return true
		})
		return found
	}
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		a, isAssign := n.(*ast.AssignStmt)
		if !isAssign {
			return true
		}
		for i, l := range a.Lhs {
			id := astq.Ident(l)
			if id == nil || id != astq.Unparen(l) {
				continue
			}
			rhs := a.Rhs[0]
			if len(a.Rhs) == len(a.Lhs) {
				rhs = a.Rhs[i]
			}
			v := info.ObjectOf(id)
			for _, ix := range readsIn(rhs) {
				if outer(v) && !(v.Pos() >= lit.Pos() && v.Pos() < lit.End()) {
					out = append(out, sectionRead{index: ix, field: fieldVar(info, ix.X), key: info.Uses[astq.Ident(ix.Index)], into: v})
				} else if v != nil {
					locals[v] = append(locals[v], ix)
				}
			}
		}
		return true
	})
	return out
}

// sectionWrite returns the write of field at key in lit (m[k] = v or
// delete(m, k)), when lit does not read that entry itself.
func (c *checker) sectionWrite(lit *ast.FuncLit, field *types.Var, key types.Object) (ast.Node, bool) {
	info := c.pass.TypesInfo
	entry := func(m, k ast.Expr) bool {
		return fieldVar(info, m) == field && info.Uses[astq.Ident(k)] == key && astq.Ident(k) == astq.Unparen(k)
	}
	var write ast.Node
	reads := false
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.ASSIGN && len(n.Lhs) == 1 {
				if ix, ok := astq.Unparen(n.Lhs[0]).(*ast.IndexExpr); ok && entry(ix.X, ix.Index) {
					write = n
					for _, r := range plainReads(info, n.Rhs[0]) {
						reads = reads || entry(r.X, r.Index)
					}
					return false
				}
			}
		case *ast.CallExpr:
			if builtinCall(info, n, "delete") && len(n.Args) == 2 && entry(n.Args[0], n.Args[1]) {
				write = n
				return false
			}
		case *ast.IndexExpr:
			reads = reads || entry(n.X, n.Index)
		}
		return true
	})
	return write, write != nil && !reads
}

// refusedBetween reports whether an if statement of f between the two
// calls tests v and returns in its body.
func (c *checker) refusedBetween(f *fn, from, to *ast.CallExpr, v types.Object) bool {
	found := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit || found {
			return false
		}
		ifs, isIf := n.(*ast.IfStmt)
		if isIf && ifs.Pos() > from.End() && ifs.End() < to.Pos() && refuses(ifs) && usesObj(c.pass.TypesInfo, ifs.Cond, v) {
			found = true
		}
		return !found
	})
	return found
}
