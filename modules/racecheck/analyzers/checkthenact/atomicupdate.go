package checkthenact

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/cfg"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A Load of an atomic (in place, or through a getter of the package whose
// body is the Load) and a later Store of a value the load decides, in six
// shapes whose harm needs no judgement of how the value is used:
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
//     its lazy initialisation. A zero test in a conjunction counts only
//     where the Store's edge implies the value is zero (cur == nil || …
//     failing does; cur != nil && … failing does not).
//   - a try-acquire: a Store of a value that is not a constant where a
//     test of what the load found passed, the test's other edge returning
//     false, and the function answering true after the Store (cur :=
//     k.holder(); if cur != nil && cur.takenBy(node, now) { return cur,
//     false }; k.held.Store(next); return next, true): two nodes both take
//     the lease. Reported as atomic-flag; not a change detection, whose
//     test refuses where the loaded value equals an input of the stored
//     one (if cur == mode { return false }): racing calls store one value.
//   - a count reset: a Store of a constant into an atomic the package adds
//     to, where the load found another constant (if s.refs.Load() == 1 {
//     s.refs.Store(0); return s.c.Close() }): an Add in between is
//     overwritten, and the resource is closed under its new holder.
//     Reported as lost-update; the fix is CompareAndSwap(1, 0), or one Add
//     whose result decides.
//   - a copy-on-write update: a Store of a copy of the loaded value (see
//     changedCopy) that the function changed first (next :=
//     s.Current().clone(); mutate(next); s.v.Store(next)): two writers
//     that load one snapshot each store their own changed copy, and the
//     first change is lost. Reported as lost-update, in an exported
//     function or one the package calls from two places; the fix is a
//     CompareAndSwap loop on the loaded value.
//
// Not when one exclusive lock is held at both, when a CompareAndSwap,
// Swap or Add of the same atomic comes between them, when a comment in the
// function speaks of the race, in test files, in functions whose callers
// hold a lock by convention, or in a method only one goroutine of its
// receiver runs (see owners). Values computed from the loaded one in other
// ways (moving averages, token buckets, a copy stored unchanged) were
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
				if call := c.loadCall(n.Rhs[0]); call != nil {
					if v := c.localVar(f, n.Lhs[0]); v != nil {
						loadedInto[call] = v
					}
				}
			}
		case *ast.CallExpr:
			o, ok := atomicStep(info, n)
			if !ok {
				// A getter of the package whose body is the Load
				// (cur := k.holder()), a predicate whose body tests
				// one (e.vacant(now)), or a setter whose body is the
				// Store of a value it builds (e.claim(owner, now)).
				if h, isGetter := c.atomicHelperOp(n); isGetter && h.kind == atomicLoad && h.test == nil {
					loads = append(loads, h)
				} else if p, isPredicate := c.atomicHelperWhole(n, atomicLoad); isPredicate {
					loads = append(loads, p)
				} else if st, isSetter := c.atomicHelperWhole(n, atomicStore); isSetter && !isGetter {
					stores = append(stores, st)
				}
				return true
			}
			switch o.kind {
			case atomicLoad:
				loads = append(loads, o)
			case atomicStore:
				if tv := info.Types[o.value]; o.value != nil && (tv.Value == nil && !tv.IsNil() || tv.Value != nil && c.countedByAdd(o.v)) {
					// A constant only into a count: a reset (refs.Store(0)).
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
// (v.Load().(T)), or the call of a getter of the package whose body is one
// (k.holder()); nil for anything else.
func (c *checker) loadCall(e ast.Expr) *ast.CallExpr {
	e = astq.Unparen(e)
	if ta, ok := e.(*ast.TypeAssertExpr); ok {
		e = astq.Unparen(ta.X)
	}
	if st, ok := e.(*ast.StarExpr); ok {
		e = astq.Unparen(st.X) // cur := *l.peers.Load(): a copy of what it points to
	}
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return nil
	}
	if o, ok := atomicStep(c.pass.TypesInfo, call); ok && o.kind == atomicLoad {
		return call
	}
	if o, ok := c.atomicHelperOp(call); ok && o.kind == atomicLoad && o.test == nil {
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
	reset := info.Types[s.value].Value != nil
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
	if b, ok := value.(*ast.BinaryExpr); ok && !reset && (b.Op == token.ADD || b.Op == token.SUB) && integer(info.TypeOf(b)) {
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
	if lat != sat && f.decl != nil && f.node == f.decl && c.manyCallers(f.decl) && c.changedCopy(f, s.value, isLoaded, l.call, s.call) {
		return diag(ruleLostUpdate, "stores a changed copy of the loaded value, but is not atomic with it: another goroutine can load the same value and store its own changed copy in between, and one of the changes is lost; use a CompareAndSwap loop on the loaded value, or one lock held by every writer")
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
	fromLoaded := func(e ast.Expr) bool { return anyExpr(e, isLoaded) }
	for b := range bt.blocks {
		cond, _, isCond := g.cond(b)
		e, isExpr := cond.(ast.Expr)
		if !isCond || !isExpr || len(b.Succs) != 2 || reach[b.Succs[0]] && reach[b.Succs[1]] {
			continue
		}
		if reset {
			// The count reset: the Store runs only where the load
			// found one value (refs.Load() == 1), and other code adds
			// to the count; an Add in between is overwritten.
			if k := equalConstant(info, e, isLoaded); k != nil && reach[b.Succs[0]] && info.Types[s.value].Value.ExactString() != info.Types[k].Value.ExactString() {
				return diag(ruleLostUpdate, fmt.Sprintf("runs only when the load found %s, but is not atomic with it: %s is a count other code adds to, and an Add made in between is overwritten (a reference taken then is lost, or two releases both miss the last one); use CompareAndSwap(%s, %s)",
					render(fset, k), render(fset, l.v), render(fset, k), render(fset, s.value)))
			}
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
		if zeroWhen(info, e, passing == b.Succs[0], isLoaded) && c.answersTrueAfter(f, s.call) && !hasReleaser(info.TypeOf(s.value)) {
			return diag(ruleAtomicFlag, "runs only when the load found "+render(fset, l.v)+" empty, but is not atomic with it: another goroutine can find it empty in between, and both store and both answer true; use CompareAndSwap with the empty value, and answer what it returns")
		}
		// The try-acquire: a test of what the load found refuses with
		// false on the edge that skips the Store, and the function
		// answers true after it (a lease taken unless another node
		// holds it). Not a change detection, which refuses where the
		// loaded value equals what the Store would put: racing calls
		// then store one value.
		failing := b.Succs[0]
		if passing == b.Succs[0] {
			failing = b.Succs[1]
		}
		if fromLoaded(e) && !fromStored(e) && !equalsStoredInput(info, e, s.value, fromLoaded) && g.refusesFalse(info, failing) &&
			c.answersTrueAfter(f, s.call) && !hasReleaser(info.TypeOf(s.value)) {
			return diag(ruleAtomicFlag, fmt.Sprintf("runs only when the test of what it loaded on line %d passed, but is not atomic with it: another goroutine can pass the same test in between, and both store and both answer true; use CompareAndSwap with the loaded value, and answer what it returns", fset.Position(e.Pos()).Line))
		}
	}
	return analysis.Diagnostic{}, false
}

// updateCallback reports whether call calls a function-typed parameter of
// f handed the loaded value (an expression isLoaded accepts): a generic
// copy-on-write update(fn) whose callers' closures build the next value
// from the current one.
func (c *checker) updateCallback(f *fn, call *ast.CallExpr, isLoaded func(ast.Expr) bool) bool {
	info := c.pass.TypesInfo
	p, isVar := info.Uses[astq.Ident(call.Fun)].(*types.Var)
	if !isVar || astq.Ident(call.Fun) != astq.Unparen(call.Fun) || f.decl == nil {
		return false
	}
	obj, ok := info.Defs[f.decl.Name].(*types.Func)
	if !ok {
		return false
	}
	if i, isParam := paramIndex(obj, p); !isParam || i < 0 {
		return false
	}
	for _, a := range call.Args {
		if isLoaded(a) {
			return true
		}
	}
	return false
}

// changedCopy reports whether value, what a Store puts, is a local of f
// assigned once to a copy of the loaded value (an expression isLoaded
// accepts): a clone… or copy… method called on it, or a function of that
// name handed it, *loaded, or a composite literal built from its fields
// (&routeTable{version: old.version + 1, routes: maps.Clone(old.routes)}),
// and that f changes between the copy and the Store (next.routes[p] = b,
// next.MaxConns = n, mutate(next), next.add(r)): a copy-on-write update.
func (c *checker) changedCopy(f *fn, value ast.Expr, isLoaded func(ast.Expr) bool, load, store *ast.CallExpr) bool {
	info := c.pass.TypesInfo
	value = astq.Unparen(value)
	if u, isAddr := value.(*ast.UnaryExpr); isAddr && u.Op == token.AND {
		value = astq.Unparen(u.X)
	}
	v := c.localVar(f, value)
	if v == nil || astq.Ident(value) != value {
		return false
	}
	def := astq.Unparen(c.onlyAssignment(f, v))
	if def == nil {
		if from := assignedFrom(info, f.body, v); len(from) == 1 && isCall(from[0]) {
			def = astq.Unparen(from[0]) // next, changed := fn(cur)
		}
	}
	if def == nil || def.Pos() < load.Pos() {
		return false
	}
	if call, isCallExpr := def.(*ast.CallExpr); isCallExpr && c.updateCallback(f, call, isLoaded) {
		// The callback the caller hands an update(fn) helper builds the
		// new value from the loaded one: the change is made there.
		return true
	}
	copied := false
	switch d := def.(type) {
	case *ast.StarExpr:
		copied = isLoaded(d.X)
	case *ast.UnaryExpr:
		if lit, isLit := astq.Unparen(d.X).(*ast.CompositeLit); isLit && d.Op == token.AND {
			copied = anyExpr(lit, isLoaded)
		}
	case *ast.CompositeLit:
		copied = anyExpr(d, isLoaded)
	case *ast.CallExpr:
		name := strings.ToLower(lastName(astq.Unparen(d.Fun)))
		if strings.HasPrefix(name, "clone") || strings.HasPrefix(name, "copy") {
			if sel, isSel := astq.Unparen(d.Fun).(*ast.SelectorExpr); isSel && isLoaded(sel.X) {
				copied = true
			}
			for _, a := range d.Args {
				copied = copied || isLoaded(a)
			}
		}
	}
	if !copied {
		return false
	}
	// A change of the copy between its making and the Store.
	changed := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		if changed || n == nil || n.End() < def.End() || n.Pos() > store.Pos() {
			return false
		}
		if _, isLit := n.(*ast.FuncLit); isLit {
			return false
		}
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if _, isID := astq.Unparen(l).(*ast.Ident); !isID && info.Uses[rootIdent(l)] == v {
					changed = true
				}
			}
		case *ast.IncDecStmt:
			changed = info.Uses[rootIdent(n.X)] == v && astq.Unparen(n.X) != ast.Expr(astq.Ident(n.X))
		case *ast.CallExpr:
			if n == store {
				return false
			}
			if _, builtin := typeutil.Callee(info, n).(*types.Builtin); builtin {
				return true // len(next.routes)
			}
			for _, a := range n.Args {
				if _, isCall := astq.Unparen(a).(*ast.CallExpr); !isCall && info.Uses[rootIdent(a)] == v {
					changed = true // mutate(next), maps.Copy(next.routes, add)
				}
			}
			if sel, isSel := astq.Unparen(n.Fun).(*ast.SelectorExpr); isSel && info.Uses[astq.Ident(sel.X)] == v && info.Selections[sel] != nil && info.Selections[sel].Kind() == types.MethodVal {
				changed = true
			}
		}
		return !changed
	})
	return changed
}

// anyExpr reports whether e, or an expression inside it, matches.
func anyExpr(e ast.Expr, match func(ast.Expr) bool) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if x, isX := n.(ast.Expr); isX && match(x) {
			found = true
		}
		return !found
	})
	return found
}

