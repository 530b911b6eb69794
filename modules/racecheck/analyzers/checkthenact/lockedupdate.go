package checkthenact

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A field read under a lock, the lock released, and the field written
// under the lock taken again with a value computed from the one read, or
// a count raised where a bound check on the value read passed:
//
//	a.mu.Lock()
//	b := a.balance
//	a.mu.Unlock()
//	if b < amount {
//		return errInsufficientFunds
//	}
//	a.mu.Lock()
//	a.balance = b - amount // a withdrawal made in between is lost
//	a.mu.Unlock()
//
// and the same made of a getter and a setter of the package that each
// lock around one access (a.setBalance(a.Balance() - amount), or
// if l.Count() >= l.max { return false }; l.mu.Lock(); l.count++, or
// if from.Balance() < amount { return }; from.Withdraw(amount), a method
// whose body changes the count under its lock, or if !p.roomLeft() {
// return }; p.opened(), the bound checked by a method answering the
// comparison under its lock, or if q.remaining(t) <= 0 { return false };
// q.consume(t), the room left below the bound answered under its lock).
// Every
// access is locked, so the race detector is silent, but two goroutines can
// both read before either writes: one update is lost, or both pass a check
// only one should.
//
// Reported: a write of a field path x.f with an exclusive lock held (or
// through a locking setter, or a method whose body changes it as a count
// under its lock), after a read of x.f with a lock held (v := x.f, or
// ok := x.f >= amount, read locks too) or through a locking getter (also
// inside a call whose result a local takes) or a locking method answering
// x.f compared by order with something (return p.open < p.max), when
// every path from the read to the write releases every lock held at the
// read, and either
// the value written is computed from the value read (and does not read x.f
// again itself; the value read written back unchanged, a save restored,
// is no update), or the write changes a count (x.f++, x.f -= k) after a
// branch that compares the value read with a bound (or tests a local
// holding that comparison, or the comparing method's answer) has an edge
// that cannot reach it. Not when something between them reads x.f again
// under a lock the write holds, when one exclusive lock of the caller's is held
// at both, in test files, in functions whose callers hold a lock by
// convention, or when f runs only on one goroutine of its receiver (see
// owners) and every other write of the field does too. Other writes a
// read decides are left to rules with their own conditions: a constant
// (locked-flag), a zero value (locked-clear), a field filled where found
// empty (locked-lazy). Measured first with any write such a branch
// decides, the rule reported change detections (if get() != v { set(v) }),
// time throttles, first-error-wins setters and Raft-applied epoch checks
// on the projects of docs/vet.md, none true.

// fieldRead is a read of a field path: v := x.f with a lock held, or a
// call of a locking getter (local set when its result is assigned to one).
type fieldRead struct {
	field ast.Expr
	node  ast.Node      // the assignment, or the getter call
	call  *ast.CallExpr // the getter call, or nil
	local *types.Var    // v, or nil
	// bound: the local holds the read compared with a bound by order
	// (ok := a.balance >= amount), not the value itself.
	bound bool
	// derived: the local holds a value computed from the getter's answer
	// (cleaned, err := l.clean(l.Segments())), not the answer itself.
	derived bool
	// predicate: call is a locking method answering the field compared
	// with a bound (see boundPredicate), not the field's value.
	predicate bool
	// headroom: call is a locking method answering what is left below a
	// bound, the bound less the field (see headroomGetter): compared with
	// zero, it is a bound check of the field.
	headroom bool
}

// fieldWrite is a write of a field path: x.f = v, x.f op= v, x.f++, or a
// call of a locking setter.
type fieldWrite struct {
	field ast.Expr
	value ast.Expr // the value stored; nil for x.f++ and x.f op= v
	node  ast.Node // the statement, or the setter call
	call  *ast.CallExpr
}

