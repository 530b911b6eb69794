package checkthenact

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/cfg"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A bound kept by reading a Go map's size under its lock, releasing the
// lock, and inserting under it again: the size, compared with a bound (not
// tested for emptiness), decides (evict when full, refuse when full), and
// another goroutine inserts in between, so the map grows past the bound.
// victorspringer/http-cache's memory adapter read len(a.store) under
// RLock, evicted one entry when it was full, and stored under Lock
// (victorspringer/http-cache#15); coredns's cache shard asked its own
// locking Len(), evicted, then stored under Lock (coredns/coredns#3013).
// The fix holds one lock across the size check, the eviction and the
// insert.

// sizeRead is a read of a Go map's size: len(m) in place, with the lock
// the function holds there, or a call of a method of the package that
// returns len of its receiver's map under a lock it takes itself.
type sizeRead struct {
	call   *ast.CallExpr // len(m), or the helper's call
	m      ast.Expr      // the map, in the caller's terms
	at     site
	helper bool
}

// sizeInsert is an insert a size bound keeps: m[k] = v on a Go map,
// x = append(x, …) on a slice in a field or package variable, a push onto
// a container/list.List in one, or a call of a method of the package that
// makes one of these under a lock it takes itself.
type sizeInsert struct {
	call  *ast.CallExpr // the site: the map store's op call, the append, the push or the helper's call
	m     ast.Expr      // the map, the slice or the list
	text  string        // the insert as the message writes it
	isMap bool
	// helper: the insert is a call of a method that locks around it.
	helper bool
}

// checkSizeBounds reports the inserts into a Go map or a shared slice
// decided by a size read under a lock released before the insert.
func (c *checker) checkSizeBounds(f *fn) {
	info := c.pass.TypesInfo
	if testFile(c.pass, f.body.Pos()) || c.callerLocked(f) {
		return
	}
	var inserts []sizeInsert
	for _, o := range f.ops {
		if o.plain && o.kind == opStore && !c.localMap(f, o.recv) && !c.ownedByGoroutine(f, o.recv) {
			recv := render(c.pass.Fset, o.recv)
			inserts = append(inserts, sizeInsert{call: o.call, m: o.recv, text: plainText(recv, render(c.pass.Fset, o.key), o), isMap: true})
		}
	}
	var reads []sizeRead
	var calls []*ast.CallExpr // other calls: inserts through a helper, when there are reads
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			if ins, ok := c.sharedAppend(f, n); ok {
				inserts = append(inserts, ins)
			}
		case *ast.CallExpr:
			if m, ok := lenOf(info, n); ok {
				reads = append(reads, sizeRead{call: n, m: m})
			} else if m, ok := c.sizeHelper(n); ok {
				reads = append(reads, sizeRead{call: n, m: m, helper: true})
			} else if l, ok := listPush(info, n); ok && c.localVar(f, l) == nil {
				inserts = append(inserts, sizeInsert{call: n, m: l, text: render(c.pass.Fset, n.Fun) + "(…)"})
			} else {
				calls = append(calls, n)
			}
		}
		return true
	})
	if len(reads) == 0 {
		return
	}
	for _, call := range calls {
		if l, ok := c.insertHelper(call); ok {
			inserts = append(inserts, sizeInsert{call: call, m: l, text: render(c.pass.Fset, call.Fun) + "(…), which inserts into " + render(c.pass.Fset, l) + " under its lock,", helper: true})
		}
	}
	if len(inserts) == 0 {
		return
	}
	g := c.graph(f)
	for _, w := range inserts {
		wat, ok := g.calls[w.call]
		if !ok {
			continue
		}
		atWrite := g.heldAt(c.locks, wat)
		if w.helper != (len(atWrite) == 0) {
			// An insert in place needs the lock it keeps the bound
			// with; a helper takes its own, and one called with a
			// lock held is not judged.
			continue
		}
		for _, r := range reads {
			if !sameMap(info, r.m, w.m) {
				continue
			}
			r.at, ok = g.calls[r.call]
			if !ok || r.at == wat {
				continue
			}
			if reinserts(info, g, r.at, w, wat, inserts) {
				break
			}
			if d, ok := c.sizePair(g, r, w, wat, atWrite, reads); ok {
				c.emit(ruleSizeCheck, d)
				break
			}
		}
	}
}

