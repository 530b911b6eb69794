package checkthenact

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/cfg"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// findingKind is the consequence of a check-then-act sequence.
type findingKind uint8

const (
	nothing         findingKind = iota // dependent but harmless: idempotent or update-if-present
	lostUpdate                         // Store of a value computed from the loaded one
	staleReplace                       // Store decided by the loaded value
	insertIfAbsent                     // Store that runs only when the key was absent
	staleDelete                        // Delete decided by the loaded value
	doubleTake                         // Delete of a present key whose loaded value is used
	doubleDelete                       // Delete of a present key, then work only the deleter should do
	lostBump                           // Store that runs only when an Increment found no entry
	resurrect                          // insert-if-absent claim that runs only when the check found the key
	insertAfterWait                    // Store on every path, after waiting on the entry the check found
)

// finding is a dependent check-write pair and what it means.
type finding struct {
	kind  findingKind
	check check
	write write
	// fixable: the insert-if-absent is the plain if-statement shape that
	// LoadOrStore replaces exactly.
	fixable bool
	// equalValues: racing goroutines of the insert-if-absent store equal
	// values; it matters only for what else its branch does.
	equalValues bool
	// ordered: the stale replace is decided by comparing the loaded value
	// with what the Store puts (see orderedReplace).
	ordered bool
	// transition: the stale replace stores a constant state after a guard
	// that let it run only where the loaded value equals another (see
	// stateTransition), or claims the entry for a holder the guard
	// compared the loaded holder with (see ownerClaim).
	transition bool
	// marksWork: the insert marks done the work done between the check
	// and it (see worksBeforeInsert).
	marksWork bool
	// undoneBy: the insert is a read-through fill, and a delete of the
	// key by another function of the package (an invalidation) can come
	// between the miss and it (see staleFill): that function and the
	// delete's place, as the message names them.
	undoneBy string
	// unlockedCheck: the lock a Go map's write is made under, taken after
	// a check made with no lock held (see unlockedCheck).
	unlockedCheck string
}

// edge polarities of a branch on the check's results.
const (
	unknownEdge = iota
	presentEdge
	absentEdge
)

// analyzePair decides whether w depends on ch and what the race does. It
// returns nil when w does not depend on ch.
func (c *checker) analyzePair(f *fn, g *graph, ch check, w write, bt between) *finding {
	info := c.pass.TypesInfo
	if c.assertedInTest(f, ch) || w.kind == opDelete && w.via == nil && decidedInside(info, w.call) {
		return nil
	}
	start := taintState{}
	if ch.value != nil {
		start[ch.value] = fromValue
	}
	if ch.ok != nil {
		start[ch.ok] = fromOK
	}
	if ch.computed != nil {
		start[ch.computed] = fromValue
	}
	in := g.flow(info, ch.at, start)
	var derived bool
	var value ast.Expr // the value stored in place; nil through a call
	stored := storedArg(w)
	if w.via == nil {
		value = stored
	}
	if stored != nil {
		derived = g.stateAt(info, ch.at, in, w.at).roles(info, stored)&fromValue != 0
		if derived && (w.via == nil && deferredRestore(info, f, ch, w, stored) || c.writeBack(f, ch, w, stored)) {
			return nil
		}
	}
	// Branches between the check and the write that decide on the check's
	// results and have an outcome after which the write cannot run.
	reachW := g.backward(w.at.block, ch.at.block)
	var valueGuard, absentOnly, presentOnly, guarded bool
	// ownerAsserted: an edge where the check found nothing only fails
	// (if !ok { panic(…) }): the function asserts that the entry is there
	// for it, and so that no other goroutine takes it in between.
	var ownerAsserted bool
	var valueConds []guardEdge // the value guards
	for b := range bt.blocks {
		cond, tag, ok := g.cond(b)
		if !ok || b == w.at.block {
			// The write's own block branches after the write has run
			// (switch v := loaded.(type) just after a Delete).
			continue
		}
		var st taintState
		if b == ch.at.block {
			st = g.transferTaint(info, b.Nodes[ch.at.index+1:], start)
		} else {
			st = g.transferTaint(info, b.Nodes, in[b])
		}
		roles := st.roles(info, cond) | st.roles(info, tag)
		inline := ch.inline && b == ch.at.block
		if inline {
			roles |= fromOK
			if ch.kind == opLoad {
				roles |= fromValue
			}
		}
		if roles == 0 {
			continue
		}
		for i, s := range b.Succs {
			if reachW[s] && s != ch.at.block || g.aborts(info, s) {
				// The write can still run, or this outcome only fails
				// (an assertion: t.Fatal, panic), which decides nothing.
				if !reachW[s] && polarity(info, ch, cond, tag, inline, i) == absentEdge {
					ownerAsserted = true
				}
				continue
			}
			// Taking edge i means the write does not run: the other edge
			// is the one the write needs.
			guarded = true
			pol := polarity(info, ch, cond, tag, inline, 1-i)
			switch {
			case valueTested(info, st, cond) || tag != nil && valueTested(info, st, tag) && pol == unknownEdge:
				valueGuard = true
				valueConds = append(valueConds, guardEdgeOf(info, cond, tag, i))
			case pol == absentEdge:
				absentOnly = true
			case pol == presentEdge:
				presentOnly = true
			case roles&fromValue != 0:
				valueGuard = true
				valueConds = append(valueConds, guardEdgeOf(info, cond, tag, i))
			}
		}
	}
	if w.via != nil && w.kind == opDelete && !valueGuard && len(w.via.decidedBy) > 0 {
		// A Delete through a call, decided there by a parameter handed
		// what the check loaded, is decided by the loaded value.
		st := g.stateAt(info, ch.at, in, w.at)
		for _, i := range w.via.decidedBy {
			if i < len(w.call.Args) && st.roles(info, w.call.Args[i])&fromValue != 0 {
				valueGuard, guarded = true, true
			}
		}
	}
	if w.kind == opClaim {
		// An insert-if-absent claim where the check found the key: meant
		// as an update of an entry known to be there, it brings the entry
		// back when another goroutine deleted it in between (cloudfuse's
		// validate loop recreated purged files' nodes, cloudfuse#913).
		if presentOnly && !absentOnly && !valueGuard && ch.kind != opClaim && c.deletedSomewhere(w.recv) {
			return &finding{kind: resurrect, check: ch, write: w}
		}
		return nil
	}
	if !derived && !guarded {
		if w.kind == opStore && w.via == nil && ch.kind != opClaim && g.waitsOnFound(info, ch, in, bt) {
			return &finding{kind: insertAfterWait, check: ch, write: w}
		}
		if w.kind == opDelete && ch.kind != opClaim && !ownerAsserted && !c.soleTaker(f, w) {
			// A Delete whatever the check found, after which the
			// function goes on from what it found: a take split in
			// two. Not when a miss only fails: that asserts the entry
			// is the function's own (adguard's dnsproxy finishes a
			// pending request its caller stored with LoadOrStore, and
			// panics when it is not there).
			switch {
			case g.readAfter(info, ch, in, w, fromValue):
				return &finding{kind: doubleTake, check: ch, write: w}
			case g.readAfter(info, ch, in, w, fromOK):
				return &finding{kind: doubleDelete, check: ch, write: w}
			}
		}
		return nil
	}
	transition := valueGuard && w.kind == opStore && (c.stateTransition(f, ch, w, valueConds) || c.ownerClaim(f, ch, w, valueConds))
	if w.via != nil && w.kind == opStore && !derived && (!absentOnly || presentOnly || valueGuard) && !transition {
		// Through a call, only the insert-if-absent, the lost update, a
		// state transition and a claim (the callee storing what it is
		// handed as it is) are reported: what else the callee stores is
		// not known here. A Delete through a call is what it is in place.
		return nil
	}
	if absentOnly && !presentOnly {
		// On every path to the write the check found nothing: the
		// loaded value is its zero value there, so what is computed or
		// decided from it is too, and the write is an insert (go-zero's
		// default cache unmarshals into the variable the miss left
		// empty and returns the error).
		derived, valueGuard, valueConds = false, false, nil
	}
	fd := &finding{check: ch, write: w}
	if ch.kind == opClaim && !valueGuard && !derived {
		// After a LoadOrStore, only what the value it found decides or
		// computes can be stale: on its absent branch it has stored.
		return nil
	}
	switch w.kind {
	case opStore:
		switch {
		case derived:
			fd.kind = lostUpdate
		case valueGuard && c.storeIfChanged(f, ch, value, valueConds), c.storesUnlessEqual(f, g, ch, w, value):
			return nil
		case valueGuard && !presentOnly && c.soleInserter(f, w):
			// Only this goroutine stores into the map, so what can
			// change the entry in between is a delete; the write,
			// which runs where the check found nothing too, then
			// inserts as it would have (xtaci/kcp-go's listener
			// replaces a session whose conversation changed, from its
			// one read loop, while sessions delete themselves).
			return nil
		case valueGuard:
			fd.kind = staleReplace
			fd.ordered = c.orderedReplace(f, ch, w, value, valueConds)
			fd.transition = transition
		case absentOnly && !presentOnly && ch.kind == opBump:
			// Whatever it stores, it overwrites an entry another
			// goroutine inserted and bumped in between.
			fd.kind = lostBump
		case absentOnly && !presentOnly:
			fd.kind = insertIfAbsent
			equal, harmless := c.harmlessInsert(f, g, ch, w, bt, typeMemo(info, w, value, stored))
			if lit := runnerLit(w); harmless && lit != nil && c.startsIn(lit.Body) {
				// The literal that stores starts a goroutine: each
				// racing goroutine's does.
				harmless = false
			}
			busy := busyMarker(info, f, w)
			if !busy && (harmless || c.cacheFill(f, bt, w, value) || c.poolFill(f, bt, w, value) || c.flightKeepsNothing(w, value)) || c.soleInserter(f, w) {
				fd.kind = nothing
			}
			fd.equalValues = equal
			fd.fixable = c.fixableInsert(ch, w, value)
		}
	case opDelete:
		switch {
		case valueGuard && (cacheExpiry(info, w) || c.foreignRepair(f, ch, w, valueConds) || c.claimedDelete(f, g.stateAt(info, ch.at, in, w.at), w, valueConds)):
			return nil
		case valueGuard:
			fd.kind = staleDelete
		case presentOnly && !absentOnly && ch.value != nil && c.usedAfter(f, ch) && !c.soleTaker(f, w):
			fd.kind = doubleTake
		case presentOnly && !absentOnly && c.actsAsDeleter(f, g, ch, in, w) && !c.soleTaker(f, w):
			fd.kind = doubleDelete
		}
	}
	return fd
}