// atomicHelperWhole recognises a call of a method of the package whose
// body is one statement making one atomic step of kind on a field of its
// receiver, as the step its call stands for: for a Load, a return of a
// bool test of it (return e.current.Load().expired(now)), the call then
// being the test; for a Store, the Store of whatever value it builds
// (e.current.Store(&lease{owner: owner, …})), the call then being the
// value. The variable is in the caller's terms.
func (c *checker) atomicHelperWhole(call *ast.CallExpr, kind atomicKind) (atomicOp, bool) {
	info := c.pass.TypesInfo
	d, recv, x, ok := c.packageMethod(call)
	if !ok || len(d.Body.List) != 1 {
		return atomicOp{}, false
	}
	var body ast.Node
	switch st := d.Body.List[0].(type) {
	case *ast.ReturnStmt:
		if kind != atomicLoad || len(st.Results) != 1 || !isBool(info.TypeOf(st.Results[0])) {
			return atomicOp{}, false
		}
		body = st.Results[0]
	case *ast.ExprStmt:
		if kind != atomicStore {
			return atomicOp{}, false
		}
		body = st.X
	default:
		return atomicOp{}, false
	}
	var steps []atomicOp
	ast.Inspect(body, func(n ast.Node) bool {
		if inner, isCall := n.(*ast.CallExpr); isCall {
			if o, ok := atomicStep(info, inner); ok {
				steps = append(steps, o)
			}
		}
		return true
	})
	if len(steps) != 1 || steps[0].kind != kind || kind == atomicStore && ast.Node(steps[0].call) != body {
		return atomicOp{}, false
	}
	v, ok := rebase(info, steps[0].v, recv, x)
	if !ok {
		return atomicOp{}, false
	}
	op := atomicOp{call: call, x: call, kind: kind, v: v}
	if kind == atomicStore {
		op.value = call
	}
	return op, true
}

