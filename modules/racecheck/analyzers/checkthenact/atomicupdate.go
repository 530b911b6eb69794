package checkthenact

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A Load of an atomic and a later Store of a value the load decides,
// in three shapes whose harm needs no judgement of how the value is used:
//
//   - an increment written as a Load and a Store (n := g.seq.Load() + 1;
//     g.seq.Store(n)): two goroutines that load the same value store the
//     same successor, and one increment is lost (two orders get one ID);
//     the fix is Add. Reported as lost-update when the stored value is the
//     loaded one plus or minus a constant or a parameter, and the loaded
//     value indexes nothing (a writer publishing the offset of what it
//     wrote at that index is the one goroutine that moves it).
//   - a replace decided by comparing the loaded value with the one stored
//     (if old != nil && old.Version >= c.Version { return false };
//     h.cur.Store(c)): two updates that both load the same old one both
//     pass, and the older one can be stored last, so the value goes back.
//     Reported as stale-replace when a branch between them compares by
//     order (<, <=, >, >=) a field of the loaded value with a field of the
//     stored one, and an edge of it cannot reach the Store; the fix is a
//     CompareAndSwap loop. A scalar compared with the value stored is a
//     minimum or maximum kept loosely, an estimate, and is not reported.
//   - a claim: a Store of a value that is not a constant where the load
//     found the zero value (cur == "", p == nil, n == 0), after which the
//     function answers true (if cur == "" { e.leader.Store(id); return
//     true }): two goroutines that both find it empty both store and both
//     answer true, as two leaders. Reported as atomic-flag; the fix is
//     CompareAndSwap(zero, v). A Store of a constant is atomic-flag's other
//     shape (atomics.go), and a client stored where the load found nil is
//     its lazy initialisation.
//
// Not when one exclusive lock is held at both, when a CompareAndSwap,
// Swap or Add of the same atomic comes between them, when a comment in the
// function speaks of the race, in test files, in functions whose callers
// hold a lock by convention, or in a method only one goroutine of its
// receiver runs (see owners). Values computed from the loaded one in other
// ways (moving averages, token buckets, copy-on-write memos) were
// estimates whose authors accept the loss on the projects measured, and are
// not reported (docs/vet.md).

// checkAtomicUpdates reports f's Stores decided by an earlier Load of the
// same atomic (see above).
func (c *checker) checkAtomicUpdates(f *fn) {
	if testFile(c.pass, f.body.Pos()) || c.callerLocked(f) || c.owners.method[c.runsIn(f)] != nil {
		return
	}
	info := c.pass.TypesInfo
	var loads, stores, rmws []atomicOp
	loadedInto := map[*ast.CallExpr]*types.Var{} // x := v.Load(), x := v.Load().(T)
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			// x := v.Load(), or x, ok := v.Load().(T)
			if len(n.Rhs) == 1 && (len(n.Lhs) == 1 || len(n.Lhs) == 2 && isTypeAssert(n.Rhs[0])) {
				if call := loadCall(info, n.Rhs[0]); call != nil {
					if v := c.localVar(f, n.Lhs[0]); v != nil {
						loadedInto[call] = v
					}
				}
			}
		case *ast.CallExpr:
			o, ok := atomicStep(info, n)
			if !ok {
				return true
			}
			switch o.kind {
			case atomicLoad:
				loads = append(loads, o)
			case atomicStore:
				if o.value != nil && info.Types[o.value].Value == nil && !info.Types[o.value].IsNil() {
					stores = append(stores, o)
				}
			case atomicRMW:
				rmws = append(rmws, o)
			}
		}
		return true
	})
	if len(loads) == 0 || len(stores) == 0 || c.speaksOfRace(f) {
		return
	}
	g := c.graph(f)
	for _, s := range stores {
		sat, ok := g.calls[s.call]
		if !ok {
			continue
		}
		for _, l := range loads {
			lat, ok := g.calls[l.call]
			if !ok || !astq.Same(info, l.v, s.v) || l.call.Pos() > s.call.Pos() && !containsNode(s.call, l.call) {
				continue
			}
			if len(intersect(g.heldAt(c.locks, lat), g.heldAt(c.locks, sat))) > 0 {
				continue
			}
			loaded := loadedInto[l.call]
			if lat != sat && c.rmwBetween(g, lat, sat, l, rmws) {
				continue
			}
			if d, ok := c.atomicUpdate(f, g, l, s, lat, sat, loaded); ok {
				c.emit(d.Category, d)
				break
			}
		}
	}
}

// loadCall returns the Load call e is, or whose type assertion it is
// (v.Load().(T)), or nil.
func loadCall(info *types.Info, e ast.Expr) *ast.CallExpr {
	e = astq.Unparen(e)
	if ta, ok := e.(*ast.TypeAssertExpr); ok {
		e = astq.Unparen(ta.X)
	}
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return nil
	}
	if o, ok := atomicStep(info, call); ok && o.kind == atomicLoad {
		return call
	}
	return nil
}