// waitsOnFound reports whether, between the check and the write, the
// function waits on what the check found: a receive from the loaded value
// or from one of its fields (<-ch, <-call.done), or a Wait method called
// on it (call.wg.Wait()). An entry that others wait on is a busy marker,
// and the wait says that concurrent callers of one key are expected: a
// Store on the path after the wait, with no second look, is made by every
// goroutine that waited on the same entry, and each goes on as the key's
// holder (mholt/photobak#5 waited on a checksum's channel, then put its
// own there; the fix looks again in a loop until the key is free).
func (g *graph) waitsOnFound(info *types.Info, ch check, in map[*cfg.Block]taintState, bt between) bool {
	if ch.value == nil {
		return false
	}
	found := false
	bt.nodes(func(n ast.Node, s site) {
		if found {
			return
		}
		st := g.stateAt(info, ch.at, in, s)
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.UnaryExpr:
				if x := waitedOn(n.X); n.Op == token.ARROW && x != nil && st.roles(info, x)&fromValue != 0 {
					found = true
				}
			case *ast.CallExpr:
				if sel, ok := astq.Unparen(n.Fun).(*ast.SelectorExpr); ok && sel.Sel.Name == "Wait" && len(n.Args) == 0 && st.roles(info, sel.X)&fromValue != 0 {
					found = true
				}
			}
			return !found
		})
	})
	return found
}

// waitedOn returns what a receive from ch waits on: ch itself, or for a
// channel a method without arguments answers (`<-p.Done()`), the value
// the method is called on; nil for a channel another function makes.
// `<-time.After(d)`, with d computed from a loaded failure time, waits for
// time to pass, which no holder of the key ends.
func waitedOn(ch ast.Expr) ast.Expr {
	call, ok := astq.Unparen(ch).(*ast.CallExpr)
	if !ok {
		return ch
	}
	if sel, ok := astq.Unparen(call.Fun).(*ast.SelectorExpr); ok && len(call.Args) == 0 {
		return sel.X
	}
	return nil
}

// storedArg returns the value a Store puts: its second argument in place,
// or, through a helper that stores its parameter as it is, the argument
// the call hands that parameter (n := s.get(k); s.set(k, n+1) stores n+1);
// nil for anything else.
func storedArg(w write) ast.Expr {
	i := 1
	if w.via != nil {
		i = w.via.value
	}
	if w.kind != opStore || i < 0 || i >= len(w.call.Args) || w.via == nil && len(w.call.Args) < 2 {
		return nil
	}
	return w.call.Args[i]
}

// decidedInside reports whether a Delete is handed a function that decides
// whether to delete by the entry it is handed: a literal whose first
// parameter, the value, is read by a condition or a result it returns
// (yorkie's cmap Delete(key, func(subs, exists) bool) runs it under the
// shard's lock, and its fix moved the emptiness test in there,
// yorkie-team/yorkie#1101). The Delete then looks at the entry again where
// it deletes, as a CompareAndDelete does; a function that only answers
// exists decides nothing of the value, and the check outside still does.
func decidedInside(info *types.Info, call *ast.CallExpr) bool {
	for _, a := range call.Args {
		lit, ok := astq.Unparen(a).(*ast.FuncLit)
		if !ok || len(lit.Type.Params.List) == 0 || len(lit.Type.Params.List[0].Names) == 0 {
			continue
		}
		value := info.Defs[lit.Type.Params.List[0].Names[0]]
		if value == nil {
			continue
		}
		decides := false
		ast.Inspect(lit.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.IfStmt:
				decides = decides || usesObj(info, n.Cond, value)
			case *ast.ReturnStmt:
				for _, r := range n.Results {
					decides = decides || usesObj(info, r, value)
				}
			}
			return !decides
		})
		if decides {
			return true
		}
	}
	return false
}

// cacheExpiry reports whether a Delete decided by the loaded value drops an
// entry of a cache and does nothing else: the map's name says it is a
// cache, and the Delete is followed on its branch only by a return of
// constants. A fresh entry another goroutine stored in between is dropped
// with it, which costs a reload, not a wrong answer: a cache may lose any
// entry at any time.
func cacheExpiry(info *types.Info, w write) bool {
	if !cacheNamed(w.recv) {
		return false
	}
	if es, ok := w.at.block.Nodes[w.at.index].(*ast.ExprStmt); !ok || astq.Unparen(es.X) != w.call {
		return false
	}
	rest := w.at.block.Nodes[w.at.index+1:]
	if len(rest) == 0 {
		return false
	}
	for _, n := range rest {
		r, ok := n.(*ast.ReturnStmt)
		if !ok {
			return false
		}
		for _, e := range r.Results {
			if tv := info.Types[e]; tv.Value == nil && !tv.IsNil() {
				return false
			}
		}
	}
	return true
}

// cacheNamed reports whether the map's name says it is a cache.
func cacheNamed(m ast.Expr) bool {
	return strings.Contains(strings.ToLower(lastName(m)), "cache")
}

// lastName returns the name an expression ends in: x for x, f for a.b.f;
// "" for anything else.
func lastName(e ast.Expr) string {
	switch e := astq.Unparen(e).(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	}
	return ""
}

// deferredRestore reports whether w is `defer m.Store(k, v)`, or a Store
// in a deferred literal, putting back the value v the check loaded,
// unchanged: a save and restore around a temporary change, whose purpose is
// to overwrite whatever was stored in between.
func deferredRestore(info *types.Info, f *fn, ch check, w write, value ast.Expr) bool {
	d, ok := w.at.block.Nodes[w.at.index].(*ast.DeferStmt)
	if !ok || d.Call != w.call && d.Call != w.runner {
		return false
	}
	return loadedUnchanged(info, f, ch, value)
}