// equalConstant returns the constant cond compares the loaded value with
// by ==, on either side (refs.Load() == 1), or nil.
func equalConstant(info *types.Info, cond ast.Expr, isLoaded func(ast.Expr) bool) ast.Expr {
	b, ok := astq.Unparen(cond).(*ast.BinaryExpr)
	if !ok || b.Op != token.EQL {
		return nil
	}
	switch {
	case isLoaded(b.X) && info.Types[b.Y].Value != nil:
		return b.Y
	case isLoaded(b.Y) && info.Types[b.X].Value != nil:
		return b.X
	}
	return nil
}

// countedByAdd reports whether the atomic field or package variable v
// names is added to somewhere in the package's non-test code (Add, Inc,
// Dec, Sub, atomic.AddInt32): a count, not a flag.
func (c *checker) countedByAdd(v ast.Expr) bool {
	info := c.pass.TypesInfo
	if c.counted == nil {
		c.counted = map[*types.Var]bool{}
		for _, file := range c.pass.Files {
			if testFile(c.pass, file.Pos()) {
				continue
			}
			ast.Inspect(file, func(n ast.Node) bool {
				call, isCall := n.(*ast.CallExpr)
				if !isCall {
					return true
				}
				o, ok := atomicStep(info, call)
				fn := typeutil.Callee(info, call)
				if !ok || o.kind != atomicRMW || fn == nil {
					return true
				}
				for _, p := range []string{"Add", "Inc", "Dec", "Sub"} {
					if strings.HasPrefix(fn.Name(), p) {
						if x := atomicVar(info, o.v); x != nil {
							c.counted[x] = true
						}
					}
				}
				return true
			})
		}
	}
	x := atomicVar(info, v)
	return x != nil && c.counted[x]
}

