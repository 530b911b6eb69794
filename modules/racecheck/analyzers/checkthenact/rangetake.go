package checkthenact

import (
	"fmt"
	"go/ast"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// rangeScan is a call m.Range(func(k, v) bool {…}) on a map-like type: each
// call of the literal is a check that found k holding v.
type rangeScan struct {
	call  *ast.CallExpr
	recv  ast.Expr
	shape *shape
}

// rangeCall recognises m.Range(literal) on a map-like type and returns the
// literal and what it ranges over.
func (c *checker) rangeCall(call *ast.CallExpr) (*ast.FuncLit, rangeScan, bool) {
	if len(call.Args) != 1 {
		return nil, rangeScan{}, false
	}
	lit, ok := astq.Unparen(call.Args[0]).(*ast.FuncLit)
	if !ok {
		return nil, rangeScan{}, false
	}
	recv, method, ok := astq.MethodCall(c.pass.TypesInfo, call)
	if !ok || method.Name() != "Range" {
		return nil, rangeScan{}, false
	}
	s := c.shapes.of(c.pass.TypesInfo.TypeOf(recv))
	if s == nil || s.ops["Delete"] != opDelete {
		return nil, rangeScan{}, false
	}
	return lit, rangeScan{call: call, recv: recv, shape: s}, true
}

// checkRangeTakes reports a take inside the literal a Range runs: a Delete
// of the key Range handed over, followed by a use of the value that hands
// it on (an argument of a call, a method called on it, a send). Two
// goroutines ranging at once, or one ranging while another takes with
// LoadAndDelete, both see the entry, both delete it and both use it: a
// block given back twice, a connection closed twice (cubefs's ahead-read
// cache). LoadAndDelete decides which one took it.
//
// It is left alone under the rules that silence a take after Load: an
// exclusive lock held around the whole Range, a map the function owns
// (local, or owned by one goroutine or loop), a caller that holds the
// lock, a re-check or claim of the key in the literal before the Delete,
// and a sole taker (every Delete and claim of the map in methods one
// goroutine runs).
func (c *checker) checkRangeTakes(f *fn) {
	lit, ok := f.node.(*ast.FuncLit)
	if !ok || f.parent == nil {
		return
	}
	scan, ok := c.ranges[lit]
	if !ok {
		return
	}
	info := c.pass.TypesInfo
	var params []types.Object
	for _, field := range lit.Type.Params.List {
		for _, name := range field.Names {
			params = append(params, info.Defs[name])
		}
	}
	if len(params) != 2 || params[0] == nil || params[1] == nil {
		return
	}
	keyObj, valueObj := params[0], params[1]
	parent := f.parent
	if teardown(parent) || c.callerLocked(parent) || c.sequentialTest(parent, scan.recv) || c.localMap(parent, scan.recv) || c.ownedByLoop(parent, scan.recv) || c.ownedByGoroutine(parent, scan.recv) {
		return
	}
	g := c.graph(f)
	held := map[types.Object]bool{valueObj: true}
	for _, o := range f.ops {
		if o.kind != opDelete || o.plain || !sameMap(info, o.recv, scan.recv) || !isKeyParam(info, o.key, keyObj) {
			continue
		}
		at, ok := g.calls[o.call]
		if !ok || c.recheckedBefore(f, o) || c.lockedThroughout(g, at) {
			continue
		}
		addTypeTests(info, lit.Body, held)
		after := slices.Clone(at.block.Nodes[at.index+1:])
		for b := range g.forward(at.block, nil) {
			if b != at.block {
				after = append(after, b.Nodes...)
			}
		}
		if !handedOn(info, after, held) || c.soleTaker(parent, write{op: o, at: at}) {
			continue
		}
		fix := "one lock held across the check and the write"
		if scan.shape.has("LoadAndDelete") {
			fix = "LoadAndDelete and use the value it returns only when it reports loaded"
		}
		fset := c.pass.Fset
		c.emit(ruleRangeTake, analysis.Diagnostic{
			Pos: o.call.Pos(),
			End: o.call.End(),
			Message: fmt.Sprintf("%s.%s(%s) in the function %s.Range runs on line %d takes the entry Range found, but is not atomic with it: another goroutine can take the same entry in between, and both use it; use %s",
				render(fset, o.recv), o.name, render(fset, o.key), render(fset, scan.recv), fset.Position(scan.call.Pos()).Line, fix),
			Related: []analysis.RelatedInformation{{Pos: scan.call.Pos(), End: scan.call.End(), Message: "the check"}},
		})
	}
}

// teardown reports whether f is, or is written in, a method that shuts its
// receiver down (Close, Stop, Shutdown, Destroy, Dispose, Release, and
// names starting with them): emptying the map there, closing each value,
// races only with uses of a container that is going away (kitex's pools
// close every connection in Close while a Clean may close one too), which
// is not what this check is for.
func teardown(f *fn) bool {
	if f.decl == nil || f.decl.Recv == nil {
		return false
	}
	name := strings.ToLower(f.decl.Name.Name)
	for _, verb := range []string{"close", "stop", "shutdown", "destroy", "dispose", "release"} {
		if strings.HasPrefix(name, verb) {
			return true
		}
	}
	return false
}

// isKeyParam reports whether e is the Range literal's key parameter, or a
// type assertion or conversion of it (key.(string)).
func isKeyParam(info *types.Info, e ast.Expr, key types.Object) bool {
	switch x := astq.Unparen(e).(type) {
	case *ast.Ident:
		return info.Uses[x] == key
	case *ast.TypeAssertExpr:
		return isKeyParam(info, x.X, key)
	case *ast.CallExpr:
		if tv, ok := info.Types[x.Fun]; ok && tv.IsType() && len(x.Args) == 1 {
			return isKeyParam(info, x.Args[0], key)
		}
	}
	return false
}

// recheckedBefore reports whether the literal checks or claims the Delete's
// key on the same map before the Delete: the take is then decided by that
// check (and reported, if at all, as a Load then Delete).
func (c *checker) recheckedBefore(f *fn, del op) bool {
	info := c.pass.TypesInfo
	for _, o := range f.ops {
		if o.call.Pos() < del.call.Pos() && (o.kind == opLoad || o.kind == opHas || o.kind == opClaim) &&
			sameMap(info, o.recv, del.recv) && sameKey(info, o.key, del.key) {
			return true
		}
	}
	return false
}

// lockedThroughout reports whether an exclusive lock held where the Range
// was called is still held at s in the literal.
func (c *checker) lockedThroughout(g *graph, s site) bool {
	for k := range g.heldAt(c.locks, s) {
		if g.entry[k] {
			return true
		}
	}
	return false
}

// addTypeTests adds to vars the locals assigned a type assertion of one of
// them (bv := value.(*block), bv, ok := value.(*block)).
func addTypeTests(info *types.Info, body *ast.BlockStmt, vars map[types.Object]bool) {
	ast.Inspect(body, func(n ast.Node) bool {
		a, ok := n.(*ast.AssignStmt)
		if !ok || len(a.Rhs) != 1 {
			return true
		}
		ta, ok := astq.Unparen(a.Rhs[0]).(*ast.TypeAssertExpr)
		if !ok {
			return true
		}
		if id := astq.Ident(ta.X); id != nil && vars[info.Uses[id]] {
			if lhs := astq.Ident(a.Lhs[0]); lhs != nil && lhs.Name != "_" {
				vars[info.ObjectOf(lhs)] = true
			}
		}
		return true
	})
}

// handedOn reports whether one of nodes (what can run after the Delete)
// hands the value (one of vars, or a type assertion of one) on: passes it
// to a call other than logging, sends it, or calls a method of it other
// than a lock's. Reading or writing its fields, and locking a lock in it,
// is not.
func handedOn(info *types.Info, nodes []ast.Node, vars map[types.Object]bool) bool {
	isValue := func(e ast.Expr) bool {
		e = astq.Unparen(e)
		if ta, ok := e.(*ast.TypeAssertExpr); ok {
			e = astq.Unparen(ta.X)
		}
		id, ok := e.(*ast.Ident)
		return ok && vars[info.Uses[id]]
	}
	found := false
	for _, root := range nodes {
		ast.Inspect(root, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SendStmt:
				found = found || isValue(n.Value)
			case *ast.CallExpr:
				if isLogging(info, n) {
					return !found
				}
				for _, a := range n.Args {
					found = found || isValue(a)
				}
				if sel, ok := astq.Unparen(n.Fun).(*ast.SelectorExpr); ok && isValue(sel.X) {
					if _, _, isLock := astq.LockCall(info, n); !isLock {
						found = true
					}
				}
			}
			return !found
		})
	}
	return found
}