// loadedUnchanged reports whether value is the variable the check loaded
// into, assigned nowhere else in the function and without its address
// taken. When the variable holds a copy (a struct or an array), writing a
// field or element of it in place changes it too, and so does a method
// with a pointer receiver called on it: `w.Balance -= amount` before
// putting w back is an update of the copy (a wallet spent through a
// store's Get and Put), unlike the same write through a pointer, which
// changes the shared object and puts back the same pointer.
func loadedUnchanged(info *types.Info, f *fn, ch check, value ast.Expr) bool {
	if ch.value == nil {
		return false
	}
	if id := astq.Ident(value); id == nil || info.ObjectOf(id) != ch.value {
		return false
	}
	changed := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		var lhs []ast.Expr
		switch n := n.(type) {
		case *ast.AssignStmt:
			if astq.Unparen(n.Rhs[len(n.Rhs)-1]) == ch.call {
				return true // the check itself
			}
			lhs = n.Lhs
		case *ast.IncDecStmt:
			lhs = []ast.Expr{n.X}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				lhs = []ast.Expr{n.X}
			}
		case *ast.CallExpr:
			if sel, isSel := astq.Unparen(n.Fun).(*ast.SelectorExpr); isSel {
				if s := info.Selections[sel]; s != nil && s.Kind() == types.MethodVal && !s.Indirect() && pointerRecv(s.Obj()) && !isPointer(info.TypeOf(sel.X)) {
					lhs = []ast.Expr{sel.X}
				}
			}
		}
		for _, e := range lhs {
			if copyRoot(info, e) == ch.value {
				changed = true
			}
		}
		return !changed
	})
	return !changed
}

// copyRoot returns the variable whose own storage e writes: v for v, and
// for v.f, v[i] and v.f.g, v when each step stays inside v's value (a field
// of a struct, an element of an array), not through a pointer, slice or map
// it holds; nil otherwise.
func copyRoot(info *types.Info, e ast.Expr) types.Object {
	for {
		switch x := astq.Unparen(e).(type) {
		case *ast.Ident:
			return info.ObjectOf(x)
		case *ast.SelectorExpr:
			if s := info.Selections[x]; s == nil || s.Kind() != types.FieldVal || s.Indirect() {
				return nil
			}
			e = x.X
		case *ast.IndexExpr:
			if _, isArray := info.TypeOf(x.X).Underlying().(*types.Array); !isArray {
				return nil
			}
			e = x.X
		default:
			return nil
		}
	}
}

// pointerRecv reports whether the method m has a pointer receiver.
func pointerRecv(m types.Object) bool {
	fn, ok := m.(*types.Func)
	if !ok {
		return false
	}
	_, isPtr := fn.Signature().Recv().Type().(*types.Pointer)
	return isPtr
}

// writeBack reports whether w puts back the value its check loaded,
// unchanged, into a map whose entries nothing replaces or removes: w is
// the only Store-like or Delete-like call on that unexported field in the
// package, and its only claims are LoadOrStore-like inserts. The entry w
// overwrites is then the one it loaded, and the Store changes nothing
// (dubbo-go's zookeeper CacheListener puts a listener set back after
// adding to it in place).
func (c *checker) writeBack(f *fn, ch check, w write, value ast.Expr) bool {
	info := c.pass.TypesInfo
	m := mapObject(info, w.recv)
	if m == nil || !m.IsField() || m.Exported() || !loadedUnchanged(info, f, ch, value) {
		return false
	}
	for _, o := range c.opsOn(m) {
		switch {
		case (o.kind == opStore || o.kind == opDelete) && o.call != w.call && (w.via == nil || o.call != w.via.write.call),
			o.kind == opClaim && !strings.HasPrefix(o.name, "LoadOr"):
			return false
		}
	}
	return true
}

// busyMarker reports whether the insert w marks its key busy while f runs:
// f defers a Delete of the same key from the same map (tendermint's
// reconnectToPeer: Set(id, addr), then defer Delete(id), then the
// reconnect loop). The entry exists to keep a second goroutine out, so
// two that both found the key absent both run what it guards, whatever
// value they store.
func busyMarker(info *types.Info, f *fn, w write) bool {
	found := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		if found {
			return false
		}
		if _, isLit := n.(*ast.FuncLit); isLit {
			return false
		}
		d, ok := n.(*ast.DeferStmt)
		if !ok {
			return true
		}
		for _, o := range f.ops {
			if o.call == d.Call && o.kind == opDelete && sameMap(info, o.recv, w.recv) && sameKey(info, o.key, w.key) {
				found = true
			}
		}
		return false
	})
	return found
}

// polarity says what taking successor edge i of a branch means: the key was
// present, absent, or something else was decided.
func polarity(info *types.Info, ch check, cond, tag ast.Node, inline bool, i int) int {
	e, ok := cond.(ast.Expr)
	if !ok || i < 0 || i > 1 {
		return unknownEdge
	}
	truth := i == 0
	if tag != nil {
		// switch v { case nil: … }: the case edge means v == nil.
		t, isExpr := tag.(ast.Expr)
		if id := astq.Ident(t); isExpr && id != nil && ch.value != nil && info.ObjectOf(id) == ch.value && isNil(info, e) {
			if truth {
				return absentEdge
			}
			return presentEdge
		}
		return unknownEdge
	}
	return exprPolarity(info, ch, e, truth, inline)
}

// exprPolarity says what e evaluating to truth means for the key.
func exprPolarity(info *types.Info, ch check, e ast.Expr, truth, inline bool) int {
	e = astq.Unparen(e)
	is := func(e ast.Expr, o types.Object) bool {
		id := astq.Ident(e)
		return o != nil && id != nil && info.ObjectOf(id) == o
	}
	present := func(p bool) int {
		if p {
			return presentEdge
		}
		return absentEdge
	}
	both := func(a, b int) int {
		switch {
		case a == unknownEdge:
			return b
		case b == unknownEdge || a == b:
			return a
		}
		return unknownEdge
	}
	switch e := e.(type) {
	case *ast.UnaryExpr:
		if e.Op == token.NOT {
			return exprPolarity(info, ch, e.X, !truth, inline)
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LAND:
			if truth {
				return both(exprPolarity(info, ch, e.X, true, inline), exprPolarity(info, ch, e.Y, true, inline))
			}
			return unknownEdge
		case token.LOR:
			if !truth {
				return both(exprPolarity(info, ch, e.X, false, inline), exprPolarity(info, ch, e.Y, false, inline))
			}
			return unknownEdge
		case token.EQL, token.NEQ:
			x, y := astq.Unparen(e.X), astq.Unparen(e.Y)
			if isNil(info, x) {
				x, y = y, x
			}
			if (is(x, ch.value) || inline && ch.kind == opLoad && (x == ch.call || ch.plain && x == ch.call.Fun)) && isNil(info, y) {
				return present(truth == (e.Op == token.NEQ))
			}
			if (ch.kind == opBump || ch.errAbsent) && (is(x, ch.ok) || inline && x == ch.call) && isNil(info, y) {
				// A bump's error is nil when the key was there.
				return present(truth == (e.Op == token.EQL))
			}
			if lit := astq.Ident(y); is(x, ch.ok) && lit != nil && (lit.Name == "true" || lit.Name == "false") {
				return present(truth == (e.Op == token.EQL) == (lit.Name == "true"))
			}
		}
	case *ast.Ident:
		if is(e, ch.ok) {
			return present(truth)
		}
	case *ast.CallExpr:
		if inline && e == ch.call {
			return present(truth)
		}
		if truth && (ch.kind == opBump || ch.errAbsent) && len(e.Args) == 2 && is(e.Args[0], ch.ok) && isErrorsIs(info, e) {
			// errors.Is(err, ErrNotFound) holds only for an error, and
			// the error is nil exactly when the key was there; when it
			// does not hold, the error may be another one.
			return absentEdge
		}
	}
	return unknownEdge
}