// checkLockedUpdates reports f's writes of a field computed from, or
// decided by, a read of it under a lock released since (see above).
func (c *checker) checkLockedUpdates(f *fn) {
	if testFile(c.pass, f.body.Pos()) || c.callerLocked(f) {
		return
	}
	info := c.pass.TypesInfo
	var reads []fieldRead
	var writes []fieldWrite
	assigned := map[*ast.CallExpr]bool{}
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			if len(n.Rhs) != 1 || len(n.Lhs) != 1 && !(len(n.Lhs) == 2 && (isCallExpr(n.Rhs[0]) || mapEntry(info, n.Rhs[0]))) {
				return true
			}
			if len(n.Lhs) == 1 && n.Tok != token.DEFINE && lockedTarget(info, n.Lhs[0]) {
				w := fieldWrite{field: n.Lhs[0], node: n}
				if n.Tok == token.ASSIGN {
					w.value = n.Rhs[0]
					if constantOrZero(info, w.value) {
						return true
					}
				}
				writes = append(writes, w)
				return true
			}
			v := c.localVar(f, n.Lhs[0])
			if v == nil {
				return true
			}
			if call, isCall := astq.Unparen(n.Rhs[0]).(*ast.CallExpr); isCall && c.isGetterRead(call) {
				r := c.getterRead(call)
				r.local = v
				assigned[r.call] = true
				reads = append(reads, r)
			} else if r, ok := c.getterWithin(n.Rhs[0]); ok {
				// cleaned, err := l.clean(l.Segments()): the local is
				// computed from the getter's answer.
				r.local, r.derived = v, true
				assigned[r.call] = true
				reads = append(reads, r)
			} else if x, ok := c.headroomGetter(astq.Unparen(n.Rhs[0])); ok && len(n.Lhs) == 1 {
				// left := q.remaining(tenant)
				call := astq.Unparen(n.Rhs[0]).(*ast.CallExpr)
				reads = append(reads, fieldRead{field: x, node: call, call: call, local: v, headroom: true})
				assigned[call] = true
			} else if fields := c.assignedPredicate(n); len(fields) > 0 {
				// ok := p.canDial(): the local holds the bound check.
				call := astq.Unparen(n.Rhs[0]).(*ast.CallExpr)
				for _, x := range fields {
					reads = append(reads, fieldRead{field: x, node: call, call: call, local: v, bound: true, predicate: true})
				}
				assigned[call] = true
			} else if lockedTarget(info, n.Rhs[0]) {
				// v := x.f, or v, ok := x.m[k]
				reads = append(reads, fieldRead{field: n.Rhs[0], node: n, local: v})
			} else {
				for _, x := range comparedTargets(info, n.Rhs[0]) {
					reads = append(reads, fieldRead{field: x, node: n, local: v, bound: true})
				}
			}
		case *ast.IncDecStmt:
			if lockedTarget(info, n.X) {
				writes = append(writes, fieldWrite{field: n.X, node: n})
			}
		case *ast.CallExpr:
			if assigned[n] {
				return true
			}
			if c.isGetterRead(n) {
				reads = append(reads, c.getterRead(n))
			} else if x, ok := c.headroomGetter(n); ok {
				reads = append(reads, fieldRead{field: x, node: n, call: n, headroom: true})
			} else if fields := c.boundPredicate(n); len(fields) > 0 {
				for _, x := range fields {
					reads = append(reads, fieldRead{field: x, node: n, call: n, predicate: true})
				}
			} else if o, ok := c.lockedAccessor(n); ok && o.kind == atomicStore && !constantOrZero(info, o.value) {
				writes = append(writes, fieldWrite{field: o.v, value: o.value, node: n, call: n})
			} else if x, ok := c.lockedCountChange(n); ok {
				writes = append(writes, fieldWrite{field: x, node: n, call: n})
			}
		}
		return true
	})
	if len(reads) == 0 || len(writes) == 0 {
		return
	}
	var g *graph
	// decided: the reads whose bound check a reported count change
	// followed; a later change of the same count after that one (a
	// release undoing the allocation the check allowed) is not decided
	// by the check again.
	decided := map[ast.Node]bool{}
	for _, w := range writes {
		// One diagnostic per write: a read the value is computed from
		// rather than the first read that decides it.
		var by *fieldRead
		lost := false
		for _, r := range reads {
			if !astq.Same(info, r.field, w.field) || decided[r.node] {
				continue
			}
			if g == nil {
				g = c.graph(f)
			}
			computed, ok := c.updateAfterRead(g, r, w)
			if ok && (by == nil || computed) {
				by, lost = &r, computed
			}
			if lost {
				break
			}
		}
		if by != nil && !c.ownedUpdate(f, w.field) {
			if !lost {
				decided[by.node] = true
			}
			c.reportLockedUpdate(*by, w, lost)
		}
	}
}

