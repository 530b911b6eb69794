package checkthenact

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// The atomic flag's check-then-act (see atomics.go) made of plain field
// accesses, each under a lock: the flag read under the lock (or through a
// getter of the package that locks around returning it, its negation or a
// local copy of it), the lock released, and the flag set under the lock
// taken again (or through a method that locks around setting it). Every access is locked, so the race detector is silent, but
// two goroutines can both read the flag before either sets it:
//
//	func (c *Conn) Close() {
//		if c.IsClosed() { return }   // RLock; defer RUnlock; return c.closed
//		c.mu.Lock()
//		c.closed = true
//		c.mu.Unlock()
//		close(c.done)                // both Closes get here: a panic
//	}
//
// Reported on the same terms as the atomic flag: the value stored is the
// constant the check looks for, and the path that passed the check closes
// a channel held in a field or a package variable, or, where the check
// refuses with a sentinel error, starts a goroutine after the set or runs
// a section another store of the field ends (a breaker's state set
// half-open for one probe; see atomics.go). A check and a set
// under one lock held throughout, or a second look under the lock the set
// is made with, are not reported.

// fieldFlagStores returns f's writes of a constant to a field (x.f = true,
// x.f = nil) and its calls of locking setters, syntactically: the
// candidates lockedFieldOps keeps when a lock is held.
func (c *checker) fieldFlagStores(f *fn) []atomicOp {
	info := c.pass.TypesInfo
	var out []atomicOp
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			if n.Tok != token.ASSIGN || len(n.Lhs) != 1 || len(n.Rhs) != 1 || !fieldPathExpr(info, n.Lhs[0]) {
				return true
			}
			if tv := info.Types[n.Rhs[0]]; tv.Value == nil && !tv.IsNil() {
				return true
			}
			out = append(out, atomicOp{x: n.Lhs[0], kind: atomicStore, v: n.Lhs[0], value: n.Rhs[0], locked: true, assign: n})
		case *ast.CallExpr:
			if o, ok := c.lockedAccessor(n); ok && o.kind == atomicStore {
				out = append(out, o)
			}
		}
		return true
	})
	return out
}

// lockedFieldOps returns the stores of fieldFlagStores made with an
// exclusive lock held (or through a locking setter), and the reads of the
// same fields made with a lock held, read locks included (or through a
// locking getter), with their sites in g.
func (c *checker) lockedFieldOps(f *fn, g *graph, stores []atomicOp) []atomicOp {
	info := c.pass.TypesInfo
	anyHeld := g.mustHeld(c.locks, g.entry, true)
	heldAny := func(s site) bool {
		return len(transferLocks(c.locks, s.block.Nodes[:s.index], anyHeld[s.block.Index], true)) > 0
	}
	var out []atomicOp
	for _, s := range stores {
		if s.call != nil {
			s.at = g.calls[s.call]
		} else {
			s.at = g.siteOf(s.assign)
			if s.at.block == nil || len(g.heldAt(c.locks, s.at)) == 0 {
				continue
			}
		}
		if s.at.block != nil {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil
	}
	flagged := func(v ast.Expr) bool {
		for _, s := range out {
			if astq.Same(info, s.v, v) {
				return true
			}
		}
		return false
	}
	lhs := map[ast.Expr]bool{}
	for _, s := range out {
		if s.assign != nil {
			lhs[s.assign.Lhs[0]] = true
		}
	}
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				lhs[l] = true
			}
		case *ast.SelectorExpr:
			if lhs[n] || !flagged(n) {
				return true
			}
			if at := g.siteOf(n); at.block != nil && heldAny(at) {
				out = append(out, atomicOp{x: n, kind: atomicLoad, v: n, at: at, locked: true})
			}
			return false
		case *ast.CallExpr:
			if o, ok := c.lockedAccessor(n); ok && o.kind == atomicLoad && flagged(o.v) {
				if o.at = g.calls[n]; o.at.block != nil {
					out = append(out, o)
				}
			}
		}
		return true
	})
	return out
}

// fieldPathExpr reports whether e selects a field from a variable through
// fields only: c.closed, s.state.done.
func fieldPathExpr(info *types.Info, e ast.Expr) bool {
	sel, ok := astq.Unparen(e).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	if s := info.Selections[sel]; s == nil || s.Kind() != types.FieldVal {
		return false
	}
	if _, isVar := info.ObjectOf(astq.Ident(sel.X)).(*types.Var); isVar {
		return true
	}
	return fieldPathExpr(info, sel.X)
}

// lockedAccessor recognises a call of a method of the package that locks
// around one access to a field of its receiver, in the caller's terms: a
// getter (Lock or RLock, then return r.f or !r.f with the unlock
// deferred, or v := r.f, the unlock, return v) or a setter with no
// results that sets r.f, with the lock held, to a parameter or a constant,
// and assigns r.f nowhere else (setClosed(v), markClosed(), even when it
// first returns early for a flag already set).
func (c *checker) lockedAccessor(call *ast.CallExpr) (atomicOp, bool) {
	info := c.pass.TypesInfo
	d, recv, x, ok := c.packageMethod(call)
	if !ok || len(d.Body.List) < 2 || !c.lockStep(d.Body.List[0], true) {
		return atomicOp{}, false
	}
	if v, negated, ok := c.lockedRead(d); ok {
		if v, ok := rebase(info, v, recv, x); ok {
			return atomicOp{call: call, x: call, kind: atomicLoad, v: v, locked: true, negated: negated}, true
		}
		return atomicOp{}, false
	}
	obj := info.Defs[d.Name].(*types.Func)
	if obj.Signature().Results().Len() != 0 {
		return atomicOp{}, false
	}
	a, at, ok := c.lockedSet(d)
	if !ok {
		return atomicOp{}, false
	}
	v, ok := rebase(info, a.Lhs[at], recv, x)
	if !ok {
		return atomicOp{}, false
	}
	// The other fields a tuple setter stores with the flag that hold
	// what stops or ends what the caller started: a cancel function, a
	// channel (k.st, k.cancel, k.done = running, cancel, done).
	var handles []ast.Expr
	for i, l := range a.Lhs {
		if i == at {
			continue
		}
		if h, ok := rebase(info, l, recv, x); ok && isHandle(info.TypeOf(l)) {
			handles = append(handles, h)
		}
	}
	value := a.Rhs[at]
	if tv := info.Types[value]; tv.Value == nil && !tv.IsNil() {
		i := c.paramAt(obj, value)
		if i < 0 || i >= len(call.Args) {
			return atomicOp{}, false
		}
		value = call.Args[i]
	}
	return atomicOp{call: call, x: call, kind: atomicStore, v: v, value: value, locked: true, handles: handles}, true
}