// isErrorsIs reports whether call is of errors.Is.
func isErrorsIs(info *types.Info, call *ast.CallExpr) bool {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	return ok && fn.Pkg() != nil && fn.Pkg().Path() == "errors" && fn.Name() == "Is"
}

// valueTested reports whether the condition looks at a value derived from
// the loaded one other than to compare it with nil.
func valueTested(info *types.Info, st taintState, cond ast.Node) bool {
	if cond == nil {
		return false
	}
	tested := false
	ast.Inspect(cond, func(n ast.Node) bool {
		if tested {
			return false
		}
		if b, ok := n.(*ast.BinaryExpr); ok && (b.Op == token.EQL || b.Op == token.NEQ) && (isNil(info, b.X) || isNil(info, b.Y)) {
			x := b.X
			if isNil(info, x) {
				x = b.Y
			}
			if astq.Ident(x) != nil {
				return false
			}
		}
		if id, ok := n.(*ast.Ident); ok && st[info.ObjectOf(id)]&fromValue != 0 {
			tested = true
		}
		return true
	})
	return tested
}

func isNil(info *types.Info, e ast.Expr) bool {
	_, ok := info.Types[e]
	return ok && info.Types[e].IsNil()
}

// usedAfter reports whether the loaded value is read after the check,
// other than compared with nil: a Load-then-Delete that uses the value is a
// take, which two goroutines can both perform.
func (c *checker) usedAfter(f *fn, ch check) bool {
	info := c.pass.TypesInfo
	used := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		if b, ok := n.(*ast.BinaryExpr); ok && (b.Op == token.EQL || b.Op == token.NEQ) && (isNil(info, b.X) || isNil(info, b.Y)) {
			return false // v == nil only asks whether the key was present
		}
		if id, ok := n.(*ast.Ident); ok && id.Pos() > ch.call.End() && info.Uses[id] == ch.value {
			used = true
		}
		return !used
	})
	return used
}

// typeMemo returns the value an insert-if-absent stores, for judging
// whether racing goroutines store equal values: the value in place, or,
// through a call keyed by a reflect.Type, the value the callee stores as
// it is handed, or else the call itself, whose arguments are then what
// the stored value is built from. A function handed a type builds a
// description of it that never changes (hprose's getStructEncoder(t)
// builds and registers a type's encoder three calls away), as in place
// (see determiner.typeKey).
func typeMemo(info *types.Info, w write, value, stored ast.Expr) ast.Expr {
	if value != nil || w.via == nil || !astq.Named(info.TypeOf(w.key), "reflect", "Type") {
		return value
	}
	if stored != nil {
		return stored
	}
	return w.call
}

// harmlessInsert reports whether racing goroutines of an insert-if-absent
// store equal values (equal: the value is a constant or computed from the
// key alone by code that builds no new mutable object and, for a value
// holding pointers, calls no function value or interface method) and
// whether it is idempotent (harmless: equal, and nothing else happens on
// the branch: no call, send, goroutine, increment or assignment that
// outlives it, and no bool result, a "first seen" answer both racing
// goroutines would give). The race of a harmless insert only duplicates
// work.
func (c *checker) harmlessInsert(f *fn, g *graph, ch check, w write, bt between, value ast.Expr) (equal, harmless bool) {
	info := c.pass.TypesInfo
	if value == nil || hasReleaser(info.TypeOf(value)) || syncValue(info.TypeOf(value)) {
		// A value that owns something to give back (a prepared
		// statement, a connection) or a lock has identity, however
		// it was computed: the one replaced is never given back.
		return false, false
	}
	if keyedBySelf(info, w.key, value) {
		// The key is read from the value stored (c.UserID for c): two
		// values that share it are two objects, the first replaced.
		return false, false
	}
	// The key's inputs: the variables in the key and, for a local computed
	// from others (rt := reflect.TypeOf(data)), those too. A value
	// computed from the same inputs is what a memoising cache stores.
	keyObjs := map[types.Object]bool{}
	var addKey func(e ast.Node, depth int)
	addKey = func(e ast.Node, depth int) {
		ast.Inspect(e, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if fn, isFunc := info.ObjectOf(sel.Sel).(*types.Func); isFunc && fn.Signature().Recv() != nil {
					// req.Nonce() is computed from req but does
					// not determine it: two requests share a nonce.
					return false
				}
			}
			id, ok := n.(*ast.Ident)
			if !ok {
				return true
			}
			o := info.ObjectOf(id)
			if o == nil || keyObjs[o] {
				return true
			}
			keyObjs[o] = true
			if v, isVar := o.(*types.Var); isVar && depth > 0 && v.Pos() >= f.body.Pos() && v.Pos() < f.body.End() {
				for _, rhs := range assignedFrom(info, f.body, v) {
					addKey(rhs, depth-1)
				}
			}
			return true
		})
	}
	depth := 0
	if t := info.TypeOf(value); pointerFree(t) || c.valueObject(t) || structLiteral(info, value) {
		// Only a plain value computed from the key's inputs is a memo
		// for certain: a pointer or interface computed from them may be
		// a new registry, client or connection each time. A struct
		// built in place is copied into the map: what its fields hold
		// is determined below like any value.
		depth = 2
	}
	addKey(w.key, depth)
	d := determiner{info: info, f: f, body: f.body, key: keyObjs, recv: recvObj(info, f), seen: map[types.Object]bool{}, valueObject: c.valueObject,
		typeKey: astq.Named(info.TypeOf(w.key), "reflect", "Type"), check: ch.call}
	if !d.determined(value, 4) {
		return false, false
	}
	return true, !c.branchEffects(f, bt, w, value, false)
}

// keyedBySelf reports whether key is a field path read from the variable
// value is (m.Store(c.UserID, c)): the key is the value's, not the value
// the key's.
func keyedBySelf(info *types.Info, key, value ast.Expr) bool {
	v := astq.Ident(value)
	if v == nil || v != astq.Unparen(value) {
		return false
	}
	sel, ok := astq.Unparen(key).(*ast.SelectorExpr)
	for ok {
		if s := info.Selections[sel]; s == nil || s.Kind() != types.FieldVal {
			return false
		}
		if id := astq.Ident(sel.X); id != nil && id == astq.Unparen(sel.X) {
			return info.Uses[id] != nil && info.Uses[id] == info.Uses[v]
		}
		sel, ok = astq.Unparen(sel.X).(*ast.SelectorExpr)
	}
	return false
}

// branchEffects reports whether the insert branch (from the check to the
// write, and the rest of the write's block) does something both racing
// goroutines would do and that outlives it: a call other than logging, a
// lock's Lock or Unlock, another map's Delete or an idempotent one (see
// idempotentCall), a send, a goroutine, an increment, an atomic counter,
// an assignment to anything but the stored value's variable (with locals
// set, to anything but a local of f), or a bool result other than the
// stored value, a "first seen" answer, unless every return of f gives the
// same constant there.
func (c *checker) branchEffects(f *fn, bt between, w write, value ast.Expr, locals bool) bool {
	info := c.pass.TypesInfo
	effects := false
	check := func(n ast.Node) {
		if effects {
			return
		}
		if countsAtomically(info, n) {
			effects = true // if n := atomic.AddInt32(&size, 1); n > max {…}
			return
		}
		switch n := n.(type) {
		case *ast.GoStmt, *ast.SendStmt, *ast.IncDecStmt:
			effects = true
		case *ast.ExprStmt:
			call, ok := astq.Unparen(n.X).(*ast.CallExpr)
			if !ok {
				return
			}
			if _, _, isLock := c.locks.call(call); isLock {
				return // taken and released on the way: nothing outlives it
			}
			if o, isOp := c.mapOp(call); isOp && o.kind == opDelete && !sameMap(info, o.recv, w.recv) {
				return // another map's Delete: racing goroutines both making it leave what one does
			}
			if call != w.call && !isLogging(info, call) && !c.idempotentCall(call, w, value) {
				effects = true
			}
		case *ast.AssignStmt:
			// A fresh local is harmless, and so is computing the value
			// stored; writing anything else that outlives the branch (a
			// named result, a counter, a field) tells the rest of the
			// program that this goroutine inserted.
			if n.Tok != token.DEFINE && !assignsOnly(info, f, n, value) && !(locals && assignsLocals(info, f, n)) {
				effects = true
			}
		case *ast.ReturnStmt:
			// Returning a bool from the insert branch reports "I was
			// first" (a FirstSeen): both racing goroutines report it.
			// Returning the stored value itself is a memo's answer,
			// which racing goroutines compute alike, and a constant
			// every return gives answers nothing.
			for i, r := range n.Results {
				if t := info.TypeOf(r); t != nil && types.Identical(t.Underlying(), types.Typ[types.Bool]) && !sameVar(info, r, value) && (info.Types[r].Value == nil || !answersAlways(info, f, i, info.Types[r].Value)) {
					effects = true
				}
				// After storing a marker (struct{}{}, true), a call
				// in the return is work done as the one that
				// marked the key (tempo's return f.requeue(op)).
				if marker(info, value) && callsOut(info, r) && !c.returnsAsFound(f, n, w) {
					effects = true
				}
			}
		}
	}
	bt.nodes(func(n ast.Node, _ site) { check(n) })
	for _, n := range w.at.block.Nodes[w.at.index+1:] {
		check(n)
	}
	return effects || marker(info, value) && c.startsAfter(f, w) != nil
}

