package checkthenact

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// Atomic wrapper types: before sync/atomic had types of its own, projects
// wrapped an int32 in a type with a getter and a setter
// (couchbase/sync_gateway's base.AtomicBool: Set(bool), IsTrue()), or
// imported go.uber.org/atomic. Their calls are atomic steps as the
// sync/atomic ones are, and a getter then a setter is the same
// check-then-act. The wrapper is often in another package, whose bodies
// the analysis does not see, so it is recognised by its type and method
// names: every method of a type of go.uber.org/atomic, and the bool
// getters and setters of a type whose name says it is atomic.

// wrapperGetters and wrapperSetters are the names of the bool getters
// (func() bool) and setters (func(bool)) of a type named Atomic….
var (
	wrapperGetters = map[string]bool{"Load": true, "Get": true, "IsTrue": true, "True": true, "IsSet": true}
	wrapperSetters = map[string]bool{"Store": true, "Set": true}
	// wrapperRMW decide or update in one step, on go.uber.org/atomic's
	// types and on a type named Atomic….
	wrapperRMW = map[string]bool{"CAS": true, "CompareAndSwap": true, "CompareAndSet": true, "Swap": true, "Toggle": true, "Inc": true, "Dec": true, "Add": true, "Sub": true}
)

// wrapperOp recognises a call of a method of an atomic wrapper type: the
// variable is the receiver, x.running for x.running.IsTrue().
func wrapperOp(info *types.Info, call *ast.CallExpr) (atomicOp, bool) {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	sel, isSel := astq.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || !isSel || fn.Pkg() == nil || fn.Signature().Recv() == nil {
		return atomicOp{}, false
	}
	t := fn.Signature().Recv().Type()
	if p, isPtr := t.(*types.Pointer); isPtr {
		t = p.Elem()
	}
	named, isNamed := types.Unalias(t).(*types.Named)
	if !isNamed {
		return atomicOp{}, false
	}
	sig := fn.Signature()
	name := fn.Name()
	op := atomicOp{call: call, x: call, v: sel.X}
	if u, isAddr := astq.Unparen(sel.X).(*ast.UnaryExpr); isAddr && u.Op == token.AND {
		op.v = u.X
	}
	switch {
	case fn.Pkg().Path() == "go.uber.org/atomic":
		switch {
		case name == "Load" && sig.Params().Len() == 0:
			op.kind = atomicLoad
		case name == "Store" && sig.Params().Len() == 1:
			op.kind, op.value = atomicStore, call.Args[0]
		case wrapperRMW[name]:
			op.kind = atomicRMW
		default:
			return atomicOp{}, false
		}
	case strings.HasPrefix(named.Obj().Name(), "Atomic"):
		isBool := func(t types.Type) bool {
			b, ok := t.Underlying().(*types.Basic)
			return ok && b.Kind() == types.Bool
		}
		switch {
		case wrapperGetters[name] && sig.Params().Len() == 0 && sig.Results().Len() == 1 && isBool(sig.Results().At(0).Type()):
			op.kind = atomicLoad
		case wrapperSetters[name] && sig.Params().Len() == 1 && sig.Results().Len() == 0 && isBool(sig.Params().At(0).Type()):
			op.kind, op.value = atomicStore, call.Args[0]
		case wrapperRMW[name]:
			op.kind = atomicRMW
		default:
			return atomicOp{}, false
		}
	default:
		return atomicOp{}, false
	}
	return op, true
}

// atomicStep recognises one atomic step: a call on a sync/atomic
// variable or of a method of an atomic wrapper type.
func atomicStep(info *types.Info, call *ast.CallExpr) (atomicOp, bool) {
	if o, ok := atomicOpOf(info, call); ok {
		return o, true
	}
	return wrapperOp(info, call)
}

// clearedBy reports whether the goroutine st starts clears the flag the
// store s set: it stores another constant in it, directly or through a
// setter of the package, anywhere in its body (a deferred
// c.busy.Store(false) too), or, for a plain field under a lock (s.locked),
// assigns it another constant (c.state = stateConnected; assigned is then
// set). The goroutine is a function literal, which names the flag as s
// does, or a method of the package, which names it from its own receiver;
// one call deeper, a method that method calls on its receiver is looked
// in too.
func (c *checker) clearedBy(st *ast.GoStmt, s atomicOp) (cleared, assigned bool) {
	info := c.pass.TypesInfo
	set := info.Types[s.value].Value
	field, isField := astq.Unparen(s.v).(*ast.SelectorExpr)
	if set == nil || !isField {
		return false, false
	}
	// clears reports whether body stores another constant in the flag:
	// recv.field when recv is set, s.v itself otherwise.
	var clears func(body ast.Node, recv types.Object, depth int) bool
	clears = func(body ast.Node, recv types.Object, depth int) bool {
		found := false
		ast.Inspect(body, func(n ast.Node) bool {
			if a, isAssign := n.(*ast.AssignStmt); isAssign && !found && s.locked && a.Tok == token.ASSIGN && len(a.Lhs) == len(a.Rhs) {
				// A plain flag (a locked-flag's field) set to another
				// constant: c.state = stateConnected.
				for i, l := range a.Lhs {
					if v := info.Types[a.Rhs[i]].Value; v != nil && sameFlag(info, l, s.v, field, recv) && v.Kind() == set.Kind() && !constant.Compare(v, token.EQL, set) {
						found, assigned = true, true
					}
				}
			}
			call, isCall := n.(*ast.CallExpr)
			if found || !isCall {
				return !found
			}
			o, ok := atomicStep(info, call)
			if !ok {
				o, ok = c.atomicHelperOp(call)
			}
			if ok && o.kind == atomicStore {
				if v := info.Types[o.value].Value; v != nil && sameFlag(info, o.v, s.v, field, recv) && v.Kind() == set.Kind() && !constant.Compare(v, token.EQL, set) {
					found = true
					return false
				}
			}
			if d, inner, x, ok := c.packageMethod(call); ok && depth > 0 && recv != nil && info.ObjectOf(astq.Ident(x)) == recv {
				found = clears(d.Body, inner, depth-1)
			}
			return !found
		})
		return found
	}
	if lit, isLit := astq.Unparen(st.Call.Fun).(*ast.FuncLit); isLit {
		return clears(lit.Body, nil, 0), assigned
	}
	d, recv, _, ok := c.packageMethod(st.Call)
	return ok && clears(d.Body, recv, 1), assigned
}

// sameFlag reports whether v names the flag: field of recv when recv is
// set (a method of the package naming it from its receiver), or the same
// expression as target otherwise.
func sameFlag(info *types.Info, v, target ast.Expr, field *ast.SelectorExpr, recv types.Object) bool {
	if recv == nil {
		return astq.Same(info, v, target)
	}
	sel, isSel := astq.Unparen(v).(*ast.SelectorExpr)
	return isSel && info.ObjectOf(sel.Sel) == info.ObjectOf(field.Sel) && info.ObjectOf(astq.Ident(sel.X)) == recv
}
