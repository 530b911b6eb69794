package checkthenact

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"

	"golang.org/x/tools/go/analysis"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// Deleting the entry a function stored. A function that stores its own
// object v under a key it was handed,
//
//	s.connectedProxies.Store(proxyID, conn)
//	defer func() { …; s.connectedProxies.Delete(proxyID) }()
//
// and later deletes the key (when its stream ends, or on an error path)
// removes whatever the key maps to by then: when the same key was stored
// again in between (the proxy reconnected, its new stream registered a new
// connection), the old stream's cleanup deletes the new connection's entry.
// netbird's management server lost live proxies that way
// (netbirdio/netbird#6063, fixed in 97db82492 with
// CompareAndDelete(proxyID, conn)). Reported when the delete is deferred
// (the registration lasts while the function runs: a stream, a session),
// the value is a pointer the function made and holds in a local, the key
// comes from a parameter (a key the function makes itself, such as a fresh
// ID, is its own), the map is a concurrent map-like type shared with other
// goroutines, and nothing deferred looks the key up again. A delete on an
// error path right after the store is left alone: on the projects of
// docs/vet.md the one there was gorm's statement cache dropping a
// statement that failed to prepare, where a newer entry removed by it is
// only a cache miss.

// checkOwnEntryDeletes reports the deferred deletes of a key f stored its
// own object under.
func (c *checker) checkOwnEntryDeletes(f *fn) {
	if f.decl == nil || f.node != f.decl {
		return
	}
	info := c.pass.TypesInfo
	var deletes []deferredDelete // looked for at the first store that qualifies
	reported := map[*ast.CallExpr]bool{}
	for _, s := range f.ops {
		if s.kind != opStore || s.plain || s.helper || len(s.call.Args) != 2 || c.localMap(f, s.recv) || c.sequentialTest(f, s.recv) {
			continue
		}
		v := c.localVar(f, s.call.Args[1])
		if v == nil || !isPointer(v.Type()) || !c.paramRooted(f, s.key, 2) {
			continue
		}
		if deletes == nil {
			deletes = c.deferredDeletes(f)
		}
		for _, d := range deletes {
			if reported[d.op.call] || !sameMap(info, d.op.recv, s.recv) || !sameKey(info, d.op.key, s.key) || c.looksAgain(d.in, s) {
				continue
			}
			reported[d.op.call] = true // one diagnostic per delete, whatever stored before it
			c.reportOwnEntryDelete(s, d.op, v)
		}
	}
}

// deferredDelete is a delete f defers: the deferred call itself, or one in
// a deferred literal.
type deferredDelete struct {
	op op
	in *fn // the function whose ops hold it
}

// deferredDeletes returns the deletes f defers, directly in its body.
func (c *checker) deferredDeletes(f *fn) []deferredDelete {
	var out []deferredDelete
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit {
			return false
		}
		d, ok := n.(*ast.DeferStmt)
		if !ok {
			return true
		}
		g, call := f, d.Call
		if lit, ok := astq.Unparen(d.Call.Fun).(*ast.FuncLit); ok {
			g, call = c.funcs[lit], nil
		}
		if g == nil {
			return false
		}
		for _, o := range g.ops {
			if o.kind == opDelete && !o.plain && (call == nil || o.call == call) {
				out = append(out, deferredDelete{o, g})
			}
		}
		return false
	})
	return out
}

func (c *checker) reportOwnEntryDelete(s, d op, v *types.Var) {
	recv, key := render(c.pass.Fset, d.recv), render(c.pass.Fset, d.key)
	fix := fmt.Sprintf("delete it only while it is still %s", v.Name())
	if d.shape != nil && d.shape.ops["CompareAndDelete"] == opClaim {
		fix = fmt.Sprintf("use %s.CompareAndDelete(%s, %s)", recv, key, v.Name())
	}
	pos := c.pass.Fset.Position(s.call.Pos())
	c.emit(ruleOwnEntry, analysis.Diagnostic{
		Pos: d.call.Pos(),
		End: d.call.End(),
		Message: fmt.Sprintf("%s.%s(%s) removes whatever %s maps to by now: this function stored its own %s under it (%s:%d), and when another goroutine stored %s again in between (the same client once more), this deletes that goroutine's entry; %s",
			recv, d.name, key, key, v.Name(), filepath.Base(pos.Filename), pos.Line, key, fix),
		Related: []analysis.RelatedInformation{{Pos: s.call.Pos(), End: s.call.End(), Message: "the store"}},
	})
}

// looksAgain reports whether g reads or claims the key s stored, from s's
// map: a check that may guard the delete (another rule's business).
func (c *checker) looksAgain(g *fn, s op) bool {
	info := c.pass.TypesInfo
	for _, o := range g.ops {
		if (o.kind == opLoad || o.kind == opHas || o.kind == opClaim) && sameMap(info, o.recv, s.recv) && sameKey(info, o.key, s.key) {
			return true
		}
	}
	return false
}

// paramRooted reports whether key is computed from a parameter of f (a
// field, a method's result, a conversion of one), directly or through
// locals assigned once, up to depth assignments back.
func (c *checker) paramRooted(f *fn, key ast.Expr, depth int) bool {
	info := c.pass.TypesInfo
	id := rootIdent(key)
	if id == nil {
		return false
	}
	v, ok := info.ObjectOf(id).(*types.Var)
	if !ok {
		return false
	}
	params := f.decl.Type.Params
	if params.Pos() <= v.Pos() && v.Pos() < params.End() {
		return true
	}
	if depth == 0 || c.localVar(f, id) == nil {
		return false
	}
	from := assignedFrom(info, f.body, v)
	return len(from) == 1 && c.paramRooted(f, from[0], depth-1)
}