// lockedCountChange returns the field path a call of a method of the
// package changes as a count under its lock: its whole body is lock;
// x.f op= v (or x.f++, x.f--); unlock (or lock; defer unlock; the change,
// then only statements that do not read x.f: l.debit(user, cents) for
// l.balances[user] -= cents and a history append),
// a.Withdraw(amount) for a.balance -= amount, or its body makes that
// lock, change, unlock sequence among other statements (a dial first,
// then the count raised) and reads x.f nowhere else, so it looks at the
// count again nowhere.
func (c *checker) lockedCountChange(call *ast.CallExpr) (ast.Expr, bool) {
	info := c.pass.TypesInfo
	d, recv, x, ok := c.packageMethod(call)
	if !ok {
		return nil, false
	}
	list := d.Body.List
	for i := 0; i+2 < len(list); i++ {
		if !c.lockStep(list[i], true) {
			continue
		}
		change, last := list[i+1], list[i+2]
		if ds, isDefer := change.(*ast.DeferStmt); isDefer {
			if _, acquire, isLock := c.locks.call(ds.Call); !isLock || acquire || i != 0 {
				continue
			}
			change = last // further statements must not read the count (below)
		} else if !c.lockStep(last, false) {
			continue
		}
		field := countChanged(change)
		if field == nil || !fieldPathExpr(info, field) && !paramEntry(info, field, d) || len(list) != 3 && c.mentionedBesides(d.Body, field, change) {
			continue
		}
		return rebaseCall(info, field, d, recv, x, call)
	}
	return nil, false
}

// paramEntry reports whether e is an entry of a map at a field path,
// keyed by a parameter of d (q.used[tenant] in Allocate(tenant, n)).
func paramEntry(info *types.Info, e ast.Expr, d *ast.FuncDecl) bool {
	ix, ok := astq.Unparen(e).(*ast.IndexExpr)
	return ok && mapEntry(info, ix) && fieldPathExpr(info, ix.X) && paramOf(info, d, ix.Index) >= 0
}

// paramOf returns the index of the parameter of d that e names (not a
// variadic one), or -1.
func paramOf(info *types.Info, d *ast.FuncDecl, e ast.Expr) int {
	obj, ok := info.Defs[d.Name].(*types.Func)
	id := astq.Ident(e)
	if !ok || id == nil || id != astq.Unparen(e) {
		return -1
	}
	if i, isParam := paramIndex(obj, info.Uses[id]); isParam {
		return i
	}
	return -1
}

// rebaseCall is rebase for a call of the method d: a map entry keyed by
// one of d's parameters (q.used[tenant]) is written with the call's
// argument for it (s.quotas.used[t] for s.quotas.Allocate(t, n)).
func rebaseCall(info *types.Info, e ast.Expr, d *ast.FuncDecl, recv types.Object, onto ast.Expr, call *ast.CallExpr) (ast.Expr, bool) {
	ix, isEntry := astq.Unparen(e).(*ast.IndexExpr)
	if !isEntry {
		return rebase(info, e, recv, onto)
	}
	i := paramOf(info, d, ix.Index)
	if i < 0 || i >= len(call.Args) {
		return nil, false
	}
	x, ok := rebase(info, ix.X, recv, onto)
	return &ast.IndexExpr{X: x, Lbrack: ix.Lbrack, Index: call.Args[i], Rbrack: ix.Rbrack}, ok
}

// boundSide returns the field path or parameter-keyed map entry one side
// of a bound comparison in d reads: the side itself, or, for a sum with a
// parameter or a constant (q.used[tenant]+n <= q.limit[tenant]), the
// operand that is one; nil otherwise.
func boundSide(info *types.Info, e ast.Expr, d *ast.FuncDecl) ast.Expr {
	e = astq.Unparen(e)
	if fieldPathExpr(info, e) || paramEntry(info, e, d) {
		return e
	}
	b, ok := e.(*ast.BinaryExpr)
	if !ok || b.Op != token.ADD && b.Op != token.SUB {
		return nil
	}
	for _, pair := range [][2]ast.Expr{{b.X, b.Y}, {b.Y, b.X}} {
		side, other := astq.Unparen(pair[0]), pair[1]
		if (fieldPathExpr(info, side) || paramEntry(info, side, d)) && (info.Types[other].Value != nil || paramOf(info, d, other) >= 0) {
			return side
		}
	}
	return nil
}