// sharedAppend recognises x = append(x, …) on a slice held in a field or
// a package variable (not a local of f).
func (c *checker) sharedAppend(f *fn, a *ast.AssignStmt) (sizeInsert, bool) {
	info := c.pass.TypesInfo
	if a.Tok != token.ASSIGN || len(a.Lhs) != 1 || len(a.Rhs) != 1 {
		return sizeInsert{}, false
	}
	call, ok := astq.Unparen(a.Rhs[0]).(*ast.CallExpr)
	if !ok || len(call.Args) < 2 {
		return sizeInsert{}, false
	}
	if b, ok := info.Uses[astq.Ident(call.Fun)].(*types.Builtin); !ok || b.Name() != "append" || !astq.Same(info, call.Args[0], a.Lhs[0]) {
		return sizeInsert{}, false
	}
	if _, isSel := astq.Unparen(a.Lhs[0]).(*ast.SelectorExpr); !isSel && c.localVar(f, a.Lhs[0]) != nil {
		return sizeInsert{}, false
	}
	x := render(c.pass.Fset, a.Lhs[0])
	return sizeInsert{call: call, m: a.Lhs[0], text: x + " = append(" + x + ", …)"}, true
}

// sizePair judges a size read r and a later insert w into the same map.
func (c *checker) sizePair(g *graph, r sizeRead, w sizeInsert, wat site, atWrite lockSet, reads []sizeRead) (analysis.Diagnostic, bool) {
	info := c.pass.TypesInfo
	bt, ok := g.between(r.at, wat)
	if !ok {
		return analysis.Diagnostic{}, false
	}
	held := g.anyHeldAt(c.locks, r.at)
	released := false
	switch {
	case r.helper:
		// The helper locked and unlocked; the caller holds nothing
		// exclusive there.
		released = len(g.heldAt(c.locks, r.at)) == 0
	case w.helper:
		// The insert's helper takes its lock after every lock held at
		// the read is released.
		released = len(held) > 0
		for key := range held {
			released = released && bt.released(c.locks, key)
		}
	default:
		for key := range held {
			lock := lockBase(key) + ".w"
			if atWrite[lock] && bt.released(c.locks, key) {
				released = true
			}
		}
	}
	if !released {
		return analysis.Diagnostic{}, false
	}
	// A branch on the size between them, and no second look at the size
	// under the write's lock.
	start := taintState{}
	if a, isAssign := r.at.block.Nodes[r.at.index].(*ast.AssignStmt); isAssign && len(a.Lhs) == 1 && len(a.Rhs) == 1 && containsNode(a.Rhs[0], r.call) {
		if id := astq.Ident(a.Lhs[0]); id != nil && id.Name != "_" {
			start[info.ObjectOf(id)] = fromValue
		}
	}
	in := g.flow(info, r.at, start)
	decided := false
	reachW := g.backward(wat.block, r.at.block)
	for b := range bt.blocks {
		cond, _, isCond := g.cond(b)
		e, isExpr := cond.(ast.Expr)
		if !isCond || !isExpr || b == wat.block || len(b.Succs) != 2 {
			continue
		}
		st := g.transferTaint(info, b.Nodes, in[b])
		if b == r.at.block {
			st = g.transferTaint(info, b.Nodes[r.at.index+1:], start)
		}
		if !boundTest(info, e, func(x ast.Expr) bool { return st.roles(info, x)&fromValue != 0 || containsNode(x, r.call) }) {
			continue
		}
		// The bound keeps the insert from running (refuse when full),
		// or one arm evicts from the map (evict when full); a branch
		// that does neither (a queue compacted when it outgrows the map)
		// keeps no bound on the map.
		if !reachW[b.Succs[0]] || !reachW[b.Succs[1]] || w.isMap && c.evicts(g, b, w.m) {
			decided = true
			if c.reserves(e, w.m, bt) {
				// A slot reserved before the lock is released (mgo's
				// inFlightSocketDials++, counted by the bound): the
				// bound holds.
				return analysis.Diagnostic{}, false
			}
		}
	}
	if !decided || c.reservedInMap(g, bt, w.m, held) {
		return analysis.Diagnostic{}, false
	}
	for _, other := range reads {
		at, ok := g.calls[other.call]
		if !ok || other.call == r.call || !sameMap(info, other.m, w.m) || !bt.blocks[at.block] ||
			at.block == r.at.block && at.index <= r.at.index || at.block == wat.block && at.index > wat.index {
			continue
		}
		for lock := range g.heldAt(c.locks, at) {
			if atWrite[lock] {
				return analysis.Diagnostic{}, false // looked again under the lock
			}
		}
	}
	m, size := render(c.pass.Fset, w.m), "the map's size"
	if !w.isMap {
		size = m + "'s length"
	}
	return analysis.Diagnostic{
		Pos: w.call.Pos(), End: w.call.End(),
		Message: fmt.Sprintf("%s after %s on line %d is decided by %s, but is not atomic with it: another goroutine can insert in between, and %s grows past the bound the check keeps; use one lock held across the size check, the eviction and the insert",
			w.text, render(c.pass.Fset, r.call), c.pass.Fset.Position(r.call.Pos()).Line, size, m),
		Related: []analysis.RelatedInformation{{Pos: r.call.Pos(), End: r.call.End(), Message: "the size check"}},
	}, true
}