// returnsAsFound reports whether ret, on the insert branch, is what the
// function returns where a check of w's map and key found the entry: an
// if whose condition or init makes that check and whose body ends in the
// same return. The inserter then goes on as a goroutine that found the
// marker would, and being first tells it nothing (temporalio/sdk-go's
// gzip downgrade: a method found in the memo, or just stored there, is
// retried with the identity compressor alike).
func (c *checker) returnsAsFound(f *fn, ret *ast.ReturnStmt, w write) bool {
	info := c.pass.TypesInfo
	text := func(r *ast.ReturnStmt) string {
		parts := make([]string, len(r.Results))
		for i, e := range r.Results {
			parts[i] = types.ExprString(e)
		}
		return strings.Join(parts, ", ")
	}
	want := text(ret)
	checks := func(n ast.Node) bool {
		found := false
		ast.Inspect(n, func(m ast.Node) bool {
			call, isCall := m.(*ast.CallExpr)
			if !isCall || found {
				return !found
			}
			if o, isOp := c.mapOp(call); isOp && (o.kind == opLoad || o.kind == opHas) && sameMap(info, o.recv, w.recv) && sameKey(info, o.key, w.key) {
				found = true
			}
			return !found
		})
		return found
	}
	same := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		is, isIf := n.(*ast.IfStmt)
		if same || !isIf || len(is.Body.List) == 0 || is.Body.Pos() <= ret.Pos() && ret.End() <= is.Body.End() {
			return !same
		}
		r, isRet := is.Body.List[len(is.Body.List)-1].(*ast.ReturnStmt)
		if isRet && r != ret && text(r) == want && (is.Init != nil && checks(is.Init) || checks(is.Cond)) {
			same = true
		}
		return !same
	})
	return same
}

// startsAfter returns a go statement that runs on every path after the
// write w (not in a function literal), or nil: after a marker
// (struct{}{}, true) it starts what the marker says has been started once
// for the key. Dubbo-go's Kubernetes listener recorded a key as listened
// under the write lock, after a check under the read lock, then started
// the key's two watcher goroutines; two goroutines that both missed
// started four (apache/dubbo-go 059f9b853, "Add double check for
// RWMutex").
func (c *checker) startsAfter(f *fn, w write) *ast.GoStmt {
	if w.via != nil || w.runner != nil {
		return nil
	}
	g := c.graph(f)
	first := func(nodes []ast.Node) *ast.GoStmt {
		for _, n := range nodes {
			if gs, ok := n.(*ast.GoStmt); ok {
				return gs
			}
		}
		return nil
	}
	if gs := first(w.at.block.Nodes[w.at.index+1:]); gs != nil {
		return gs
	}
	for b := range g.forward(w.at.block, w.at.block) {
		if gs := first(b.Nodes); gs != nil && g.alwaysReaches(w.at, site{b, 0}) {
			return gs
		}
	}
	return nil
}

// marker reports whether a stored value says only that the key is there:
// a constant or a value of an empty struct type.
func marker(info *types.Info, value ast.Expr) bool {
	tv, ok := info.Types[value]
	if !ok {
		return false
	}
	if tv.Value != nil {
		return true
	}
	st, isStruct := tv.Type.Underlying().(*types.Struct)
	return isStruct && st.NumFields() == 0
}

// callsOut reports whether e calls a declared function or method other than
// a logger, or a function literal (not a conversion, a builtin or a
// function value held in a variable).
func callsOut(info *types.Info, e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found {
			return !found
		}
		if _, isFunc := typeutil.Callee(info, call).(*types.Func); isFunc && !isLogging(info, call) {
			found = true
		}
		if _, isLit := astq.Unparen(call.Fun).(*ast.FuncLit); isLit {
			found = true
		}
		return !found
	})
	return found
}

// sameVar reports whether a and b are the same variable.
func sameVar(info *types.Info, a, b ast.Expr) bool {
	ia, ib := astq.Ident(a), astq.Ident(b)
	if ia == nil || ib == nil {
		return false
	}
	v, ok := info.ObjectOf(ia).(*types.Var)
	return ok && v == info.ObjectOf(ib)
}

// assignsLocals reports whether an assignment writes only variables
// declared inside f's body (not its named results) that no function
// literal captures.
func assignsLocals(info *types.Info, f *fn, a *ast.AssignStmt) bool {
	for _, l := range a.Lhs {
		id := astq.Ident(l)
		if id == nil {
			return false
		}
		if id.Name == "_" {
			continue
		}
		v, ok := info.ObjectOf(id).(*types.Var)
		if !ok || v.Pos() < f.body.Pos() || v.Pos() >= f.body.End() || captured(info, f.body, v) {
			return false
		}
	}
	return true
}

// captured reports whether a function literal in body refers to v.
func captured(info *types.Info, body *ast.BlockStmt, v *types.Var) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		lit, ok := n.(*ast.FuncLit)
		if !ok || found {
			return !found
		}
		ast.Inspect(lit.Body, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && info.Uses[id] == v {
				found = true
			}
			return !found
		})
		return false
	})
	return found
}

// lookups are names of calls that fetch, look up or decode a value rather
// than build an object with identity.
var lookups = []string{"get", "fetch", "load", "lookup", "resolve", "read", "parse", "query", "decode", "unmarshal", "compute", "find"}

// releasers are methods of a value that owns something to give back.
var releasers = []string{"Close", "Stop", "Shutdown", "Destroy", "Release", "Cancel", "Unsubscribe", "Unwatch", "Dispose"}

// cacheFill reports whether an insert-if-absent fills a cache with what a
// lookup returned (cache-aside): the map's name says it is a cache; the
// value stored is the result of calls whose names say they fetch, look
// up or decode (GetMetadataFromRpc, Resolve, Parse), directly or through a
// local assigned only from such calls, or a struct value of such results
// and constants, or any value that holds no pointer (a string, a number:
// minio-go's bucket location, parsed from a response); its type, and each
// result's, has no method that releases something (Close, Stop, …); and
// nothing else on the branch outlives it (see branchEffects; assigning
// locals is fine). Racing fills
// each fetch, each go on with their own copy, and the cache keeps one:
// the race costs a duplicate fetch, as any miss does. A value made by a
// constructor (newEntry(), &T{}, getOrCreate) has identity, and two
// goroutines holding different ones is the bug; a lock or a channel per
// key always is such a value.
func (c *checker) cacheFill(f *fn, bt between, w write, value ast.Expr) bool {
	if value == nil || w.runner != nil || !cacheNamed(w.recv) || !c.lookedUp(f, value, 3) && !pointerFree(c.pass.TypesInfo.TypeOf(value)) {
		return false
	}
	return !c.branchEffects(f, bt, w, value, true)
}