// countChanged returns the field a statement changes as a count (x.f++,
// x.f--, x.f += v, x.f -= v), or nil.
func countChanged(st ast.Stmt) ast.Expr {
	switch st := st.(type) {
	case *ast.IncDecStmt:
		return st.X
	case *ast.AssignStmt:
		if len(st.Lhs) == 1 && (st.Tok == token.ADD_ASSIGN || st.Tok == token.SUB_ASSIGN) {
			return st.Lhs[0]
		}
	}
	return nil
}

// mentionedBesides reports whether body names the field path field
// anywhere outside the statement except.
func (c *checker) mentionedBesides(body *ast.BlockStmt, field ast.Expr, except ast.Stmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if n == ast.Node(except) || found {
			return false
		}
		if e, isExpr := n.(ast.Expr); isExpr && astq.Same(c.pass.TypesInfo, e, field) {
			found = true
		}
		return !found
	})
	return found
}

// assignedPredicate returns, for ok := x.m() with m a bound predicate (see
// boundPredicate), the field paths m compares.
func (c *checker) assignedPredicate(a *ast.AssignStmt) []ast.Expr {
	call, isCall := astq.Unparen(a.Rhs[0]).(*ast.CallExpr)
	if !isCall || len(a.Lhs) != 1 {
		return nil
	}
	return c.boundPredicate(call)
}

// boundPredicate returns the field paths a call of a method of the
// package compares by order under its lock, its body being lock; defer
// unlock; return x.f < x.g (or lock; ok := …; unlock; return ok), in the
// caller's terms: p.open and p.max for p.canDial(), whose body answers
// p.open < p.max. The caller's later count change then pairs with the
// field it changes.
func (c *checker) boundPredicate(call *ast.CallExpr) []ast.Expr {
	info := c.pass.TypesInfo
	d, recv, x, ok := c.packageMethod(call)
	if !ok || len(d.Body.List) < 3 || !c.lockStep(d.Body.List[0], true) {
		return nil
	}
	e, ok := c.lockedResult(d)
	b, isBin := astq.Unparen(e).(*ast.BinaryExpr)
	if !ok || !isBin {
		return nil
	}
	switch b.Op {
	case token.LSS, token.LEQ, token.GTR, token.GEQ:
	default:
		return nil
	}
	var fields []ast.Expr
	for _, side := range []ast.Expr{b.X, b.Y} {
		side = boundSide(info, side, d)
		if side == nil {
			continue
		}
		if f, ok := rebaseCall(info, side, d, recv, x, call); ok {
			fields = append(fields, f)
		}
	}
	return fields
}

// headroomGetter returns, for a call of a method of the package whose body
// is lock; defer unlock; return b - x.f (or the same through a local),
// with x.f a field path or an entry of a Go map keyed by a parameter and b
// a field path, such an entry, a parameter or a constant, the field x.f in
// the caller's terms: q.used[tenant] for q.remaining(tenant), whose body
// answers q.limit[tenant] - q.used[tenant]. What it answers is the room
// left below the bound, and the caller's comparison of it with zero is a
// bound check of the count.
func (c *checker) headroomGetter(e ast.Expr) (ast.Expr, bool) {
	info := c.pass.TypesInfo
	call, isCall := e.(*ast.CallExpr)
	if !isCall {
		return nil, false
	}
	d, recv, x, ok := c.packageMethod(call)
	if !ok || len(d.Body.List) < 3 || !c.lockStep(d.Body.List[0], true) {
		return nil, false
	}
	res, ok := c.lockedResult(d)
	b, isBin := astq.Unparen(res).(*ast.BinaryExpr)
	if !ok || !isBin || b.Op != token.SUB || !integer(info.TypeOf(b)) {
		return nil, false
	}
	count, bound := astq.Unparen(b.Y), astq.Unparen(b.X)
	if !fieldPathExpr(info, count) && !paramEntry(info, count, d) {
		return nil, false
	}
	if !fieldPathExpr(info, bound) && !paramEntry(info, bound, d) && info.Types[bound].Value == nil && paramOf(info, d, bound) < 0 {
		return nil, false
	}
	return rebaseCall(info, count, d, recv, x, call)
}

// orderedWith reports whether cond compares an expression isRead accepts
// by order (<, <=, >, >=) with anything, zero included.
func orderedWith(info *types.Info, cond ast.Expr, isRead func(ast.Expr) bool) bool {
	found := false
	ast.Inspect(cond, func(n ast.Node) bool {
		if b, ok := n.(*ast.BinaryExpr); ok && !found {
			switch b.Op {
			case token.LSS, token.LEQ, token.GTR, token.GEQ:
				found = isRead(b.X) || isRead(b.Y)
			}
		}
		return !found
	})
	return found
}