// reservedInMap reports whether the map m is written in place between the
// size check and the insert while a lock held at the check (in held) is
// still held: the slot is reserved in the map itself, under the check's
// lock, and the later insert replaces it (centrifuge's Subscribe reserves
// c.channels[channel] under c.mu before it subscribes and commits).
func (c *checker) reservedInMap(g *graph, bt between, m ast.Expr, held lockSet) bool {
	info := c.pass.TypesInfo
	found := false
	bt.nodes(func(n ast.Node, at site) {
		a, ok := n.(*ast.AssignStmt)
		if found || !ok {
			return
		}
		for _, l := range a.Lhs {
			ix, isIndex := astq.Unparen(l).(*ast.IndexExpr)
			if !isIndex || !sameMap(info, ix.X, m) {
				continue
			}
			for key := range g.heldAt(c.locks, at) {
				if held[key] {
					found = true
				}
			}
		}
	})
	return found
}

// reinserts reports whether every path from the size check at r to the
// insert w at wat first runs another insert into the same map with the
// same arguments (a helper's, or in place the same key and value): w
// replaces what that one put there and cannot grow the map past it
// (mochi-mqtt's publishToClient sets an inflight packet, then sets it
// again with a new expiry).
func reinserts(info *types.Info, g *graph, r site, w sizeInsert, wat site, inserts []sizeInsert) bool {
	for _, other := range inserts {
		at, ok := g.calls[other.call]
		if !ok || other.call == w.call || !sameMap(info, other.m, w.m) || len(other.call.Args) != len(w.call.Args) {
			continue
		}
		same := true
		for i := range w.call.Args {
			same = same && astq.Same(info, other.call.Args[i], w.call.Args[i])
		}
		if !same {
			continue
		}
		switch {
		case at.block == wat.block:
			if at.index < wat.index && !(r.block == wat.block && at.index < r.index) {
				return true
			}
		case at.block != r.block || r.index < at.index:
			if !g.forward(r.block, at.block)[wat.block] {
				return true
			}
		}
	}
	return false
}

