package checkthenact

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// The atomic flag's check-then-act (see atomics.go) made of plain field
// accesses, each under a lock: the flag read under the lock (or through a
// getter of the package that locks around returning it), the lock
// released, and the flag set under the lock taken again (or through such
// a setter). Every access is locked, so the race detector is silent, but
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
// a channel held in a field or a package variable. A check and a set
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
// around one access to a field of its receiver, in the caller's terms:
// a getter (Lock or RLock, defer the unlock, return r.f) or a setter
// (Lock, defer the unlock or not, r.f = p, the unlock).
func (c *checker) lockedAccessor(call *ast.CallExpr) (atomicOp, bool) {
	info := c.pass.TypesInfo
	d, recv, x, ok := c.packageMethod(call)
	if !ok || len(d.Body.List) != 3 || !c.lockStep(d.Body.List[0], true) {
		return atomicOp{}, false
	}
	deferred := false
	if ds, isDefer := d.Body.List[1].(*ast.DeferStmt); isDefer {
		key, acquire, isLock := c.locks.call(ds.Call)
		deferred = isLock && !acquire && key != ""
	}
	access := d.Body.List[2]
	if !deferred {
		if !c.lockStep(d.Body.List[2], false) {
			return atomicOp{}, false
		}
		access = d.Body.List[1]
	}
	switch st := access.(type) {
	case *ast.ReturnStmt:
		if !deferred || len(st.Results) != 1 || !fieldPathExpr(info, st.Results[0]) {
			return atomicOp{}, false
		}
		v, ok := rebase(info, st.Results[0], recv, x)
		if !ok {
			return atomicOp{}, false
		}
		return atomicOp{call: call, x: call, kind: atomicLoad, v: v, locked: true}, true
	case *ast.AssignStmt:
		if st.Tok != token.ASSIGN || len(st.Lhs) != 1 || len(st.Rhs) != 1 || !fieldPathExpr(info, st.Lhs[0]) {
			return atomicOp{}, false
		}
		v, ok := rebase(info, st.Lhs[0], recv, x)
		i := c.paramAt(info.Defs[d.Name].(*types.Func), st.Rhs[0])
		if !ok || i < 0 || i >= len(call.Args) {
			return atomicOp{}, false
		}
		return atomicOp{call: call, x: call, kind: atomicStore, v: v, value: call.Args[i], locked: true}, true
	}
	return atomicOp{}, false
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