// getterWithin returns the one call of a locking getter inside e, an
// argument of a call there (l.clean(l.Segments())).
func (c *checker) getterWithin(e ast.Expr) (fieldRead, bool) {
	var found []*ast.CallExpr
	ast.Inspect(e, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit {
			return false
		}
		if call, isCall := n.(*ast.CallExpr); isCall && c.isGetterRead(call) {
			found = append(found, call)
		}
		return true
	})
	if len(found) != 1 {
		return fieldRead{}, false
	}
	return c.getterRead(found[0]), true
}

// isGetterRead reports whether call is a getter of the package that locks
// around returning a field (see lockedAccessor), as it is, or an entry of
// a Go map keyed by its parameter (Available(sku) returning
// inv.onHand[sku]; see entryGetter).
func (c *checker) isGetterRead(call *ast.CallExpr) bool {
	if o, ok := c.lockedAccessor(call); ok && o.kind == atomicLoad && !o.negated {
		return true
	}
	_, ok := c.entryGetter(call)
	return ok
}

// getterRead is the read a getter call isGetterRead accepts makes.
func (c *checker) getterRead(call *ast.CallExpr) fieldRead {
	if o, ok := c.lockedAccessor(call); ok {
		return fieldRead{field: o.v, node: call, call: call}
	}
	entry, _ := c.entryGetter(call)
	return fieldRead{field: entry, node: call, call: call}
}

// entryGetter returns, for a call of a method of the package whose body
// is lock; defer unlock; return r.m[k] (or the same through a local) with
// k a parameter, the entry in the caller's terms (inv.onHand[req.SKU] for
// inv.Available(req.SKU)).
func (c *checker) entryGetter(call *ast.CallExpr) (ast.Expr, bool) {
	info := c.pass.TypesInfo
	d, recv, x, ok := c.packageMethod(call)
	if !ok || len(d.Body.List) < 3 || !c.lockStep(d.Body.List[0], true) {
		return nil, false
	}
	e, ok := c.lockedResult(d)
	if !ok || !paramEntry(info, e, d) {
		return nil, false
	}
	return rebaseCall(info, e, d, recv, x, call)
}

// isCallExpr reports whether e is a call.
func isCallExpr(e ast.Expr) bool {
	_, ok := astq.Unparen(e).(*ast.CallExpr)
	return ok
}

// constantOrZero reports whether e is a constant, nil or another zero
// value (T{}).
func constantOrZero(info *types.Info, e ast.Expr) bool {
	return info.Types[e].Value != nil || zeroValue(info, e)
}

