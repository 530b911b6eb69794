package checkthenact

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A pop decided by a length read through a method that locks, made by
// another method that locks and takes an element without looking at the
// length itself:
//
//	for i := 0; i < n; i++ {
//		go func() {
//			for {
//				if q.Len() > 0 {
//					j := q.Pop() // j := q.jobs[0]; q.jobs = q.jobs[1:], under q.mu
//					j.Run()
//				}
//			}
//		}()
//	}
//
// Every access is locked, so the race detector is silent, but two workers
// that both see one job both pop, and the second indexes an empty slice:
// index out of range, a panic that kills the process. Reported (rule
// len-pop): a call of a method of the package that takes a lock and takes
// an end of a container reached from its receiver without testing its
// length (see uncheckedPop), after a test that the container is not empty
// made through a method of the package returning its length under a lock
// (see sizeHelper), in an if or a for condition around the call or an
// earlier if that returns when it is empty; with no lock held at the pop;
// in a function goroutines may run at once (see runConcurrently); not
// in a method only one goroutine of its receiver runs, not in test files.
// The fix is one method that checks the length and pops under one lock
// (TryPop() (Job, bool)).

// checkLenPops reports f's pops decided by a length read under a lock
// released since (see above).
func (c *checker) checkLenPops(f *fn) {
	if testFile(c.pass, f.body.Pos()) || c.callerLocked(f) || c.owners.method[c.runsIn(f)] != nil || !c.runConcurrently(f) {
		return
	}
	info := c.pass.TypesInfo
	var g *graph
	astq.Walk(f.body, func(n ast.Node, stack []ast.Node) {
		call, isCall := n.(*ast.CallExpr)
		if !isCall {
			return
		}
		container, isList, ok := c.uncheckedPop(call)
		if !ok {
			return
		}
		isSize := func(e ast.Expr) bool {
			size, isCall := astq.Unparen(e).(*ast.CallExpr)
			if !isCall {
				return false
			}
			m, ok := c.sizeHelper(size)
			return ok && astq.Same(info, m, container)
		}
		test := c.lenDecided(f, &g, stack, call, func(cond ast.Expr, refused bool) *ast.CallExpr {
			return lenTest(info, cond, isSize, refused)
		})
		if test == nil {
			return
		}
		fset := c.pass.Fset
		panics := "indexes an empty slice and panics"
		if isList {
			panics = "takes the nil element of an empty list and panics"
		}
		c.reportLenDecided(ruleLenPop, call, test, fmt.Sprintf("%s after %s on line %d found %s not empty is not atomic with it: another goroutine can take the last element in between, and %s, which does not check the length, then %s; check the length and pop under one lock (a TryPop answering ok)",
			render(fset, call), render(fset, test), fset.Position(test.Pos()).Line, render(fset, container), render(fset, call), panics))
	})
}

// runConcurrently reports whether goroutines may run f at once: an
// exported function or method (an API any goroutine may call), a literal
// a go statement in a loop starts, or a function that goroutines started
// in a loop or an HTTP handler reach (see concurrentRoot).
func (c *checker) runConcurrently(f *fn) bool {
	if f.decl != nil && f.node == f.decl {
		return f.decl.Name.IsExported() || c.concurrentRoot(c.declared(f)) != nil
	}
	lit, isLit := f.node.(*ast.FuncLit)
	if !isLit || !f.async || f.parent == nil {
		return false
	}
	started := false
	astq.Walk(f.parent.body, func(n ast.Node, stack []ast.Node) {
		if st, isGo := n.(*ast.GoStmt); isGo && astq.Unparen(st.Call.Fun) == ast.Expr(lit) && slices.ContainsFunc(stack, isLoop) {
			started = true
		}
	})
	return started
}

// isLoop reports whether n is a for or range statement.
func isLoop(n ast.Node) bool {
	switch n.(type) {
	case *ast.ForStmt, *ast.RangeStmt:
		return true
	}
	return false
}