// rmwBetween reports whether a CompareAndSwap, Swap or Add of l's atomic
// may run between the load and the store.
func (c *checker) rmwBetween(g *graph, lat, sat site, l atomicOp, rmws []atomicOp) bool {
	bt, ok := g.between(lat, sat)
	if !ok {
		return false
	}
	for _, o := range rmws {
		at, found := g.calls[o.call]
		if found && bt.blocks[at.block] && astq.Same(c.pass.TypesInfo, o.v, l.v) && !(at.block == lat.block && at.index < lat.index) {
			return true
		}
	}
	return false
}

// atomicUpdate judges the load l and the store s (see above); loaded is
// the local the load's result is assigned to, or nil.
func (c *checker) atomicUpdate(f *fn, g *graph, l, s atomicOp, lat, sat site, loaded *types.Var) (analysis.Diagnostic, bool) {
	info := c.pass.TypesInfo
	fset := c.pass.Fset
	isLoaded := func(e ast.Expr) bool {
		e = astq.Unparen(e)
		if ta, ok := e.(*ast.TypeAssertExpr); ok {
			e = astq.Unparen(ta.X)
		}
		return e == ast.Expr(l.call) || loaded != nil && info.Uses[astq.Ident(e)] == loaded
	}
	diag := func(rule, msg string) (analysis.Diagnostic, bool) {
		return analysis.Diagnostic{
			Pos: s.call.Pos(), End: s.call.End(), Category: rule,
			Message: fmt.Sprintf("%s after %s on line %d %s", shortRender(fset, s.call), render(fset, l.call), fset.Position(l.call.Pos()).Line, msg),
			Related: []analysis.RelatedInformation{{Pos: l.call.Pos(), End: l.call.End(), Message: "the load"}},
		}, true
	}
	// The increment: the stored value is the loaded one plus or minus a
	// constant or a parameter, directly or through a local assigned so
	// once.
	value := astq.Unparen(s.value)
	if id := astq.Ident(value); id != nil && id == value {
		if v, isVar := info.Uses[id].(*types.Var); isVar {
			if def := c.onlyAssignment(f, v); def != nil {
				value = astq.Unparen(def)
			}
		}
	}
	if b, ok := value.(*ast.BinaryExpr); ok && (b.Op == token.ADD || b.Op == token.SUB) && integer(info.TypeOf(b)) {
		var step ast.Expr
		switch {
		case isLoaded(b.X):
			step = b.Y
		case b.Op == token.ADD && isLoaded(b.Y):
			step = b.X
		}
		word := "plus"
		if b.Op == token.SUB {
			word = "minus"
		}
		if step != nil && (info.Types[step].Value != nil || c.declared(f) != nil && c.paramAt(c.declared(f), step) >= 0) && !indexes(info, f.body, loaded) {
			return diag(ruleLostUpdate, "stores the loaded value "+word+" "+render(fset, step)+", but is not atomic with it: two goroutines that load the same value store the same result, and one update is lost; use an atomic integer's Add and what it returns, or a CompareAndSwap loop")
		}
	}
	if lat == sat {
		return analysis.Diagnostic{}, false
	}
	bt, ok := g.between(lat, sat)
	if !ok {
		return analysis.Diagnostic{}, false
	}
	reach := g.backward(sat.block, lat.block)
	// The value stored, or the variable whose address is stored (&fresh).
	storedExpr := astq.Unparen(s.value)
	if u, isAddr := storedExpr.(*ast.UnaryExpr); isAddr && u.Op == token.AND {
		storedExpr = astq.Unparen(u.X)
	}
	stored := info.Uses[astq.Ident(storedExpr)]
	fromStored := func(e ast.Expr) bool { return stored != nil && usesObj(info, e, stored) }
	fromLoaded := func(e ast.Expr) bool {
		found := false
		ast.Inspect(e, func(n ast.Node) bool {
			if x, isX := n.(ast.Expr); isX && isLoaded(x) {
				found = true
			}
			return !found
		})
		return found
	}
	for b := range bt.blocks {
		cond, _, isCond := g.cond(b)
		e, isExpr := cond.(ast.Expr)
		if !isCond || !isExpr || len(b.Succs) != 2 || reach[b.Succs[0]] && reach[b.Succs[1]] {
			continue
		}
		// The ordered replace: fields of the loaded and the stored values
		// compared (a version). A scalar compared with the one stored is
		// a minimum or maximum kept loosely (sentinel-golang's "Might not
		// be accurate here"), or a throttle's deadline: estimates.
		ordered := false
		ast.Inspect(e, func(n ast.Node) bool {
			if bin, isBin := n.(*ast.BinaryExpr); isBin {
				switch bin.Op {
				case token.LSS, token.LEQ, token.GTR, token.GEQ:
					x, y := astq.Unparen(bin.X), astq.Unparen(bin.Y)
					_, xSel := x.(*ast.SelectorExpr)
					_, ySel := y.(*ast.SelectorExpr)
					ordered = ordered || xSel && ySel && (fromLoaded(x) && fromStored(y) || fromStored(x) && fromLoaded(y))
				}
			}
			return !ordered
		})
		if ordered {
			return diag(ruleStaleReplace, "is decided by comparing the loaded value with the stored one on line "+fmt.Sprint(fset.Position(e.Pos()).Line)+", but is not atomic with it: two goroutines that load the same value both pass, and the older of their values can be stored last; use a CompareAndSwap loop")
		}
		// The claim: the store runs only where the load found zero, and
		// the function then answers true.
		passing := b.Succs[1]
		if reach[b.Succs[0]] {
			passing = b.Succs[0]
		}
		// A value with something to release is the lazy
		// initialisation's (atomics.go), reported there once.
		if truth, known := zeroTruthOf(info, e, isLoaded); known && truth == (passing == b.Succs[0]) && c.answersTrueAfter(f, s.call) && !hasReleaser(info.TypeOf(s.value)) {
			return diag(ruleAtomicFlag, "runs only when the load found "+render(fset, l.v)+" empty, but is not atomic with it: another goroutine can find it empty in between, and both store and both answer true; use CompareAndSwap with the empty value, and answer what it returns")
		}
	}
	return analysis.Diagnostic{}, false
}