// updateAfterRead judges the read r and the later write w in g (see
// above): ok when w is reported, lost when its value is computed from the
// value read (rather than decided by it).
func (c *checker) updateAfterRead(g *graph, r fieldRead, w fieldWrite) (lost, ok bool) {
	info := c.pass.TypesInfo
	if w.value != nil && mapEntry(info, w.field) {
		// A map entry stored from or decided by the value read is the
		// Go-map rules' lost update or ordered replace (pair.go); only
		// its count changed after a bound check is this rule's.
		return false, false
	}
	rat, wat := g.siteIn(r.node), g.siteIn(w.node)
	if rat.block == nil || wat.block == nil {
		return false, false
	}
	heldW := g.heldAt(c.locks, wat)
	if w.call == nil && len(heldW) == 0 {
		return false, false
	}
	rereads := func(e ast.Expr) bool {
		found := false
		ast.Inspect(e, func(n ast.Node) bool {
			if x, isExpr := n.(ast.Expr); isExpr && astq.Same(info, x, w.field) {
				found = true
			}
			return !found
		})
		return found
	}
	if rat == wat {
		// The getter's call in the setter's argument: a.setBalance(a.Balance() - amount).
		return true, r.call != nil && w.call != nil && w.value != nil && containsNode(w.value, r.call) && len(heldW) == 0
	}
	atRead := g.anyHeldAt(c.locks, rat)
	if r.call == nil && len(atRead) == 0 {
		return false, false
	}
	bt, found := g.between(rat, wat)
	if !found {
		return false, false
	}
	for key := range atRead {
		if !g.alwaysReleased(c.locks, key, rat, wat) {
			return false, false
		}
	}
	again := false
	bt.nodes(func(n ast.Node, s site) {
		if again || len(intersect(heldW, g.heldAt(c.locks, s))) == 0 {
			return
		}
		e, isExpr := n.(ast.Expr)
		if st, isStmt := n.(ast.Stmt); isStmt {
			ast.Inspect(st, func(m ast.Node) bool {
				if x, isX := m.(ast.Expr); isX && rereads(x) {
					again = true
				}
				return !again
			})
		} else if isExpr {
			again = rereads(e)
		}
	})
	if again {
		return false, false
	}
	// A value read and written back as it was (a save restored, a copy
	// kept, whatever path it was copied along) is no update: a local
	// written as the value must be computed between them.
	computed := true
	if u, isLocal := info.Uses[astq.Ident(w.value)].(*types.Var); isLocal && astq.Ident(w.value) == astq.Unparen(w.value) {
		computed = u == r.local && r.derived || bt.computes(info, u)
	}
	if r.local != nil && !r.bound && w.value != nil && !rereads(w.value) && computed {
		in := g.flow(info, rat, taintState{r.local: fromValue})
		if st := g.stateAt(info, rat, in, wat); st.roles(info, w.value) != 0 {
			return true, true
		}
	}
	// A count raised after a bound check on the value read: both pass.
	// A value written after comparing a field of it by order with a field
	// of the value read (a config's version): both pass, and the older
	// can be written last.
	written, _ := info.Uses[astq.Ident(w.value)].(*types.Var)
	if w.value != nil && (written == nil || r.bound || r.predicate || r.headroom) {
		return false, false
	}
	reach := g.backward(wat.block, rat.block)
	for b := range bt.blocks {
		cond, _, isCond := g.cond(b)
		e, isExpr := cond.(ast.Expr)
		if !isCond || !isExpr || len(b.Succs) != 2 || reach[b.Succs[0]] && reach[b.Succs[1]] {
			continue
		}
		isRead := func(x ast.Expr) bool {
			x = astq.Unparen(x)
			return r.call != nil && x == ast.Expr(r.call) || r.local != nil && info.Uses[astq.Ident(x)] == r.local
		}
		if w.value != nil {
			if c.versionCompared(e, isRead, written) {
				return false, true
			}
			continue
		}
		if r.headroom && orderedWith(info, e, isRead) || !r.headroom && boundTest(info, e, isRead) || r.bound && r.local != nil && usesObj(info, e, r.local) || r.predicate && r.local == nil && containsNode(e, r.call) {
			return false, true
		}
	}
	return false, false
}

// versionCompared reports whether cond compares by order a field of the
// value read (an expression isRead accepts) with a field of the local
// written, in place (next.Version > cur.Version) or through a function of
// the package whose body is one return of such a comparison of its
// parameters (newer(h.Current(), next), newer returning next.Version >
// cur.Version).
func (c *checker) versionCompared(cond ast.Expr, isRead func(ast.Expr) bool, written *types.Var) bool {
	info := c.pass.TypesInfo
	isWritten := func(x ast.Expr) bool { return info.Uses[astq.Ident(x)] == written && astq.Ident(x) == astq.Unparen(x) }
	if orderedFields(info, cond, isRead, isWritten) {
		return true
	}
	found := false
	ast.Inspect(cond, func(n ast.Node) bool {
		call, isCall := n.(*ast.CallExpr)
		if !isCall || found {
			return !found
		}
		fn := typeutil.StaticCallee(info, call)
		if fn == nil {
			return true
		}
		d := c.declOf(fn)
		if d == nil || len(d.Body.List) != 1 {
			return true
		}
		ret, isRet := d.Body.List[0].(*ast.ReturnStmt)
		if !isRet || len(ret.Results) != 1 {
			return true
		}
		// The parameters the read and the written value are handed to.
		args := map[types.Object]ast.Expr{}
		i := 0
		for _, field := range d.Type.Params.List {
			for _, name := range field.Names {
				if i < len(call.Args) {
					args[info.Defs[name]] = call.Args[i]
				}
				i++
			}
		}
		handed := func(test func(ast.Expr) bool) func(ast.Expr) bool {
			return func(x ast.Expr) bool {
				arg, isParam := args[info.Uses[astq.Ident(x)]]
				return isParam && astq.Ident(x) == astq.Unparen(x) && test(arg)
			}
		}
		found = orderedFields(info, ret.Results[0], handed(isRead), handed(isWritten))
		return !found
	})
	return found
}