// lookedUp reports whether e is the result of lookup calls (see
// lookupCall), directly or through a local of f assigned only from such
// calls, or a struct value (not a pointer) of such results and constants
// (hertz's decoderInfo{decoder: decoder}, centrifuge's dualObserver of two
// metric children): a struct value is copied, not shared. Neither e nor
// any result may be a lock, an atomic or a channel, or have something to
// release. depth bounds how many locals and literals are followed.
func (c *checker) lookedUp(f *fn, e ast.Expr, depth int) bool {
	info := c.pass.TypesInfo
	if t := info.TypeOf(e); depth < 0 || hasReleaser(t) || syncValue(t) {
		return false
	}
	switch e := astq.Unparen(e).(type) {
	case *ast.CallExpr:
		return lookupCall(info, e)
	case *ast.CompositeLit:
		t := info.TypeOf(e)
		if t == nil {
			return false
		}
		if _, isStruct := t.Underlying().(*types.Struct); !isStruct {
			return false
		}
		parts := 0
		for _, el := range e.Elts {
			if kv, isKV := el.(*ast.KeyValueExpr); isKV {
				el = kv.Value
			}
			if info.Types[el].Value != nil {
				continue
			}
			if !c.lookedUp(f, el, depth-1) {
				return false
			}
			parts++
		}
		return parts > 0
	case *ast.Ident:
		v, ok := info.ObjectOf(e).(*types.Var)
		if !ok || v.Pos() < f.body.Pos() || v.Pos() >= f.body.End() {
			return false
		}
		sources := assignedFrom(info, f.body, v)
		for _, src := range sources {
			if !c.lookedUp(f, src, depth-1) {
				return false
			}
		}
		return len(sources) > 0
	}
	return false
}

// poolFill reports whether an insert-if-absent stores a *sync.Pool and does
// nothing else on its branch that outlives it (see branchEffects). Racing
// goroutines each make a pool and one is overwritten; a pool may drop
// anything put in it at any time, so losing one loses nothing a pool
// promises to keep (jupiter's pool per message type).
func (c *checker) poolFill(f *fn, bt between, w write, value ast.Expr) bool {
	if value == nil || w.runner != nil || !syncPool(c.pass.TypesInfo.TypeOf(value)) {
		return false
	}
	return !c.branchEffects(f, bt, w, value, true)
}

// syncPool reports whether t is *sync.Pool.
func syncPool(t types.Type) bool {
	_, isPtr := t.(*types.Pointer)
	return isPtr && astq.Named(t, "sync", "Pool")
}

// lookupCall reports whether call is a function or method whose name
// starts with one of the lookups and has none of the stateful words in it
// (getOrCreate, fetchNewConn).
func lookupCall(info *types.Info, call *ast.CallExpr) bool {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok {
		return false
	}
	if metricChild(fn) {
		return true
	}
	name := strings.ToLower(fn.Name())
	for _, w := range stateful {
		if strings.Contains(name, w) {
			return false
		}
	}
	for _, p := range lookups {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// metricChild reports whether fn hands out a Prometheus metric vector's
// child for a label set (WithLabelValues, With, GetMetricWith…): the
// vector keeps one child per label set and returns it to every caller, so
// it is looked up, not made.
func metricChild(fn *types.Func) bool {
	if fn.Pkg() == nil || fn.Pkg().Path() != "github.com/prometheus/client_golang/prometheus" || fn.Signature().Recv() == nil {
		return false
	}
	switch fn.Name() {
	case "WithLabelValues", "With", "GetMetricWithLabelValues", "GetMetricWith":
		return true
	}
	return false
}

// syncValue reports whether t (or what it points to) is a channel or a
// type of sync or sync/atomic: a lock or channel per key is shared state
// by its nature, and two goroutines holding different ones is the bug.
func syncValue(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if _, ok := t.Underlying().(*types.Chan); ok {
		return true
	}
	named, ok := t.(*types.Named)
	if !ok || named.Obj().Pkg() == nil {
		return false
	}
	path := named.Obj().Pkg().Path()
	return path == "sync" || path == "sync/atomic"
}

// hasReleaser reports whether t (or *T) has one of the releasers as a
// method.
func hasReleaser(t types.Type) bool {
	if t == nil {
		return true
	}
	for _, name := range releasers {
		// addressable: the methods of *T count for a T value too.
		if obj, _, _ := types.LookupFieldOrMethod(t, true, nil, name); obj != nil {
			if _, ok := obj.(*types.Func); ok {
				return true
			}
		}
	}
	return false
}

// countsAtomically reports whether a statement (or the part of an if,
// for or switch header a control-flow block holds) writes through
// sync/atomic: an Add, Store, Swap, CompareAndSwap, And or Or function of
// the package or method of one of its types. A counter bumped on the insert
// branch is bumped by both racing goroutines.
func countsAtomically(info *types.Info, n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if found {
			return false
		}
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		fn, ok := typeutil.Callee(info, call).(*types.Func)
		if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "sync/atomic" {
			return true
		}
		for _, p := range []string{"Add", "Store", "Swap", "CompareAndSwap", "And", "Or"} {
			if strings.HasPrefix(fn.Name(), p) {
				found = true
			}
		}
		return true
	})
	return found
}

// pointerFree reports whether values of t hold no pointer, interface,
// map, slice, channel or function: two of them computed alike are equal
// copies, not two objects.
func pointerFree(t types.Type) bool {
	switch t := t.Underlying().(type) {
	case *types.Basic:
		return t.Kind() != types.UnsafePointer && t.Kind() != types.UntypedNil
	case *types.Struct:
		for i := range t.NumFields() {
			if !pointerFree(t.Field(i).Type()) {
				return false
			}
		}
		return true
	case *types.Array:
		return pointerFree(t.Elem())
	}
	return false
}

// assignsOnly reports whether an assignment writes nothing but the stored
// value's variable, blanks and an error local of f that comes with it:
// v, _, _ = group.Do(k, build); v, err = fetch(k).
func assignsOnly(info *types.Info, f *fn, a *ast.AssignStmt, value ast.Expr) bool {
	vid := astq.Ident(value)
	if vid == nil || a.Tok != token.ASSIGN {
		return false
	}
	for _, l := range a.Lhs {
		id := astq.Ident(l)
		if id == nil {
			return false
		}
		o := info.ObjectOf(id)
		if id.Name != "_" && o != info.ObjectOf(vid) && !(errorLocal(f, o) && len(a.Lhs) > 1) {
			return false
		}
	}
	return true
}

// errorLocal reports whether o is a variable of type error declared in f's
// body or a named result of f.
func errorLocal(f *fn, o types.Object) bool {
	v, ok := o.(*types.Var)
	return ok && (v.Pos() >= f.body.Pos() && v.Pos() < f.body.End() || namedResult(f, v)) && types.Identical(v.Type(), types.Universe.Lookup("error").Type())
}

// namedResult reports whether v is a named result of f: a variable of f
// that starts as its type's zero value.
func namedResult(f *fn, v *types.Var) bool {
	ft := f.funcType()
	return ft != nil && ft.Results != nil && v.Pos() >= ft.Results.Pos() && v.Pos() < ft.Results.End()
}

// funcType returns the type of f's declaration or literal.
func (f *fn) funcType() *ast.FuncType {
	switch n := f.node.(type) {
	case *ast.FuncDecl:
		return n.Type
	case *ast.FuncLit:
		return n.Type
	}
	return nil
}

// flightCall reports whether call is Do or DoChan of a singleflight.Group
// (golang.org/x/sync/singleflight or a copy of it: a type named Group in a
// package named singleflight), or Do or DoEx of a type or interface named
// SingleFlight (go-zero's syncx.SingleFlight). Do runs its function once
// per key at a time and hands every caller waiting on the key the same
// result.
func flightCall(info *types.Info, call *ast.CallExpr) bool {
	_, fn, ok := astq.MethodCall(info, call)
	if !ok || fn.Name() != "Do" && fn.Name() != "DoChan" && fn.Name() != "DoEx" || len(call.Args) < 2 {
		return false
	}
	recv := fn.Signature().Recv()
	if recv == nil {
		return false
	}
	t := recv.Type()
	if p, isPtr := t.(*types.Pointer); isPtr {
		t = p.Elem()
	}
	named, ok := t.(*types.Named)
	if !ok || named.Obj().Pkg() == nil {
		return false
	}
	if strings.EqualFold(named.Obj().Name(), "SingleFlight") {
		return fn.Name() != "DoChan"
	}
	return named.Obj().Name() == "Group" && named.Obj().Pkg().Name() == "singleflight" && fn.Name() != "DoEx"
}