// reserves reports whether a field or package variable the bound test
// cond reads, other than the map or slice m, is written between the check
// and the insert: a count of reserved slots the bound includes.
func (c *checker) reserves(cond ast.Expr, m ast.Expr, bt between) bool {
	info := c.pass.TypesInfo
	var target types.Object
	if sel, ok := astq.Unparen(m).(*ast.SelectorExpr); ok {
		target = info.ObjectOf(sel.Sel)
	} else if id := astq.Ident(m); id != nil {
		target = info.ObjectOf(id)
	}
	read := map[types.Object]bool{}
	ast.Inspect(cond, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if v, isVar := info.Uses[id].(*types.Var); isVar && v != target && (v.IsField() || v.Parent() == v.Pkg().Scope()) {
				read[v] = true
			}
		}
		return true
	})
	if len(read) == 0 {
		return false
	}
	written := func(e ast.Expr) bool {
		switch e := astq.Unparen(e).(type) {
		case *ast.SelectorExpr:
			return read[info.ObjectOf(e.Sel)]
		case *ast.Ident:
			return read[info.ObjectOf(e)]
		}
		return false
	}
	found := false
	bt.nodes(func(n ast.Node, _ site) {
		switch n := n.(type) {
		case *ast.IncDecStmt:
			found = found || written(n.X)
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				found = found || written(l)
			}
		}
	})
	return found
}

// evicts reports whether one arm of the branch at the end of block b (the
// blocks only that edge reaches) deletes from the map m, directly or
// through a method of the package called on m's owner.
func (c *checker) evicts(g *graph, b *cfg.Block, m ast.Expr) bool {
	for i, succ := range b.Succs {
		arm := g.forward(succ, nil)
		arm[succ] = true
		other := g.forward(b.Succs[1-i], nil)
		other[b.Succs[1-i]] = true
		for blk := range arm {
			if other[blk] {
				continue
			}
			for _, n := range blk.Nodes {
				if c.deletesIn(n, m, 2) {
					return true
				}
			}
		}
	}
	return false
}

// deletesIn reports whether n deletes from the Go map m: delete(m, k), or
// a call of a method of the package whose body does, with m rebased onto
// the method's receiver (a.evict() deleting from a.store), depth calls
// deep.
func (c *checker) deletesIn(n ast.Node, m ast.Expr, depth int) bool {
	info := c.pass.TypesInfo
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if found || !ok {
			return !found
		}
		if o, ok := c.plainDeleteOp(call); ok {
			found = sameMap(info, o.recv, m)
			return !found
		}
		d, _, x, isMethod := c.packageMethod(call)
		if depth == 0 || !isMethod {
			return true
		}
		// m in the callee's terms: the same field path from its receiver.
		root, path, ok := c.splitPath(m)
		if !ok || info.ObjectOf(root) != info.ObjectOf(astq.Ident(x)) {
			return true
		}
		found = c.deletesIn(d.Body, fieldPath(d.Recv.List[0].Names[0], path), depth-1)
		return !found
	})
	return found
}

// boundTest reports whether cond compares a size (an expression sized
// says derives from it) with a bound: length == a.capacity, l+1 > s.size,
// max <= len(m). A test for emptiness (== 0, > 0) keeps no bound.
func boundTest(info *types.Info, cond ast.Expr, sized func(ast.Expr) bool) bool {
	found := false
	ast.Inspect(cond, func(n ast.Node) bool {
		b, ok := n.(*ast.BinaryExpr)
		if !ok || found {
			return !found
		}
		switch b.Op {
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
			x, y := b.X, b.Y
			if !sized(x) {
				x, y = y, x
			}
			if sized(x) && !sized(y) {
				v := info.Types[y].Value
				found = v == nil || constant.Sign(v) != 0 && !(constant.Compare(v, token.EQL, constant.MakeInt64(1)) && (b.Op == token.GEQ || b.Op == token.LSS))
			}
		}
		return !found
	})
	return found
}