// indexes reports whether body uses v, or a local computed from it, in an
// index or a slice bound (b.buf[i+4:i+6]; offset := calc(index, mask),
// then buffer.data[offset]): a writer that publishes the offset of what it
// wrote through the atomic (pebble's log writer, otter's single-consumer
// queue index), the one goroutine that moves it.
func indexes(info *types.Info, body *ast.BlockStmt, v *types.Var) bool {
	if v == nil {
		return false
	}
	from := map[types.Object]bool{v: true}
	uses := func(e ast.Expr) bool {
		found := false
		ast.Inspect(e, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && from[info.Uses[id]] {
				found = true
			}
			return !found
		})
		return found
	}
	for grew := true; grew; {
		grew = false
		ast.Inspect(body, func(n ast.Node) bool {
			if a, ok := n.(*ast.AssignStmt); ok && len(a.Lhs) == len(a.Rhs) {
				for i, l := range a.Lhs {
					if o := info.ObjectOf(astq.Ident(l)); o != nil && !from[o] && uses(a.Rhs[i]) {
						from[o], grew = true, true
					}
				}
			}
			return true
		})
	}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.IndexExpr:
			found = found || uses(n.Index)
		case *ast.SliceExpr:
			for _, e := range []ast.Expr{n.Low, n.High, n.Max} {
				found = found || e != nil && uses(e)
			}
		}
		return !found
	})
	return found
}

// onlyAssignment returns the value of the one assignment to the local v
// in f (v := e), or nil when it is assigned more than once.
func (c *checker) onlyAssignment(f *fn, v *types.Var) ast.Expr {
	info := c.pass.TypesInfo
	var value ast.Expr
	count := 0
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if info.ObjectOf(astq.Ident(l)) == v {
					count++
					if len(n.Lhs) == len(n.Rhs) && (n.Tok == token.DEFINE || n.Tok == token.ASSIGN) {
						value = n.Rhs[i]
					}
				}
			}
		case *ast.IncDecStmt:
			if info.ObjectOf(astq.Ident(n.X)) == v {
				count++
			}
		}
		return true
	})
	if count != 1 {
		return nil
	}
	return value
}

// answersTrueAfter reports whether the first return after call, in the
// statement list holding the simple statement that makes it, returns the
// constant true as f's last result.
func (c *checker) answersTrueAfter(f *fn, call *ast.CallExpr) bool {
	info := c.pass.TypesInfo
	found := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit || found {
			return false
		}
		block, ok := n.(*ast.BlockStmt)
		if !ok {
			return true
		}
		for i, st := range block.List {
			switch st.(type) {
			case *ast.ExprStmt, *ast.AssignStmt:
			default:
				continue
			}
			if !containsNode(st, call) {
				continue
			}
			for _, next := range block.List[i+1:] {
				if ret, isRet := next.(*ast.ReturnStmt); isRet {
					if len(ret.Results) > 0 {
						found, _ = boolConstant(info, ret.Results[len(ret.Results)-1])
					}
					break
				}
			}
			return false
		}
		return true
	})
	return found
}

// integer reports whether t is an integer type.
func integer(t types.Type) bool {
	b, isBasic := t.Underlying().(*types.Basic)
	return isBasic && b.Info()&types.IsInteger != 0
}