// orderedFields reports whether e compares by order (<, <=, >, >=) a field
// of a value isA accepts with a field of a value isB accepts, either way
// round.
func orderedFields(info *types.Info, e ast.Expr, isA, isB func(ast.Expr) bool) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		b, isBin := n.(*ast.BinaryExpr)
		if !isBin || found {
			return !found
		}
		switch b.Op {
		case token.LSS, token.LEQ, token.GTR, token.GEQ:
		default:
			return true
		}
		x, xSel := astq.Unparen(b.X).(*ast.SelectorExpr)
		y, ySel := astq.Unparen(b.Y).(*ast.SelectorExpr)
		found = xSel && ySel && (isA(x.X) && isB(y.X) || isB(x.X) && isA(y.X))
		return !found
	})
	return found
}

// comparedTargets returns the field paths x.f (or map entries x.m[k]) that
// e compares by order (x.f >= amount, limit < x.n): the one side that is
// such a path, or both sides when both are (p.numOpen < p.maxOpen: the
// write that follows says which is the count).
func comparedTargets(info *types.Info, e ast.Expr) []ast.Expr {
	b, ok := astq.Unparen(e).(*ast.BinaryExpr)
	if !ok {
		return nil
	}
	switch b.Op {
	case token.LSS, token.LEQ, token.GTR, token.GEQ:
		var out []ast.Expr
		for _, side := range []ast.Expr{b.X, b.Y} {
			if lockedTarget(info, side) {
				out = append(out, side)
			}
		}
		return out
	case token.LAND, token.LOR:
		// canOpen := db.maxOpen <= 0 || db.numOpen < db.maxOpen: the
		// bound checked where it applies.
		return append(comparedTargets(info, b.X), comparedTargets(info, b.Y)...)
	}
	return nil
}

// lockedTarget reports whether e is what locked-update follows: a field
// path (x.f, x.f.g) or an entry of a Go map held in one or in a package
// variable (x.stock[sku], counts[k]), its key an expression without calls.
func lockedTarget(info *types.Info, e ast.Expr) bool {
	return fieldPathExpr(info, e) || mapEntry(info, e)
}

// mapEntry reports whether e is m[k] for a Go map m that is a field path
// or a package-level variable, and k is the same value each time it is
// evaluated (astq.Same can pair it).
func mapEntry(info *types.Info, e ast.Expr) bool {
	ix, ok := astq.Unparen(e).(*ast.IndexExpr)
	if !ok || !astq.Same(info, ix.Index, ix.Index) {
		return false
	}
	if _, isMap := info.TypeOf(ix.X).Underlying().(*types.Map); !isMap {
		return false
	}
	if fieldPathExpr(info, ix.X) {
		return true
	}
	v, isVar := info.ObjectOf(astq.Ident(ix.X)).(*types.Var)
	return isVar && astq.Ident(ix.X) == astq.Unparen(ix.X) && packageLevel(v)
}

// alwaysReleased reports whether every path from r to w releases lock
// key: where some path keeps it, the code on that path is atomic, and a
// path that releases it on purpose (nats.go's message loop drops the lock
// only to run a barrier's callback, then goes on with the list it owns)
// is not taken for a check and an act split apart.
func (g *graph) alwaysReleased(lc *lockCalls, key string, r, w site) bool {
	return g.everyPathPasses(r, w, func(n ast.Node) bool { return lockCallIn(lc, n, key, false) }, nil)
}

// computes reports whether a node between the read and the write gives v
// a value computed from something, not a copy of a variable or a field:
// v++, v += d, v = b - d, v = append(v, x).
func (bt between) computes(info *types.Info, v *types.Var) bool {
	is := func(e ast.Expr) bool { return info.ObjectOf(astq.Ident(e)) == v && astq.Ident(e) == astq.Unparen(e) }
	found := false
	bt.nodes(func(n ast.Node, _ site) {
		ast.Inspect(n, func(m ast.Node) bool {
			switch m := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.IncDecStmt:
				found = found || is(m.X)
			case *ast.AssignStmt:
				for i, l := range m.Lhs {
					if !is(l) {
						continue
					}
					if m.Tok != token.ASSIGN && m.Tok != token.DEFINE || len(m.Rhs) != len(m.Lhs) {
						found = true
						continue
					}
					switch rhs := astq.Unparen(m.Rhs[i]).(type) {
					case *ast.Ident:
					case *ast.SelectorExpr:
						found = found || !fieldPathExpr(info, rhs)
					default:
						found = true
					}
				}
			}
			return !found
		})
	})
	return found
}

