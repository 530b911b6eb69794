package checkthenact

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// An atomic step on a local copy of shared state: the copy is the
// function's own, so the step decides nothing any other goroutine sees,
// and whatever the function writes back afterwards is a plain
// check-then-act. adhocore/gronx's tasker (fixed in 21381a1,
// adhocore/gronx#46) copied a task's flag out of a map, compared and
// swapped the copy, and stored 1 back into the map:
//
//	lock, ok := t.mutex[ref]
//	if atomic.CompareAndSwapUint32(&lock, 0, 1) { // always the first to swap
//		t.mutex[ref] = 1
//
// Its fix keeps a *uint32 in the map and swaps through it. Reported: a
// sync/atomic function handed &v, for v a local variable of the function
// every assignment of which copies shared state (a map's element, a field,
// a pointer's target, a package variable), whose address is taken only for
// such calls and which no function literal captures (a local shared with
// goroutines through a closure is shared state).

// checkAtomicCopies reports f's atomic steps on local copies.
func (c *checker) checkAtomicCopies(f *fn) {
	info := c.pass.TypesInfo
	atomicArgs := map[*ast.UnaryExpr]bool{}
	var ops []atomicOp
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if o, ok := atomicOpOf(info, n); ok && len(n.Args) > 0 {
				if u, isAddr := astq.Unparen(n.Args[0]).(*ast.UnaryExpr); isAddr && u.Op == token.AND {
					atomicArgs[u] = true
					ops = append(ops, o)
				}
			}
		}
		return true
	})
	reported := map[*types.Var]bool{}
	for _, o := range ops {
		id, isID := astq.Unparen(o.v).(*ast.Ident)
		if !isID {
			continue
		}
		v, isVar := info.Uses[id].(*types.Var)
		if !isVar || reported[v] || v.Pos() < f.body.Pos() || v.Pos() >= f.body.End() {
			continue
		}
		src := c.copiedFrom(f, v)
		if src == nil || !addressedOnlyFor(info, f, v, atomicArgs) {
			continue
		}
		reported[v] = true
		c.emitf(ruleAtomicCopy, o.call.Pos(), "%s(&%s, …) acts on %s, a local copy of %s: no other goroutine can see the copy, so the atomic step protects nothing (writing the copy back is a plain write); keep a pointer (or a sync/atomic type) in %s and act on it",
			render(c.pass.Fset, o.call.Fun), id.Name, id.Name, render(c.pass.Fset, src), render(c.pass.Fset, src))
	}
}

// copiedFrom returns the shared state every assignment of the local v in
// f copies (the first one's source), or nil when one assigns anything
// else.
func (c *checker) copiedFrom(f *fn, v *types.Var) ast.Expr {
	info := c.pass.TypesInfo
	var src ast.Expr
	ok := true
	assigned := func(l, r ast.Expr) {
		if id := astq.Ident(l); id == nil || info.ObjectOf(id) != v {
			return
		}
		if r == nil || !sharedRead(info, r) {
			ok = false
			return
		}
		if src == nil {
			src = r
		}
	}
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				var r ast.Expr
				switch {
				case len(n.Rhs) == len(n.Lhs):
					r = n.Rhs[i]
				case i == 0 && len(n.Rhs) == 1:
					r = n.Rhs[0] // v, ok := m[k]
				}
				if n.Tok != token.ASSIGN && n.Tok != token.DEFINE {
					r = nil
				}
				assigned(l, r)
			}
		case *ast.ValueSpec:
			for i, name := range n.Names {
				var r ast.Expr
				if i < len(n.Values) {
					r = n.Values[i]
				} else if i == 0 && len(n.Values) == 1 {
					r = n.Values[0]
				}
				assigned(name, r)
			}
		case *ast.RangeStmt:
			assigned(n.Key, nil)
			assigned(n.Value, nil)
		case *ast.IncDecStmt:
			assigned(n.X, nil)
		}
		return ok
	})
	if !ok {
		return nil
	}
	return src
}

// sharedRead reports whether e reads state no local owns: a Go map's
// element, a field reached from a pointer, a map or a package variable
// (not from a struct or array held in a local), a pointer's target, or a
// package variable.
func sharedRead(info *types.Info, e ast.Expr) bool {
	switch e := astq.Unparen(e).(type) {
	case *ast.IndexExpr:
		_, isMap := info.TypeOf(e.X).Underlying().(*types.Map)
		return isMap && sharedRoot(info, e.X)
	case *ast.SelectorExpr:
		v, isVar := info.ObjectOf(e.Sel).(*types.Var)
		switch {
		case isVar && v.IsField():
			return sharedRoot(info, e.X)
		case isVar:
			return v.Parent() == v.Pkg().Scope() // pkg.Var
		}
	case *ast.StarExpr:
		return true
	case *ast.Ident:
		v, isVar := info.ObjectOf(e).(*types.Var)
		return isVar && v.Pkg() != nil && v.Parent() == v.Pkg().Scope()
	}
	return false
}

// sharedRoot reports whether x, the operand a field or element is read
// from, reaches shared state: a pointer, a map, or a struct or array that
// is itself a shared read.
func sharedRoot(info *types.Info, x ast.Expr) bool {
	switch info.TypeOf(x).Underlying().(type) {
	case *types.Pointer, *types.Map:
		return true
	case *types.Struct, *types.Array:
		return sharedRead(info, x)
	}
	return false
}

// addressedOnlyFor reports whether every &v in f (and in the function
// literals in it) is one of the atomic calls' arguments, and no function
// literal in f uses v.
func addressedOnlyFor(info *types.Info, f *fn, v *types.Var, atomicArgs map[*ast.UnaryExpr]bool) bool {
	ok := true
	inLit := func(n ast.Node) bool {
		if id, isID := n.(*ast.Ident); isID && info.Uses[id] == v {
			ok = false
		}
		return ok
	}
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			ast.Inspect(n.Body, inLit)
			return false
		case *ast.UnaryExpr:
			if id := astq.Ident(n.X); n.Op == token.AND && id != nil && info.Uses[id] == v && !atomicArgs[n] {
				ok = false
			}
		}
		return ok
	})
	return ok
}