// determiner decides whether an expression depends only on the key,
// constants, package-level state and the method receiver, and allocates no
// new mutable object.
type determiner struct {
	info *types.Info
	f    *fn
	body *ast.BlockStmt
	// typeKey: the key is a reflect.Type, and a call handed it builds a
	// description of a type that never changes, whatever its name says
	// (gorilla/schema's c.create(t, "")).
	typeKey bool
	key     map[types.Object]bool
	recv    types.Object
	seen    map[types.Object]bool
	// valueObject: see checker.valueObject.
	valueObject func(types.Type) bool
	// check: the insert's check. Where only a miss leads to the insert,
	// what the check assigns is its zero value there (tidwall/tile38's
	// re, ok := pool.regexCache.Get(pattern), then re, err =
	// regexp.Compile(pattern) on a miss).
	check *ast.CallExpr
}

// stateful names start constructors of objects with identity.
var stateful = []string{"new", "make", "create", "open", "dial", "start", "spawn", "connect", "acquire", "launch", "alloc", "register", "subscribe"}

func (d *determiner) determined(e ast.Expr, depth int) bool {
	if depth < 0 {
		return false
	}
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		if !ok {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			ok = false
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				if lit, isLit := astq.Unparen(n.X).(*ast.CompositeLit); isLit && d.valueObject(d.info.TypeOf(n)) && d.everyFieldKeyed(lit) {
					return true // an immutable value behind a pointer; its fields must be determined too
				}
				ok = false // a new variable's address
			}
			if n.Op == token.ARROW {
				ok = false
			}
		case *ast.CompositeLit:
			switch d.info.TypeOf(n).Underlying().(type) {
			case *types.Map, *types.Slice:
				ok = false
			}
		case *ast.CallExpr:
			if flightCall(d.info, n) && d.determined(n.Args[0], depth-1) {
				// group.Do(k, build): every goroutine waiting on the
				// key gets the one result; flights that do not overlap
				// run the same function for the same key.
				return false
			}
			if id := astq.Ident(n.Fun); id != nil {
				if b, isB := d.info.ObjectOf(id).(*types.Builtin); isB && (b.Name() == "new" || b.Name() == "make") {
					ok = false
					return false
				}
			}
			if d.typeKey && (d.handedKey(n) || d.keyMethod(n)) {
				return true // its arguments must be determined too
			}
			fun := astq.Unparen(n.Fun)
			if ix, isIndex := fun.(*ast.IndexExpr); isIndex {
				fun = ix.X // a generic function's instance
			}
			name := lastName(fun)
			lower := strings.ToLower(name)
			for _, p := range stateful {
				if strings.HasPrefix(lower, p) {
					ok = false
					return false
				}
			}
			if d.info.Types[n.Fun].IsType() {
				return true
			}
			if _, builtin := typeutil.Callee(d.info, n).(*types.Builtin); !builtin && typeutil.StaticCallee(d.info, n) == nil && !pointerFree(d.info.TypeOf(n)) {
				// A function value or an interface method runs code
				// not known here, which may build a new object each
				// time (keyDefaultMap's defaultFactory(key)).
				ok = false
				return false
			}
			if len(n.Args) == 0 {
				if _, isSel := astq.Unparen(n.Fun).(*ast.SelectorExpr); !isSel || typeutil.StaticCallee(d.info, n) == nil {
					ok = false // time.Now(), rand.Int(): not a function of the key
					return false
				}
				if sel := astq.Unparen(n.Fun).(*ast.SelectorExpr); d.info.Selections[sel] == nil {
					ok = false // a package function with no arguments
					return false
				}
			}
		case *ast.Ident:
			o := d.info.ObjectOf(n)
			switch o := o.(type) {
			case nil, *types.Const, *types.TypeName, *types.Func, *types.PkgName, *types.Builtin, *types.Nil:
			case *types.Var:
				if d.key[o] || o == d.recv || o.IsField() || o.Parent() == o.Pkg().Scope() {
					return true
				}
				if !d.local(o, depth) {
					ok = false
				}
			default:
				ok = false
			}
		}
		return true
	})
	return ok
}

// structLiteral reports whether e is a composite literal of a struct type,
// a value and not a pointer.
func structLiteral(info *types.Info, e ast.Expr) bool {
	lit, ok := astq.Unparen(e).(*ast.CompositeLit)
	if !ok {
		return false
	}
	_, isStruct := info.TypeOf(lit).Underlying().(*types.Struct)
	return isStruct
}

// everyFieldKeyed reports whether a struct literal gives every field of
// its type a value that reads the key: a description of the key, not a
// new state that starts from constants (&gauge{}, &entry{n: 1}).
func (d *determiner) everyFieldKeyed(lit *ast.CompositeLit) bool {
	st, isStruct := d.info.TypeOf(lit).Underlying().(*types.Struct)
	if !isStruct || len(lit.Elts) != st.NumFields() {
		return false
	}
	for _, e := range lit.Elts {
		if kv, isKV := e.(*ast.KeyValueExpr); isKV {
			e = kv.Value
		}
		readsKey := false
		ast.Inspect(e, func(n ast.Node) bool {
			if id, isID := n.(*ast.Ident); isID && d.key[d.info.ObjectOf(id)] {
				readsKey = true
			}
			return !readsKey
		})
		if !readsKey {
			return false
		}
	}
	return true
}

// handedKey reports whether one of call's arguments is a key variable.
func (d *determiner) handedKey(call *ast.CallExpr) bool {
	for _, a := range call.Args {
		if id := astq.Ident(a); id != nil && d.key[d.info.ObjectOf(id)] {
			return true
		}
	}
	return false
}

// keyMethod reports whether call is a method call on a key variable: of
// a reflect.Type key, t.Name(), t.Kind(), t.NumField() describe the type.
func (d *determiner) keyMethod(call *ast.CallExpr) bool {
	sel, ok := astq.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id := astq.Ident(sel.X)
	return id != nil && d.key[d.info.ObjectOf(id)]
}

// local reports whether a local variable is only ever assigned determined
// values in the function.
func (d *determiner) local(v *types.Var, depth int) bool {
	if d.seen[v] {
		return true
	}
	d.seen[v] = true
	if (v.Pos() < d.body.Pos() || v.Pos() >= d.body.End()) && !namedResult(d.f, v) {
		return false // a parameter or a captured variable: any caller's value
	}
	ok, assigned := true, false
	ast.Inspect(d.body, func(n ast.Node) bool {
		if !ok {
			return false
		}
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if id := astq.Ident(l); id != nil && d.info.ObjectOf(id) == v {
					assigned = true
					var r ast.Expr
					if len(n.Rhs) == len(n.Lhs) {
						r = n.Rhs[i]
					} else {
						r = n.Rhs[0]
					}
					if n.Tok != token.ASSIGN && n.Tok != token.DEFINE || astq.Unparen(r) != d.check && !d.determined(r, depth-1) {
						ok = false
					}
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if d.info.ObjectOf(id) == v {
					assigned = true
					if len(n.Values) == len(n.Names) {
						ok = d.determined(n.Values[i], depth-1)
					} else if len(n.Values) == 1 {
						ok = d.determined(n.Values[0], depth-1)
					}
				}
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id := astq.Ident(e); id != nil && d.info.ObjectOf(id) == v {
					assigned = true
					ok = d.determined(n.X, depth-1)
				}
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				if id := astq.Ident(n.X); id != nil && d.info.ObjectOf(id) == v {
					ok = false // written through a pointer
				}
			}
		}
		return ok
	})
	return ok && assigned
}

func recvObj(info *types.Info, f *fn) types.Object {
	if f.decl == nil || f.decl.Recv == nil || len(f.decl.Recv.List) == 0 || len(f.decl.Recv.List[0].Names) == 0 {
		return nil
	}
	return info.ObjectOf(f.decl.Recv.List[0].Names[0])
}

