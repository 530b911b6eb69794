package checkthenact

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// localMap reports whether recv is a map that provably never leaves the
// goroutine running f: a local variable of f initialised with a new map,
// whose every use is a method call on it directly in f or in a function a
// Range runs (never captured by another closure, passed, stored, returned
// or copied). Such a map cannot be
// reached by another goroutine, so no check-then-act on it can race.
func (c *checker) localMap(f *fn, recv ast.Expr) bool {
	info := c.pass.TypesInfo
	id := astq.Ident(recv)
	if id == nil {
		return false
	}
	v, ok := info.ObjectOf(id).(*types.Var)
	if !ok || v.Pos() < f.body.Pos() || v.Pos() >= f.body.End() {
		return false
	}
	fresh, escapes := false, false
	var stack []ast.Node
	ast.Inspect(f.body, func(n ast.Node) bool {
		if escapes {
			return false
		}
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		defer func() { stack = append(stack, n) }()
		switch n := n.(type) {
		case *ast.ValueSpec:
			for i, name := range n.Names {
				if info.Defs[name] == v {
					fresh = len(n.Values) == 0 || len(n.Values) == len(n.Names) && freshMap(info, n.Values[i])
				}
			}
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				lid := astq.Ident(l)
				if lid == nil || info.ObjectOf(lid) != v {
					continue
				}
				if n.Tok == token.DEFINE && info.Defs[lid] == v && len(n.Rhs) == len(n.Lhs) {
					fresh = freshMap(info, n.Rhs[i])
				} else {
					escapes = true // reassigned
				}
			}
		case *ast.Ident:
			if info.Uses[n] != v {
				return true
			}
			if !methodReceiver(info, n, stack) {
				escapes = true
			}
			for _, a := range stack {
				// Captured by a literal, unless a Range runs it:
				// Range calls it before returning.
				if lit, isLit := a.(*ast.FuncLit); isLit {
					if _, isRange := c.ranges[lit]; !isRange {
						escapes = true
					}
				}
			}
		}
		return true
	})
	return fresh && !escapes
}

// methodReceiver reports whether the identifier (with its ancestors) is
// the receiver of a method call whose results are not the map itself.
func methodReceiver(info *types.Info, id *ast.Ident, stack []ast.Node) bool {
	if len(stack) < 2 {
		return false
	}
	sel, ok := stack[len(stack)-1].(*ast.SelectorExpr)
	if !ok || sel.X != id {
		return false
	}
	call, ok := stack[len(stack)-2].(*ast.CallExpr)
	if !ok || call.Fun != sel {
		return false
	}
	s := info.Selections[sel]
	if s == nil || s.Kind() != types.MethodVal {
		return false
	}
	sig := s.Obj().Type().(*types.Signature)
	for r := range sig.Results().Variables() {
		if types.Identical(r.Type(), info.TypeOf(id)) || types.Identical(r.Type(), types.NewPointer(info.TypeOf(id))) {
			return false
		}
	}
	return true
}

// freshMap reports whether e makes a new map: a composite literal, its
// address, new(T), or a call of a constructor named New… or Make….
func freshMap(info *types.Info, e ast.Expr) bool {
	switch e := astq.Unparen(e).(type) {
	case *ast.CompositeLit:
		return true
	case *ast.UnaryExpr:
		_, isLit := astq.Unparen(e.X).(*ast.CompositeLit)
		return e.Op == token.AND && isLit
	case *ast.CallExpr:
		fun := astq.Unparen(e.Fun)
		if ix, ok := fun.(*ast.IndexExpr); ok {
			fun = ix.X
		}
		if ix, ok := fun.(*ast.IndexListExpr); ok {
			fun = ix.X
		}
		var name string
		switch f := fun.(type) {
		case *ast.Ident:
			if b, ok := info.ObjectOf(f).(*types.Builtin); ok {
				return b.Name() == "new"
			}
			name = f.Name
		case *ast.SelectorExpr:
			name = f.Sel.Name
		}
		return strings.HasPrefix(name, "New") || strings.HasPrefix(name, "new") || strings.HasPrefix(name, "Make")
	}
	return false
}