// siteIn returns the site of n in g: a call's own site, or the block node
// holding n.
func (g *graph) siteIn(n ast.Node) site {
	if call, isCall := n.(*ast.CallExpr); isCall {
		if s, found := g.calls[call]; found {
			return s
		}
	}
	return g.siteOf(n)
}

// ownedUpdate reports whether f runs only on one goroutine of its receiver
// (see owners) and every write of the field x.f in the package's non-test
// code is in a function only that goroutine runs: no other goroutine then
// writes between the read and the write.
func (c *checker) ownedUpdate(f *fn, x ast.Expr) bool {
	if ix, isEntry := astq.Unparen(x).(*ast.IndexExpr); isEntry {
		x = ix.X // a map entry's owner is the map's
	}
	root := c.owners.method[c.runsIn(f)]
	field := fieldOf(c.pass.TypesInfo, x)
	if root == nil || field == nil {
		return false
	}
	for _, g := range c.funcs {
		if testFile(c.pass, g.body.Pos()) || !c.writesField(g, field) {
			continue
		}
		if in := c.runsIn(g); in == nil || c.owners.method[in] != root {
			return false
		}
	}
	return true
}

// writesField reports whether f, outside the function literals in it,
// assigns the field or changes it with ++ or --.
func (c *checker) writesField(f *fn, field *types.Var) bool {
	info := c.pass.TypesInfo
	writes := false
	is := func(e ast.Expr) bool {
		if ix, isEntry := astq.Unparen(e).(*ast.IndexExpr); isEntry {
			e = ix.X // m[k] = v writes the map's content
		}
		return fieldOf(info, e) == field
	}
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				writes = writes || is(l)
			}
		case *ast.IncDecStmt:
			writes = writes || is(n.X)
		}
		return !writes
	})
	return writes
}

// reportLockedUpdate reports the write w after the read r.
func (c *checker) reportLockedUpdate(r fieldRead, w fieldWrite, lost bool) {
	fset := c.pass.Fset
	what := render(fset, w.field) + " = …"
	switch n := w.node.(type) {
	case *ast.CallExpr:
		args := "(…)"
		if len(n.Args) == 0 {
			args = "()"
		}
		what = render(fset, n.Fun) + args + ", which sets " + render(fset, w.field) + ","
		if w.value == nil {
			what = render(fset, n.Fun) + args + ", which changes " + render(fset, w.field) + " under its lock,"
		}
	case *ast.IncDecStmt:
		what = render(fset, n.X) + n.Tok.String()
	case *ast.AssignStmt:
		if n.Tok != token.ASSIGN {
			what = render(fset, n.Lhs[0]) + " " + n.Tok.String() + " …"
		}
	}
	line := fset.Position(r.node.Pos()).Line
	where := fmt.Sprintf("on line %d", line)
	if line == fset.Position(w.node.Pos()).Line {
		where = "in the same statement,"
	}
	read := render(fset, r.field) + " read " + where + " under a lock released since"
	decided := "the value read"
	switch {
	case r.predicate:
		read = render(fset, r.call) + ", which compares " + render(fset, r.field) + " under its lock, " + where
		decided = "that comparison"
	case r.call != nil:
		read = render(fset, r.call) + ", which reads " + render(fset, r.field) + " under its lock, " + where
	}
	effect := "stores a value computed from the one read, but is not atomic with it: another goroutine can change %s in between, and that update is lost; use one lock held across the read and the write"
	if !lost {
		effect = "is decided by " + decided + ", but is not atomic with it: another goroutine can change %s in between, and both pass the check; test it again under the lock, or hold one lock across the check and the write"
	}
	c.emit(ruleLockedUpdate, analysis.Diagnostic{
		Pos: w.node.Pos(), End: w.node.End(),
		Message: what + " after " + read + " " + fmt.Sprintf(effect, render(fset, w.field)),
		Related: []analysis.RelatedInformation{{Pos: r.node.Pos(), End: r.node.End(), Message: "the read"}},
	})
}