// atomicVar returns the field or package variable an atomic's expression
// names (s.refs, &s.refs, hits), or nil.
func atomicVar(info *types.Info, e ast.Expr) *types.Var {
	if u, isAddr := astq.Unparen(e).(*ast.UnaryExpr); isAddr && u.Op == token.AND {
		e = u.X
	}
	return mapObject(info, e)
}

// zeroWhen reports whether cond evaluating to want implies that the value
// isV accepts is its zero value: cur == nil when true, cur != nil when
// false, and conjunctions and disjunctions where the implication holds
// (cur == nil || expired when false; not cur != nil && takenBy(…) when
// false, which also passes a held lease that another node does not hold).
func zeroWhen(info *types.Info, cond ast.Expr, want bool, isV func(ast.Expr) bool) bool {
	switch e := astq.Unparen(cond).(type) {
	case *ast.UnaryExpr:
		return e.Op == token.NOT && zeroWhen(info, e.X, !want, isV)
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LAND:
			if want {
				return zeroWhen(info, e.X, true, isV) || zeroWhen(info, e.Y, true, isV)
			}
			return zeroWhen(info, e.X, false, isV) && zeroWhen(info, e.Y, false, isV)
		case token.LOR:
			if want {
				return zeroWhen(info, e.X, true, isV) && zeroWhen(info, e.Y, true, isV)
			}
			return zeroWhen(info, e.X, false, isV) || zeroWhen(info, e.Y, false, isV)
		}
	}
	// A single test (cur == nil, !ok, v.IsZero()) holds or fails exactly
	// when the value is zero: its truth then is the outcome that says so.
	truth, known := zeroTruthOf(info, cond, isV)
	return known && truth == want
}