// uncheckedPop recognises a call of a method of the package that takes a
// lock and reads the first or the last element of a slice reached from its
// receiver (x.items[0], x.items[len(x.items)-1]), or the front or back of
// a container/list.List reached so (x.l.Front(), x.l.Back()), without
// testing that container's length anywhere in its body (nor, for a list,
// comparing anything with nil), and returns the container in the caller's
// terms, and whether it is a list.
func (c *checker) uncheckedPop(call *ast.CallExpr) (ast.Expr, bool, bool) {
	info := c.pass.TypesInfo
	d, recv, x, ok := c.packageMethod(call)
	if !ok {
		return nil, false, false
	}
	var container ast.Expr
	locks, tested, isList := false, false, false
	ast.Inspect(d.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if _, acquire, isLock := c.locks.call(n); isLock && acquire {
				locks = true
			}
			if l, isEnd := listMethod(info, n, "Front", "Back"); isEnd && fieldPathExpr(info, l) {
				container, isList = l, true
			}
			if _, isLen := listMethod(info, n, "Len"); isLen {
				tested = true
			}
		case *ast.BinaryExpr:
			tested = tested || isList && (isNil(info, n.X) || isNil(info, n.Y))
		case *ast.IfStmt:
			tested = tested || mentionsLen(info, n.Cond) || n.Init != nil && mentionsLen(info, n.Init) || lenLocalIn(info, d.Body, n.Cond)
		case *ast.ForStmt:
			tested = tested || n.Cond != nil && (mentionsLen(info, n.Cond) || lenLocalIn(info, d.Body, n.Cond))
		case *ast.IndexExpr:
			if _, isSlice := info.TypeOf(n.X).Underlying().(*types.Slice); isSlice && fieldPathExpr(info, n.X) && (endIndex(info, n.Index, n.X) || lenLocalEnd(info, d.Body, n.Index, n.X)) {
				container = n.X
			}
		}
		return true
	})
	if !locks || tested || container == nil {
		return nil, false, false
	}
	onto, ok := rebase(info, container, recv, x)
	return onto, isList, ok
}

// endIndex reports whether i is 0 or len(s)-1.
func endIndex(info *types.Info, i, s ast.Expr) bool {
	if tv := info.Types[i]; tv.Value != nil {
		return tv.Value.ExactString() == "0"
	}
	b, ok := astq.Unparen(i).(*ast.BinaryExpr)
	if !ok || b.Op != token.SUB || !isLenOf(info, b.X, s) {
		return false
	}
	tv := info.Types[b.Y]
	return tv.Value != nil && tv.Value.ExactString() == "1"
}

// lenLocalEnd reports whether i is n-1 for a local n that body defines
// as len(s) (n := len(p.idle); w := p.idle[n-1]).
func lenLocalEnd(info *types.Info, body *ast.BlockStmt, i, s ast.Expr) bool {
	b, ok := astq.Unparen(i).(*ast.BinaryExpr)
	if !ok || b.Op != token.SUB {
		return false
	}
	if tv := info.Types[b.Y]; tv.Value == nil || tv.Value.ExactString() != "1" {
		return false
	}
	id := astq.Ident(b.X)
	v, isVar := info.Uses[id].(*types.Var)
	if id == nil || !isVar {
		return false
	}
	def := definedFrom(info, body, v)
	return def != nil && isLenOf(info, def, s)
}

// lenLocalIn reports whether n reads a local that body defines as a
// len (n := len(p.idle); if n == 0 { … }).
func lenLocalIn(info *types.Info, body *ast.BlockStmt, n ast.Node) bool {
	found := false
	ast.Inspect(n, func(m ast.Node) bool {
		if id, ok := m.(*ast.Ident); ok && !found {
			if v, isVar := info.Uses[id].(*types.Var); isVar {
				def := definedFrom(info, body, v)
				found = def != nil && mentionsLen(info, def)
			}
		}
		return !found
	})
	return found
}

// mentionsLen reports whether n calls the builtin len.
func mentionsLen(info *types.Info, n ast.Node) bool {
	found := false
	ast.Inspect(n, func(m ast.Node) bool {
		if id, ok := m.(*ast.Ident); ok && id.Name == "len" {
			_, found = info.Uses[id].(*types.Builtin)
		}
		return !found
	})
	return found
}
