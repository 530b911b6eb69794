package checkthenact

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// flightKeepsNothing reports whether an insert-if-absent made inside the
// function a singleflight.Group runs, after a check outside it, replaces
// nothing that must be given back. Flights of one key do not overlap, so
// the only race left is a goroutine whose check missed before another's
// flight stored, and whose own flight starts after that one finished: its
// value is built as late as the first, and the entry it replaces is lost
// only as a value. That matters when the value owns something: a method
// that releases it (Close, Stop, … or their unexported forms), a field
// that does (a channel, a connection, a ticker), or a goroutine its
// construction starts (in the flight, or in a function of the package
// the flight calls). kitex's balancer factories, shared tickers
// and gRPC connection pools (#1945) own such things and are reported; a
// cached discovery result or a picker (hertz's lbcache.go:159, kitex's
// weighted_balancer.go:81) holds nothing, and is not. A flight that
// counts (an increment or an atomic add of anything it did not declare)
// is reported whatever it stores: each flight counts once more.
func (c *checker) flightKeepsNothing(w write, value ast.Expr) bool {
	info := c.pass.TypesInfo
	if w.runner == nil || value == nil || !flightCall(info, w.runner) {
		return false
	}
	lit := runnerLit(w)
	if lit == nil || c.ownsResource(info.TypeOf(value), 2) || c.startsIn(lit.Body) {
		return false
	}
	counts := false
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.IncDecStmt:
			counts = !declaredIn(info, lit, n.X)
		case *ast.AssignStmt:
			if n.Tok == token.ADD_ASSIGN || n.Tok == token.SUB_ASSIGN {
				counts = !declaredIn(info, lit, n.Lhs[0])
			}
		case *ast.CallExpr:
			fn, ok := typeutil.Callee(info, n).(*types.Func)
			counts = ok && fn.Pkg() != nil && fn.Pkg().Path() == "sync/atomic" && strings.HasPrefix(fn.Name(), "Add")
		}
		return !counts
	})
	return !counts
}

// declaredIn reports whether the variable at the root of e (x in x.n,
// x[i].n) is declared inside lit.
func declaredIn(info *types.Info, lit *ast.FuncLit, e ast.Expr) bool {
	for {
		switch x := astq.Unparen(e).(type) {
		case *ast.SelectorExpr:
			e = x.X
			continue
		case *ast.IndexExpr:
			e = x.X
			continue
		case *ast.StarExpr:
			e = x.X
			continue
		case *ast.Ident:
			o := info.ObjectOf(x)
			return o != nil && lit.Pos() <= o.Pos() && o.Pos() < lit.End()
		}
		return false
	}
}

// runnerLit returns the function literal in which the runner of w makes
// it, or nil.
func runnerLit(w write) *ast.FuncLit {
	if w.runner == nil {
		return nil
	}
	for _, l := range asyncLits(w.runner) {
		if l.Pos() <= w.call.Pos() && w.call.End() <= l.End() {
			return l
		}
	}
	return nil
}

// ownsResource reports whether a value of type t owns something to give
// back: a releaser method (see hasReleaser) in its exported or unexported
// form, a lock or channel of its own (see syncValue), or, down to depth
// levels of fields, elements and pointers, a field that is a channel or
// has a releaser. An unknown type owns something.
func (c *checker) ownsResource(t types.Type, depth int) bool {
	if t == nil || hasReleaser(t) || syncValue(t) {
		return true
	}
	for _, name := range releasers {
		lower := strings.ToLower(name[:1]) + name[1:]
		if obj, _, _ := types.LookupFieldOrMethod(t, true, c.pass.Pkg, lower); obj != nil {
			if _, ok := obj.(*types.Func); ok {
				return true
			}
		}
	}
	if depth == 0 {
		return false
	}
	switch u := t.Underlying().(type) {
	case *types.Pointer:
		return c.ownsResource(u.Elem(), depth)
	case *types.Slice:
		return c.ownsResource(u.Elem(), depth-1)
	case *types.Array:
		return c.ownsResource(u.Elem(), depth-1)
	case *types.Map:
		return c.ownsResource(u.Elem(), depth-1)
	case *types.Struct:
		for i := range u.NumFields() {
			ft := u.Field(i).Type()
			if _, isChan := ft.Underlying().(*types.Chan); isChan {
				return true
			}
			if hasReleaser(ft) || c.ownsResource(ft, depth-1) && !syncValue(ft) {
				// A lock or atomic field guards the value's own
				// state; it is not something to give back.
				return true
			}
		}
	}
	return false
}

// startsIn reports whether n holds a go statement (outside function
// literals), or calls a function of the package that starts one (see
// startsGoroutine).
func (c *checker) startsIn(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.GoStmt:
			found = true
		case *ast.CallExpr:
			if fn := typeutil.StaticCallee(c.pass.TypesInfo, n); fn != nil && c.startsGoroutine(fn, 1) != nil {
				found = true
			}
		}
		return !found
	})
	return found
}