// equalsStoredInput reports whether cond compares, with ==, something
// computed from the loaded value with something the stored value is built
// from (cur == mode, then Store(mode)).
func equalsStoredInput(info *types.Info, cond, stored ast.Expr, fromLoaded func(ast.Expr) bool) bool {
	inputs := map[types.Object]bool{}
	ast.Inspect(stored, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if v, isVar := info.Uses[id].(*types.Var); isVar {
				inputs[v] = true
			}
		}
		return true
	})
	found := false
	ast.Inspect(cond, func(n ast.Node) bool {
		if b, ok := n.(*ast.BinaryExpr); ok && b.Op == token.EQL {
			found = found || fromLoaded(b.X) && astq.Mentions(info, b.Y, inputs) || fromLoaded(b.Y) && astq.Mentions(info, b.X, inputs)
		}
		return !found
	})
	return found
}

// refusesFalse reports whether the path from b, through blocks with one
// successor, reaches a return whose last result is the constant false.
func (g *graph) refusesFalse(info *types.Info, b *cfg.Block) bool {
	for range 4 {
		for _, n := range b.Nodes {
			if ret, ok := n.(*ast.ReturnStmt); ok {
				return len(ret.Results) > 0 && refusedFalse(info, ret.Results[len(ret.Results)-1])
			}
		}
		if len(b.Succs) != 1 {
			return false
		}
		b = b.Succs[0]
	}
	return false
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
// statement list holding the simple statement that makes it (a block's,
// or a switch case's), returns the constant true as f's last result.
func (c *checker) answersTrueAfter(f *fn, call *ast.CallExpr) bool {
	return c.trueReturnAfter(f, call) != nil
}

// trueReturnAfter returns the return statement answersTrueAfter finds,
// or nil.
func (c *checker) trueReturnAfter(f *fn, call *ast.CallExpr) *ast.ReturnStmt {
	return c.returnAfter(f, call, func(last ast.Expr) bool {
		yes, _ := boolConstant(c.pass.TypesInfo, last)
		return yes
	})
}

// nilErrorReturnAfter returns the first return statement after the
// statement holding call in its list when it answers a nil error last
// (c.busy.Store(true); return nil), or nil.
func (c *checker) nilErrorReturnAfter(f *fn, call *ast.CallExpr) *ast.ReturnStmt {
	info := c.pass.TypesInfo
	return c.returnAfter(f, call, func(last ast.Expr) bool {
		return isNil(info, last) && f.decl != nil && lastResultIsError(info, f.decl)
	})
}

// lastResultIsError reports whether d's last result is an error.
func lastResultIsError(info *types.Info, d *ast.FuncDecl) bool {
	fn, ok := info.Defs[d.Name].(*types.Func)
	if !ok {
		return false
	}
	res := fn.Signature().Results()
	return res.Len() > 0 && types.Identical(res.At(res.Len()-1).Type(), types.Universe.Lookup("error").Type())
}

// returnAfter returns the first return statement after the statement
// holding call in its list, when accept takes its last result; or nil.
func (c *checker) returnAfter(f *fn, call *ast.CallExpr, accept func(last ast.Expr) bool) *ast.ReturnStmt {
	var found *ast.ReturnStmt
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit || found != nil {
			return false
		}
		var list []ast.Stmt
		switch n := n.(type) {
		case *ast.BlockStmt:
			list = n.List
		case *ast.CaseClause:
			list = n.Body
		default:
			return true
		}
		for i, st := range list {
			switch st.(type) {
			case *ast.ExprStmt, *ast.AssignStmt:
			default:
				continue
			}
			if !containsNode(st, call) {
				continue
			}
			for _, next := range list[i+1:] {
				if ret, isRet := next.(*ast.ReturnStmt); isRet {
					if len(ret.Results) > 0 && accept(ret.Results[len(ret.Results)-1]) {
						found = ret
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