// isLogging reports whether a call only logs or prints.
func isLogging(info *types.Info, call *ast.CallExpr) bool {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok {
		return false
	}
	if fn.Pkg() != nil {
		switch fn.Pkg().Path() {
		case "log", "log/slog", "fmt":
			return true
		}
	}
	switch strings.TrimSuffix(strings.TrimSuffix(fn.Name(), "f"), "ln") {
	case "Print", "Log", "Debug", "Info", "Warn", "Warning", "Error", "Trace", "Notice", "Logf", "Tracef", "Debugw", "Infow", "Warnw", "Errorw":
		return true
	}
	return false
}

// describe returns what the write does, what another goroutine can do in
// between, and the operation to use instead.
func (fd *finding) describe(recv, key string) (what, consequence, fix string) {
	s := fd.write.shape
	lock := "one lock held across the check and the write"
	pick := func(names ...string) string {
		for _, n := range names {
			if s.has(n) {
				return n
			}
		}
		return lock
	}
	casLoop := func() string {
		switch {
		case s.safemap:
			return "Compute"
		case s.has("CompareAndSwap"):
			return "a CompareAndSwap loop"
		case s.has("Compute"):
			return "Compute"
		}
		return lock
	}
	switch fd.kind {
	case lostUpdate:
		return "stores a value computed from the loaded one",
			"update " + key + " in between, and that update is lost", casLoop()
	case staleReplace:
		return "is decided by the loaded value",
			"change " + key + " in between, and this " + fd.write.name + " acts on a stale value", casLoop()
	case insertIfAbsent:
		fix = pick("LoadOrStore", "LoadOrCompute", "GetOrSet", "SetIfAbsent", "PutIfAbsent", "GetOrCreate", "LoadOrStoreLazy", "ContainsOrAdd", "PeekOrAdd", "LoadOrAdd")
		switch {
		case s.safemap:
			fix = "LoadOrStore, or LoadOrCompute when the value is costly to build"
		case fix != lock && fix != "ContainsOrAdd":
			fix += " and the value it returns"
		}
		if fd.marksWork {
			return "runs only when the check found no entry",
				"find " + key + " absent in between as well, and both do the work before this " + fd.write.name + " marks it done",
				"a mark made before the work, under one lock with the check, and dropped again if the work fails"
		}
		if fd.undoneBy != "" {
			return "runs only when the check found no entry",
				"delete " + key + " in between (" + fd.undoneBy + "), and this write puts back the value loaded before that delete, which stays cached",
				"a generation (or version) per key, read with the check and compared under the write's lock before storing"
		}
		if fd.equalValues {
			return "runs only when the check found no entry",
				"store " + key + " in between, and although both store the same value, both go on as the one that inserted it", fix
		}
		return "runs only when the check found no entry",
			"store " + key + " in between, and this " + fd.write.name + " replaces that value while the other goroutine goes on using it", fix
	case staleDelete:
		fix = pick("CompareAndDelete")
		if s.safemap {
			fix = "Compute returning DeleteOp"
		}
		return "is decided by the loaded value",
			"replace " + key + " in between, and this " + fd.write.name + " removes the new entry", fix
	case doubleTake:
		// Whatever is stored for the key between the check and the
		// Delete is deleted too: pulsar's connection notifies the
		// consumer it got, whose reconnect registers a new handler
		// under the same ID, before deleting.
		return "takes the loaded entry",
			"take the same entry in between, and both use it, or store a new one, and this " + fd.write.name + " removes it", pick("LoadAndDelete")
	case doubleDelete:
		if fix = pick("LoadAndDelete"); fix != lock {
			fix += " and go on only when it reports loaded"
		}
		return "deletes the entry the check found",
			"delete the same entry in between, and both go on as the one that deleted it", fix
	case insertAfterWait:
		return "waits on the entry the check found, then stores without looking again",
			"wait on the same entry and store " + key + " in between, and both go on as its holder", waitLoop(s)
	case resurrect:
		return "runs only when the check found an entry",
			"delete " + key + " in between, and this " + fd.write.name + " inserts it again",
			"a " + pick("Load", "Get", "Lookup") + " that goes on only when it finds the entry"
	case lostBump:
		fix = pick("Add")
		if fix != lock {
			fix = "Add, which fails when the key exists, and " + fd.check.name + " again when it does"
		}
		return "runs only when the update found no entry",
			"insert " + key + " and " + fd.check.name + " it in between, and this " + fd.write.name + " overwrites that entry: the increments made to it are lost", fix
	}
	return "", "", ""
}

// waitLoop is the fix for an insert after a wait: a loop that stores only
// when a look finds the key free, and otherwise waits on what it found.
func waitLoop(s *shape) string {
	for _, n := range []string{"LoadOrStore", "GetOrSet", "SetIfAbsent", "PutIfAbsent"} {
		if s.has(n) {
			return "a loop of " + n + " that waits on the entry it finds and tries again, until it stores its own"
		}
	}
	return "a loop that looks again after each wait and stores, under the lock it looks under, only when it finds no entry"
}

// valueObject reports whether t is a pointer to a value object: a struct
// type of the package whose fields are all unexported and hold no pointer
// (see pointerFree), none of which the package writes once the struct is
// built (no assignment, increment or address of one of its fields, no
// overwrite of the whole struct through a pointer). Only the package can
// write unexported fields, so two such objects built alike stay equal
// copies for good: racing fills that each keep their own lose nothing but
// the pointers' identity (fasthttp's proxy dialer caches &proxyInfo{auth,
// addr} computed from the proxy URL). A slice or a map in it is not
// pointer-free, and a lock or an atomic in use is written by its
// pointer methods (x.mu.Lock() takes &x.mu), so a type with either is
// not one.
func (c *checker) valueObject(t types.Type) bool {
	ptr, isPtr := types.Unalias(t).(*types.Pointer)
	if !isPtr {
		return false
	}
	named, isNamed := types.Unalias(ptr.Elem()).(*types.Named)
	if !isNamed || named.Obj().Pkg() != c.pass.Pkg {
		return false
	}
	st, isStruct := named.Underlying().(*types.Struct)
	if !isStruct || st.NumFields() == 0 || !pointerFree(st) {
		return false
	}
	if c.writtenFields == nil {
		c.findFieldWrites()
	}
	if c.overwritten[named.Origin()] {
		return false
	}
	for i := range st.NumFields() {
		f := st.Field(i)
		if f.Exported() || c.writtenFields[f.Origin()] {
			return false
		}
	}
	return true
}

// findFieldWrites records the struct fields the package's files write
// after the struct is built and the struct types they overwrite whole
// through a pointer.
func (c *checker) findFieldWrites() {
	info := c.pass.TypesInfo
	c.writtenFields, c.overwritten = map[*types.Var]bool{}, map[types.Type]bool{}
	written := func(e ast.Expr) {
		switch e := astq.Unparen(e).(type) {
		case *ast.SelectorExpr:
			if v, isVar := info.ObjectOf(e.Sel).(*types.Var); isVar && v.IsField() {
				c.writtenFields[v.Origin()] = true
			}
		case *ast.StarExpr:
			if named, isNamed := types.Unalias(info.TypeOf(e)).(*types.Named); isNamed {
				c.overwritten[named.Origin()] = true
			}
		}
	}
	for _, file := range c.pass.Files {
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				for _, l := range n.Lhs {
					written(l)
				}
			case *ast.IncDecStmt:
				written(n.X)
			case *ast.RangeStmt:
				written(n.Key)
				written(n.Value)
			case *ast.UnaryExpr:
				if n.Op == token.AND {
					written(n.X)
				}
			case *ast.SelectorExpr:
				// x.f.Set(v) for a Set with a pointer receiver takes
				// &x.f.
				if sel := info.Selections[n]; sel != nil && sel.Kind() == types.MethodVal {
					_, ptrRecv := sel.Obj().(*types.Func).Signature().Recv().Type().(*types.Pointer)
					_, ptrOperand := info.TypeOf(n.X).Underlying().(*types.Pointer)
					if ptrRecv && !ptrOperand {
						written(n.X)
					}
				}
			}
			return true
		})
	}
}