// rootIdent returns the variable an expression is computed from: x for
// x, x.f, x.M(…), x[i], *x and T(x); nil for anything else (a call of a
// function, a literal).
func rootIdent(e ast.Expr) *ast.Ident {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return x
		case *ast.ParenExpr:
			e = x.X
		case *ast.SelectorExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.UnaryExpr:
			if x.Op != token.AND {
				return nil
			}
			e = x.X
		case *ast.CallExpr:
			switch fun := astq.Unparen(x.Fun).(type) {
			case *ast.SelectorExpr:
				e = fun.X
			case *ast.Ident:
				if len(x.Args) != 1 {
					return nil
				}
				e = x.Args[0] // a conversion T(x), or a call of a function of one argument
			default:
				return nil
			}
		default:
			return nil
		}
	}
}

// isPointer reports whether t is a pointer type: a value whose identity a
// compare-and-delete can test.
func isPointer(t types.Type) bool {
	_, ok := t.Underlying().(*types.Pointer)
	return ok
}

// A delete by the key of an object the function was handed. A close
// handler that removes its connection by the connection's own key,
//
//	func (context *ContextImpl) OnClose(routerConn edge.RouterConn) {
//		context.routerConnections.Remove(routerConn.Key())
//
// removes whatever the key maps to by then: when a newer connection to the
// same router was stored under the key (a duplicate dialled while this one
// was closing), the old connection's close removes the live one, which
// then leaks (openziti/sdk-golang#717, fixed in baaaa95 with RemoveCb, a
// remove only while the entry is still routerConn). Reported when the
// parameter's type is the map's value type and a pointer or an interface
// (a struct handed in is a copy: mochi-mqtt deletes an in-flight packet
// by the ID of the acknowledgement it received, a packet of the same
// type), the key is computed from the parameter alone, the map is shared,
// the function does not look the key up, and no condition on the
// parameter decides the delete (mochi-mqtt deletes a client by its ID
// unless a newer client took its session over).

// checkHandedEntryDeletes reports the deletes in f of a key computed from
// a parameter of the map's value type.
func (c *checker) checkHandedEntryDeletes(f *fn) {
	if f.decl == nil || f.node != f.decl {
		return
	}
	info := c.pass.TypesInfo
	for _, d := range f.ops {
		if d.kind != opDelete || d.plain || d.helper || c.localMap(f, d.recv) || c.sequentialTest(f, d.recv) || c.looksAgain(f, d) {
			continue
		}
		id := rootIdent(d.key)
		if id == nil || id == astq.Unparen(d.key) {
			continue // the key is handed itself, not computed from an object
		}
		p, ok := info.ObjectOf(id).(*types.Var)
		params := f.decl.Type.Params
		if !ok || p.Pos() < params.Pos() || p.Pos() >= params.End() {
			continue
		}
		vt := c.valueType(info.TypeOf(d.recv), d.shape)
		if vt == nil || !types.Identical(vt, p.Type()) || !hasIdentity(vt) || c.decidedBy(f, d.call, p) {
			continue
		}
		recv, key := render(c.pass.Fset, d.recv), render(c.pass.Fset, d.key)
		c.emit(ruleOwnEntry, analysis.Diagnostic{
			Pos: d.call.Pos(),
			End: d.call.End(),
			Message: fmt.Sprintf("%s.%s(%s) removes whatever %s maps to by now, which may no longer be %s: when another goroutine stored a newer value under the key since, this removes it; remove the entry only while it is %s (a compare-and-delete, or a remove callback that checks the value)",
				recv, d.name, key, key, p.Name(), p.Name()),
		})
	}
}

// valueType is the value type of a map-like type: the first result of its
// Load-like method, or nil.
func (c *checker) valueType(t types.Type, s *shape) types.Type {
	if s == nil {
		return nil
	}
	for name, k := range s.ops {
		if k != opLoad {
			continue
		}
		obj, _, _ := types.LookupFieldOrMethod(t, true, c.pass.Pkg, name)
		fn, ok := obj.(*types.Func)
		if !ok {
			continue
		}
		if sig := fn.Type().(*types.Signature); sig.Results().Len() == 2 {
			return sig.Results().At(0).Type()
		}
	}
	return nil
}

// hasIdentity reports whether values of t are compared by identity: a
// pointer or an interface.
func hasIdentity(t types.Type) bool {
	switch t.Underlying().(type) {
	case *types.Pointer, *types.Interface:
		return true
	}
	return false
}

// decidedBy reports whether the node at lies in an if, switch or for
// statement of f whose condition uses v.
func (c *checker) decidedBy(f *fn, at ast.Node, v *types.Var) bool {
	info := c.pass.TypesInfo
	uses := func(e ast.Node) bool {
		found := false
		ast.Inspect(e, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && info.ObjectOf(id) == v {
				found = true
			}
			return !found
		})
		return found
	}
	decided := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		if decided || n == nil || n.Pos() > at.Pos() || n.End() < at.End() {
			return false
		}
		var cond ast.Node
		switch s := n.(type) {
		case *ast.IfStmt:
			if at.Pos() >= s.Body.Pos() || s.Else != nil && at.Pos() >= s.Else.Pos() {
				cond = s.Cond
			}
		case *ast.SwitchStmt:
			if s.Tag != nil {
				cond = s.Tag
			}
		case *ast.CaseClause:
			for _, e := range s.List {
				if uses(e) {
					decided = true
				}
			}
		case *ast.ForStmt:
			if s.Cond != nil {
				cond = s.Cond
			}
		}
		if cond != nil && uses(cond) {
			decided = true
		}
		return !decided
	})
	return decided
}