// lenOf recognises len(x) of a Go map or a slice and x.Len() of a
// container/list.List, also converted (uint64(q.list.Len())).
func lenOf(info *types.Info, call *ast.CallExpr) (ast.Expr, bool) {
	if info.Types[call.Fun].IsType() && len(call.Args) == 1 {
		if inner, isCall := astq.Unparen(call.Args[0]).(*ast.CallExpr); isCall {
			return lenOf(info, inner)
		}
		return nil, false
	}
	if l, ok := listMethod(info, call, "Len"); ok {
		return l, true
	}
	b, ok := info.Uses[astq.Ident(call.Fun)].(*types.Builtin)
	if !ok || b.Name() != "len" || len(call.Args) != 1 {
		return nil, false
	}
	if t := info.TypeOf(call.Args[0]); t == nil {
		return nil, false
	} else if _, isSlice := t.Underlying().(*types.Slice); !isSlice && !plainMap(info, call.Args[0]) {
		return nil, false
	}
	return call.Args[0], true
}

// sizeHelper recognises a call of a method of the package that takes a
// lock and returns the length of a Go map reached from its receiver (a
// shard's Len), and returns the map in the caller's terms.
func (c *checker) sizeHelper(call *ast.CallExpr) (ast.Expr, bool) {
	info := c.pass.TypesInfo
	d, recv, x, ok := c.packageMethod(call)
	if !ok || d.Type.Params.NumFields() != 0 {
		return nil, false
	}
	var m ast.Expr
	locks, good := false, true
	lengths := map[types.Object]ast.Expr{} // n := len(m)
	ast.Inspect(d.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if _, acquire, ok := c.locks.call(n); ok && acquire {
				locks = true
			}
		case *ast.AssignStmt:
			if len(n.Lhs) == 1 && len(n.Rhs) == 1 {
				if call, isCall := astq.Unparen(n.Rhs[0]).(*ast.CallExpr); isCall {
					if lm, ok := lenOf(info, call); ok && astq.Ident(n.Lhs[0]) != nil {
						lengths[info.ObjectOf(astq.Ident(n.Lhs[0]))] = lm
					}
				}
			}
		case *ast.ReturnStmt:
			var lm ast.Expr
			if len(n.Results) == 1 {
				if call, isCall := astq.Unparen(n.Results[0]).(*ast.CallExpr); isCall {
					lm, _ = lenOf(info, call)
				} else if id := astq.Ident(n.Results[0]); id != nil {
					lm = lengths[info.ObjectOf(id)]
				}
			}
			if lm == nil || m != nil && !astq.Same(info, lm, m) {
				good = false
			}
			m = lm
		}
		return good
	})
	if !good || !locks || m == nil {
		return nil, false
	}
	return rebase(info, m, recv, x)
}

// packageMethod returns, for a call x.M(…) of a method of the package
// with a named receiver, M's declaration, the receiver's object in it and
// the call's receiver expression x; for a call x.f(…) of a field bound to
// one method value (see boundMethod), that method's, with x standing for
// the receiver.
func (c *checker) packageMethod(call *ast.CallExpr) (d *ast.FuncDecl, recv types.Object, x ast.Expr, ok bool) {
	info := c.pass.TypesInfo
	callee := typeutil.StaticCallee(info, call)
	sel, isSel := astq.Unparen(call.Fun).(*ast.SelectorExpr)
	if callee == nil && isSel {
		// A field bound to one method value (see boundMethod): its
		// holder stands for the receiver it was bound to.
		if s := info.Selections[sel]; s != nil && s.Kind() == types.FieldVal {
			field, _ := s.Obj().(*types.Var)
			callee = c.boundMethod(field)
		}
	}
	if callee == nil || !isSel || callee.Signature().Recv() == nil {
		return nil, nil, nil, false
	}
	d = c.declOf(callee)
	if d == nil || d.Body == nil || d.Recv == nil || len(d.Recv.List[0].Names) != 1 {
		return nil, nil, nil, false
	}
	return d, info.Defs[d.Recv.List[0].Names[0]], sel.X, true
}