// isHandle reports whether a field of type t holds what stops or waits for
// something started: a function (a context.CancelFunc) or a channel.
func isHandle(t types.Type) bool {
	switch t.Underlying().(type) {
	case *types.Signature, *types.Chan:
		return true
	}
	return false
}

// lockedRead returns the field a getter d reads under its lock: d's body
// is lock; defer unlock; return r.f (or !r.f), or lock; v := r.f; unlock;
// return v.
func (c *checker) lockedRead(d *ast.FuncDecl) (ast.Expr, bool, bool) {
	e, ok := c.lockedResult(d)
	if !ok {
		return nil, false, false
	}
	negated := false
	if u, isNot := astq.Unparen(e).(*ast.UnaryExpr); isNot && u.Op == token.NOT {
		e, negated = u.X, true
	}
	return e, negated, fieldPathExpr(c.pass.TypesInfo, e)
}

// lockedResult returns what d, which starts with a lock, answers under it:
// e in lock; defer unlock; return e, or in lock; v := e; unlock; return v.
func (c *checker) lockedResult(d *ast.FuncDecl) (ast.Expr, bool) {
	info := c.pass.TypesInfo
	body := d.Body.List
	switch len(body) {
	case 3:
		ds, isDefer := body[1].(*ast.DeferStmt)
		ret, isRet := body[2].(*ast.ReturnStmt)
		if !isDefer || !isRet || len(ret.Results) != 1 {
			return nil, false
		}
		if _, acquire, isLock := c.locks.call(ds.Call); !isLock || acquire {
			return nil, false
		}
		return ret.Results[0], true
	case 4:
		as, isAssign := body[1].(*ast.AssignStmt)
		ret, isRet := body[3].(*ast.ReturnStmt)
		if !isAssign || !isRet || len(as.Lhs) != 1 || len(as.Rhs) != 1 || len(ret.Results) != 1 || !c.lockStep(body[2], false) {
			return nil, false
		}
		local, r := astq.Ident(as.Lhs[0]), astq.Ident(ret.Results[0])
		if local == nil || r == nil || info.ObjectOf(local) != info.ObjectOf(r) {
			return nil, false
		}
		return as.Rhs[0], true
	}
	return nil, false
}

// lockedSet returns the one assignment of a constant or a parameter to a
// field of d's receiver that d makes, when d's lock is held there
// exclusively on every path, and the index of the flag in it: 0, or, for
// a tuple of fields (k.st, k.id, k.cancel = running, id, cancel), the one
// constant's.
func (c *checker) lockedSet(d *ast.FuncDecl) (*ast.AssignStmt, int, bool) {
	info := c.pass.TypesInfo
	var set *ast.AssignStmt
	many := false
	ast.Inspect(d.Body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit {
			return false
		}
		a, ok := n.(*ast.AssignStmt)
		if !ok || a.Tok != token.ASSIGN || len(a.Lhs) != len(a.Rhs) || !slices.ContainsFunc(a.Lhs, func(l ast.Expr) bool { return fieldPathExpr(info, l) }) {
			return true
		}
		if set != nil {
			many = true
		}
		set = a
		return true
	})
	if set == nil || many {
		return nil, 0, false
	}
	// A tuple sets the flag where it stores its one constant
	// (k.st, k.id = running, id), among fields only.
	at := 0
	if len(set.Lhs) > 1 {
		at = -1
		for i, r := range set.Rhs {
			if !fieldPathExpr(info, set.Lhs[i]) {
				return nil, 0, false
			}
			if tv := info.Types[r]; tv.Value != nil || tv.IsNil() {
				if at >= 0 {
					return nil, 0, false
				}
				at = i
			}
		}
		if at < 0 {
			return nil, 0, false
		}
	}
	f := c.funcs[d]
	if f == nil {
		return nil, 0, false
	}
	g := c.graph(f)
	st := g.siteOf(set)
	return set, at, st.block != nil && len(g.heldAt(c.locks, st)) > 0
}

// lockStep reports whether st only takes (acquire) or only releases a lock.
func (c *checker) lockStep(st ast.Stmt, acquire bool) bool {
	_, acq, ok := c.lockStmt(st)
	return ok && acq == acquire
}

// siteOf returns the site of the block node that holds n, or a zero site
// when n is in no block (inside a function literal).
func (g *graph) siteOf(n ast.Node) site {
	for _, b := range g.cfg.Blocks {
		for i, bn := range b.Nodes {
			if containsNode(bn, n) {
				return site{b, i}
			}
		}
	}
	return site{}
}