// rebase writes a field path from a method's receiver recv (r.a.b) from
// the receiver of a call instead (x.a.b for x.M()); false when e is not
// such a path.
func rebase(info *types.Info, e ast.Expr, recv types.Object, onto ast.Expr) (ast.Expr, bool) {
	switch e := astq.Unparen(e).(type) {
	case *ast.Ident:
		return onto, info.ObjectOf(e) == recv
	case *ast.SelectorExpr:
		x, ok := rebase(info, e.X, recv, onto)
		return &ast.SelectorExpr{X: x, Sel: e.Sel}, ok
	}
	return nil, false
}

// listMethod recognises x.name(…) on a *container/list.List and returns x.
func listMethod(info *types.Info, call *ast.CallExpr, names ...string) (ast.Expr, bool) {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	sel, isSel := astq.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || !isSel || fn.Pkg() == nil || fn.Pkg().Path() != "container/list" || fn.Signature().Recv() == nil {
		return nil, false
	}
	if !astq.Named(fn.Signature().Recv().Type(), "container/list", "List") {
		return nil, false
	}
	for _, n := range names {
		if fn.Name() == n {
			return sel.X, true
		}
	}
	return nil, false
}

// listPush recognises an insert into a container/list.List: PushFront,
// PushBack, InsertBefore, InsertAfter and the list forms.
func listPush(info *types.Info, call *ast.CallExpr) (ast.Expr, bool) {
	return listMethod(info, call, "PushFront", "PushBack", "InsertBefore", "InsertAfter", "PushFrontList", "PushBackList")
}

// insertHelper recognises a call of a method of the package that takes a
// lock and, holding it, inserts into a list, a Go map or a slice reached
// from its receiver, without reading that container's size itself (a push
// that checks the bound under its own lock keeps it), and returns the
// container in the caller's terms: go-concurrency-limits's queue.push,
// called after the caller's check of the queue's locking len()
// (platinummonkey/go-concurrency-limits#204).
func (c *checker) insertHelper(call *ast.CallExpr) (ast.Expr, bool) {
	info := c.pass.TypesInfo
	d, recv, x, ok := c.packageMethod(call)
	if !ok {
		return nil, false
	}
	f := c.funcs[d]
	if f == nil {
		return nil, false
	}
	type insert struct {
		call *ast.CallExpr
		into ast.Expr
	}
	var inserts []insert
	for _, o := range f.ops {
		if o.plain && o.kind == opStore {
			inserts = append(inserts, insert{o.call, o.recv})
		}
	}
	var sizes []ast.Expr
	ast.Inspect(d.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if m, ok := lenOf(info, n); ok {
				sizes = append(sizes, m)
			} else if l, ok := listPush(info, n); ok {
				inserts = append(inserts, insert{n, l})
			}
		case *ast.AssignStmt:
			if ins, ok := c.sharedAppend(f, n); ok {
				inserts = append(inserts, insert{ins.call, ins.m})
			}
		}
		return true
	})
	if len(inserts) == 0 {
		return nil, false
	}
	g := c.graph(f)
	target := inserts[0].into
	for _, ins := range inserts {
		at, ok := g.calls[ins.call]
		if !ok || len(g.heldAt(c.locks, at)) == 0 || !astq.Same(info, ins.into, target) {
			return nil, false // an insert not under the helper's own lock, or into two containers
		}
	}
	for _, m := range sizes {
		if astq.Same(info, m, target) {
			return nil, false
		}
	}
	return rebase(info, target, recv, x)
}
