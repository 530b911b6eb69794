package checkthenact

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A send on a channel field after a test of an atomic flag, while another
// function of the package sets the flag and closes the channel. Each step
// is atomic, the test and the send together are not: the closer can set
// the flag and close the channel between them, and a send on a closed
// channel panics. sensu/sensu-go's check monitor (fixed in f4f3c876,
// sensu-go#970) reset its timer so:
//
//	func (m *Monitor) reset(t time.Duration) {
//		if m.IsStopped() {
//			return
//		}
//		m.resetChan <- t
//	}
//
//	func (m *Monitor) Stop() {
//		if !atomic.CompareAndSwapInt32(&m.stopped, 0, 1) {
//			return
//		}
//		close(m.resetChan)
//	}
//
// The fix holds one lock across the test and the send, and across setting
// the flag and the close.
//
// Reported: a send (also as a select case) on a channel field, after an if
// whose condition loads an atomic field (x.stopped.Load(),
// atomic.LoadInt32(&x.stopped), or a getter of the package that is that
// one load, or one that locks around returning a plain field: isClosed)
// and whose body returns, with no exclusive lock held at both, when a
// function of the package writes that flag atomically (Store, Swap,
// CompareAndSwap, Add, or a setter that is that one store), or assigns it a
// constant, and then closes that channel field; unless a read lock is held from the test to the send,
// never released in between, whose write lock the closer holds at the
// close (see readLockedAgainst), or a later look at the flag that no
// closer can overtake, an if's or a for loop's condition, lies on every
// path from the test to the send (openfga/openfga's mpmc queue tests done
// under its read lock, and its send loop, which releases the lock to
// wait, looks at done again in its condition under the lock taken again),
// or the closer waits for the senders it could overtake (see
// waitsForSenders).
//
// The test may also read the plain field in place with a lock held that
// every path to the send releases (if s == nil || s.closed { unlock;
// return }; unlock; s.ch <- ev), skip the loop's turn (continue) rather
// than return, or keep the object it found open in a local list that a
// later loop sends to (if !s.closed { targets = append(targets, s) }, then
// for _, s := range targets { s.ch <- ev }); the send may be made by a
// method of the package that sends on its receiver's channel without
// locking (s.deliver(m)). A load compared by order with a variable
// (retries.Load() >= max) is a count, not a flag, and a send inside the
// refusing if's own body does not follow its test.
//
// The same race with a sync.WaitGroup's Add (or Go) in place of the send,
// and a Wait on that WaitGroup in place of the close, in an exported
// function or one the package calls from two places, is flagged-add:
//
//	if d.draining.Load() {
//		return ErrShuttingDown
//	}
//	d.wg.Add(1) // Shutdown: d.draining.Store(true); d.wg.Wait(); d.out.Close()
//
// A Submit that passed the test just before Shutdown set the flag adds
// after Wait returned (or while it waits on a zero count, which the sync
// package forbids), and its work runs after Shutdown went on to close what
// that work uses.

// checkFlaggedSends reports sends after a flag test that a closer of the
// channel can overtake, and WaitGroup Adds after one that a waiter can
// overtake (see above).
func (c *checker) checkFlaggedSends(f *fn) {
	if testFile(c.pass, f.body.Pos()) || c.callerLocked(f) {
		return
	}
	info := c.pass.TypesInfo
	type flagTest struct {
		cond ast.Expr // an if's condition, or a for loop's
		flag *types.Var
		load ast.Expr
		// loop: a for loop's condition, which counts only as a look
		// again that covers an earlier test.
		loop bool
		// direct: a plain field read in the condition itself, which
		// counts only where a lock is held at the test.
		direct bool
		// kept: for a test that keeps its subject in a local list
		// (if !s.closed { targets = append(targets, s) }), the list;
		// only sends on a channel of an element ranged over it follow
		// the test.
		kept types.Object
		// body: the refusing if's body; an act inside it is made where
		// the test found the flag set, not after.
		body *ast.BlockStmt
	}
	var tests []flagTest
	// acts: the sends on a channel field, and the Adds to (or Go calls
	// of) a WaitGroup field.
	var acts []ast.Node
	// helperSends: the calls of methods of the package that send on a
	// channel field of their receiver (s.deliver(m)), with that channel
	// in the caller's terms.
	helperSends := map[*ast.CallExpr]ast.Expr{}
	collect := func(cond ast.Expr, loop bool, kept types.Object, subject ast.Expr, body *ast.BlockStmt) {
		counts := orderedOperands(info, cond)
		ast.Inspect(cond, func(m ast.Node) bool {
			if e, isExpr := m.(ast.Expr); isExpr && counts[e] {
				// A load compared by order with a variable
				// (retries.Load() >= max) is a count, not a flag.
				return false
			}
			if sel, isSel := m.(*ast.SelectorExpr); isSel && !loop {
				// A plain bool field read where a lock is held
				// (if s.closed { …; return }, under b.mu).
				if flag := fieldVar(info, sel); flag != nil {
					if types.Identical(flag.Type(), types.Typ[types.Bool]) && (subject == nil || astq.Same(info, sel.X, subject)) {
						tests = append(tests, flagTest{cond: cond, flag: flag, load: sel, direct: true, kept: kept, body: body})
					}
					return false
				}
			}
			if kept != nil {
				return true
			}
			if id, isID := m.(*ast.Ident); isID && !loop {
				// A local copied once from a plain field under a lock
				// (closed := s.closed, then the unlock), as a locking
				// getter would answer it.
				if read := c.lockedCopy(f, id); read != nil {
					tests = append(tests, flagTest{cond: cond, flag: fieldVar(info, read), load: read, body: body})
				}
			}
			if call, isCall := m.(*ast.CallExpr); isCall {
				o, ok := c.flagOp(call)
				if !ok {
					// A getter of the package that locks around
					// returning a plain field (isClosed).
					o, ok = c.lockedAccessor(call)
				}
				if ok && o.kind == atomicLoad {
					if flag := fieldVar(info, o.v); flag != nil {
						tests = append(tests, flagTest{cond: cond, flag: flag, load: call, loop: loop, body: body})
					}
				}
			}
			return true
		})
	}
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.IfStmt:
			if refuses(n) || skipsTurn(n) {
				collect(n.Cond, false, nil, nil, n.Body)
			} else if list, subject := c.keepsOpen(f, n); list != nil {
				collect(n.Cond, false, list, subject, nil)
			}
		case *ast.ForStmt:
			// for !x.closed.Load() { … }: the loop looks again on every
			// turn, and a send in its body follows that look.
			if n.Cond != nil {
				collect(n.Cond, true, nil, nil, nil)
			}
		case *ast.SendStmt:
			if chanField(info, n.Chan) != nil {
				acts = append(acts, n)
			}
		case *ast.CallExpr:
			if ch := c.sendingHelper(n); ch != nil {
				helperSends[n] = ch
				acts = append(acts, n)
				return true
			}
			// An Add only where callers may overlap the waiter: in an
			// exported function or one with two callers (a start the
			// constructor runs once, before anyone can wait, is not).
			if waitGroupAdd(info, n) != nil && f.decl != nil && f.node == f.decl && c.manyCallers(f.decl) {
				acts = append(acts, n)
			}
		}
		return true
	})
	if len(tests) == 0 || len(acts) == 0 {
		return
	}
	g := c.graph(f)
	for _, act := range acts {
		var at site
		var ok bool
		var target *types.Var // the channel, or the WaitGroup
		switch act := act.(type) {
		case *ast.SendStmt:
			at, ok = nodeSite(g, act)
			target = chanField(info, act.Chan)
		case *ast.CallExpr:
			at, ok = g.calls[act]
			target = waitGroupAdd(info, act)
			if ch := helperSends[act]; ch != nil {
				target = chanField(info, ch)
			}
		}
		if !ok {
			continue
		}
		// The tests before the send, each with whether a closer can come
		// between it and the send.
		type judged struct {
			flagTest
			at        site
			closer    *ast.FuncDecl
			closeCall *ast.CallExpr
			overtaken bool
		}
		var js []judged
		for _, t := range tests {
			cat, ok := nodeSite(g, t.cond)
			if t.direct {
				// A condition of || or && parts is split among blocks:
				// the test is the part that reads the field.
				cat = g.siteOf(t.load)
				ok = cat.block != nil && len(g.anyHeldAt(c.locks, cat)) > 0
			}
			if !ok || t.cond.Pos() > act.Pos() || t.body != nil && containsNode(t.body, act) {
				continue
			}
			if t.kept != nil {
				var ch ast.Expr
				switch act := act.(type) {
				case *ast.SendStmt:
					ch = act.Chan
				case *ast.CallExpr:
					ch = helperSends[act]
				}
				if ch == nil || !c.rangedOver(f, ch, t.kept) {
					continue
				}
			}
			bt, ok := g.between(cat, at)
			if !ok || len(bt.blocks) == 0 {
				continue
			}
			if t.direct && slices.ContainsFunc(slices.Collect(maps.Keys(g.anyHeldAt(c.locks, cat))), func(key string) bool { return !bt.released(c.locks, key) }) {
				// The field read under a lock still held at the act
				// (RLock; if d.closed { … }; d.inflight.Add(1);
				// RUnlock): a closer setting it under that lock's write
				// side cannot come between.
				continue
			}
			j := judged{flagTest: t, at: cat}
			if len(intersect(g.heldAt(c.locks, cat), g.heldAt(c.locks, at))) == 0 {
				j.closer, j.closeCall = c.closerSetting(target, t.flag)
				j.overtaken = j.closer != nil && !c.readLockedAgainst(f, g, bt, cat, at, j.closer, j.closeCall) && !c.waitsForSenders(f, t.cond, j.closer, j.closeCall)
			}
			js = append(js, j)
		}
		for _, t := range js {
			if !t.overtaken || t.loop {
				continue
			}
			if slices.ContainsFunc(js, func(u judged) bool {
				return !u.overtaken && u.flag == t.flag && u.at.block != t.at.block && !g.forward(t.at.block, u.at.block)[at.block]
			}) {
				// A look again at the flag that no closer can overtake
				// lies on every path from this test to the send.
				continue
			}
			fset := c.pass.Fset
			p := fset.Position(t.closeCall.Pos())
			if send, isSend := act.(*ast.SendStmt); isSend {
				c.emit(ruleFlaggedSend, analysis.Diagnostic{
					Pos: send.Pos(), End: send.End(),
					Message: fmt.Sprintf("send on %s after the test of %s on line %d is not atomic with it: %s can set %s and close %s in between (%s:%d), and the send panics; hold one lock across the test and the send, and in %s across setting the flag and the close",
						render(fset, send.Chan), render(fset, t.load), fset.Position(t.cond.Pos()).Line, t.closer.Name.Name, t.flag.Name(), render(fset, send.Chan), filepath.Base(p.Filename), p.Line, t.closer.Name.Name),
					Related: []analysis.RelatedInformation{
						{Pos: t.cond.Pos(), End: t.cond.End(), Message: "the test"},
						{Pos: t.closeCall.Pos(), End: t.closeCall.End(), Message: "the close"},
					},
				})
				break
			}
			if ch := helperSends[act.(*ast.CallExpr)]; ch != nil {
				call := act.(*ast.CallExpr)
				c.emit(ruleFlaggedSend, analysis.Diagnostic{
					Pos: call.Pos(), End: call.End(),
					Message: fmt.Sprintf("%s, which sends on %s, after the test of %s on line %d is not atomic with it: %s can set %s and close %s in between (%s:%d), and the send panics; hold one lock across the test and the send, and in %s across setting the flag and the close",
						render(fset, call), types.ExprString(ch), render(fset, t.load), fset.Position(t.cond.Pos()).Line, t.closer.Name.Name, t.flag.Name(), types.ExprString(ch), filepath.Base(p.Filename), p.Line, t.closer.Name.Name),
					Related: []analysis.RelatedInformation{
						{Pos: t.cond.Pos(), End: t.cond.End(), Message: "the test"},
						{Pos: t.closeCall.Pos(), End: t.closeCall.End(), Message: "the close"},
					},
				})
				break
			}
			add := act.(*ast.CallExpr)
			wg := astq.Unparen(add.Fun).(*ast.SelectorExpr).X
			c.emit(ruleFlaggedAdd, analysis.Diagnostic{
				Pos: add.Pos(), End: add.End(),
				Message: fmt.Sprintf("%s after the test of %s on line %d is not atomic with it: %s can set %s and wait on %s in between (%s:%d), and this Add then comes after Wait returned, or races with it: the work it counts runs after %s has gone on as if none were left; hold one lock across the test and the Add, and in %s across setting the flag",
					render(fset, add), render(fset, t.load), fset.Position(t.cond.Pos()).Line, t.closer.Name.Name, t.flag.Name(), render(fset, wg), filepath.Base(p.Filename), p.Line, t.closer.Name.Name, t.closer.Name.Name),
				Related: []analysis.RelatedInformation{
					{Pos: t.cond.Pos(), End: t.cond.End(), Message: "the test"},
					{Pos: t.closeCall.Pos(), End: t.closeCall.End(), Message: "the wait"},
				},
			})
			break
		}
	}
}

// waitsForSenders reports whether the sender f counts itself in on an
// atomic field before the test cond (pending.Add(1), pending.Inc()) and
// the closer, before its close, waits in a loop for that count to fall
// (for r.pending.Load() > 0 { … }): the closer sets the flag first, so a
// sender that passed the test is counted, and the close waits for it
// (uber-go/tally's m3 reporter; its reportCopyMetric and Flush were
// false alarms once its go.uber.org/atomic flag counted).
func (c *checker) waitsForSenders(f *fn, cond ast.Expr, closer *ast.FuncDecl, closeCall *ast.CallExpr) bool {
	info := c.pass.TypesInfo
	counted := map[*types.Var]bool{}
	ast.Inspect(f.body, func(n ast.Node) bool {
		call, isCall := n.(*ast.CallExpr)
		if _, isLit := n.(*ast.FuncLit); isLit || n != nil && n.Pos() >= cond.Pos() {
			return false
		}
		if !isCall {
			return true
		}
		if o, ok := atomicStep(info, call); ok && o.kind == atomicRMW {
			if v := fieldVar(info, o.v); v != nil {
				counted[v] = true
			}
		}
		return true
	})
	if len(counted) == 0 {
		return false
	}
	waits := false
	ast.Inspect(closer.Body, func(n ast.Node) bool {
		loop, isFor := n.(*ast.ForStmt)
		if _, isLit := n.(*ast.FuncLit); isLit || waits || n != nil && n.Pos() >= closeCall.Pos() {
			return false
		}
		if !isFor || loop.Cond == nil {
			return true
		}
		ast.Inspect(loop.Cond, func(m ast.Node) bool {
			if call, isCall := m.(*ast.CallExpr); isCall {
				if o, ok := atomicStep(info, call); ok && o.kind == atomicLoad && counted[fieldVar(info, o.v)] {
					waits = true
				}
			}
			return !waits
		})
		return true
	})
	return waits
}

// readLockedAgainst reports whether a read lock is held from the test (at
// cat) to the send (at at), never released in between, whose write lock
// the closer holds at its close: the closer cannot run between the test
// and the send (openfga's mpmc queue sends under its read lock, and Close
// sets done and closes the channels under the write lock).
func (c *checker) readLockedAgainst(f *fn, g *graph, bt between, cat, at site, closer *ast.FuncDecl, closeCall *ast.CallExpr) bool {
	cf := c.funcs[closer]
	if cf == nil || f.decl == nil {
		return false
	}
	cg := c.graph(cf)
	cat2, ok := cg.calls[closeCall]
	if !ok {
		return false
	}
	atClose := cg.heldAt(c.locks, cat2)
	for key := range intersect(g.anyHeldAt(c.locks, cat), g.anyHeldAt(c.locks, at)) {
		if exclusive(key) || bt.released(c.locks, key) {
			continue
		}
		for held := range atClose {
			if recvRelative(closer, held) == recvRelative(f.decl, lockBase(key)+".w") {
				return true
			}
		}
	}
	return false
}

// recvRelative writes a lock key of decl's body with its receiver's name
// replaced by a mark, so that keys of two methods of one type compare.
func recvRelative(decl *ast.FuncDecl, key string) string {
	if decl.Recv == nil || len(decl.Recv.List) == 0 || len(decl.Recv.List[0].Names) == 0 {
		return key
	}
	if name := decl.Recv.List[0].Names[0].Name; strings.HasPrefix(key, name+".") {
		return "·" + key[len(name):]
	}
	return key
}

// flagOp recognises an op on an atomic variable, a call of a getter or
// setter of the package that is one such op (see atomicHelperOp), or a
// getter that answers a test of one such load (IsStopped:
// return atomic.LoadInt32(&m.stopped) > 0), as a load.
func (c *checker) flagOp(call *ast.CallExpr) (atomicOp, bool) {
	info := c.pass.TypesInfo
	if o, ok := atomicStep(info, call); ok {
		return o, true
	}
	if o, ok := c.atomicHelperOp(call); ok {
		return o, true
	}
	d, recv, x, ok := c.packageMethod(call)
	if !ok || len(d.Body.List) != 1 {
		return atomicOp{}, false
	}
	ret, isRet := d.Body.List[0].(*ast.ReturnStmt)
	if !isRet || len(ret.Results) != 1 {
		return atomicOp{}, false
	}
	var loads []atomicOp
	ast.Inspect(ret.Results[0], func(n ast.Node) bool {
		if inner, isCall := n.(*ast.CallExpr); isCall {
			if o, ok := atomicStep(info, inner); ok && o.kind == atomicLoad {
				loads = append(loads, o)
			}
		}
		return true
	})
	if len(loads) != 1 {
		return atomicOp{}, false
	}
	v, ok := rebase(info, loads[0].v, recv, x)
	if !ok {
		return atomicOp{}, false
	}
	return atomicOp{call: call, x: call, kind: atomicLoad, v: v}, true
}

// fieldVar returns the field e selects, or nil.
func fieldVar(info *types.Info, e ast.Expr) *types.Var {
	sel, isSel := astq.Unparen(e).(*ast.SelectorExpr)
	if !isSel {
		return nil
	}
	if v, isVar := info.ObjectOf(sel.Sel).(*types.Var); isVar && v.IsField() {
		return v
	}
	return nil
}

// chanField returns the channel field e selects, or nil.
func chanField(info *types.Info, e ast.Expr) *types.Var {
	v := fieldVar(info, e)
	if v == nil {
		return nil
	}
	if _, isChan := v.Type().Underlying().(*types.Chan); !isChan {
		return nil
	}
	return v
}

// lockedCopy returns the field a local of f named by id was assigned, once,
// with a lock held, a read lock too (closed := s.closed between
// s.mu.Lock() and s.mu.Unlock()), or nil.
func (c *checker) lockedCopy(f *fn, id *ast.Ident) ast.Expr {
	info := c.pass.TypesInfo
	v := c.localVar(f, id)
	if v == nil {
		return nil
	}
	def := astq.Unparen(c.onlyAssignment(f, v))
	if def == nil || !fieldPathExpr(info, def) || fieldVar(info, def) == nil {
		return nil
	}
	g := c.graph(f)
	for _, b := range g.cfg.Blocks {
		for i, n := range b.Nodes {
			if a, isAssign := n.(*ast.AssignStmt); isAssign && containsNode(a, def) {
				if len(g.anyHeldAt(c.locks, site{block: b, index: i})) > 0 {
					return def
				}
				return nil
			}
		}
	}
	return nil
}

// waitGroupAdd returns the sync.WaitGroup field a call adds to (x.wg.Add(1),
// x.wg.Go(f)), or nil; an Add of a negative constant is a Done.
func waitGroupAdd(info *types.Info, call *ast.CallExpr) *types.Var {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok {
		return nil
	}
	switch fn.FullName() {
	case "(*sync.WaitGroup).Add":
		if v := info.Types[call.Args[0]].Value; v != nil && constant.Sign(v) <= 0 {
			return nil
		}
	case "(*sync.WaitGroup).Go":
	default:
		return nil
	}
	sel, isSel := astq.Unparen(call.Fun).(*ast.SelectorExpr)
	if !isSel {
		return nil
	}
	return fieldVar(info, sel.X)
}

// waitGroupWait returns the sync.WaitGroup field a call waits on
// (x.wg.Wait()), or nil.
func waitGroupWait(info *types.Info, call *ast.CallExpr) *types.Var {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	sel, isSel := astq.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || !isSel || fn.FullName() != "(*sync.WaitGroup).Wait" {
		return nil
	}
	return fieldVar(info, sel.X)
}

// closerSetting returns a function of the package that writes the flag
// field atomically and, after that, closes the channel field (or waits on
// the WaitGroup field target is), and the close (or the wait); or nil.
func (c *checker) closerSetting(target, flag *types.Var) (*ast.FuncDecl, *ast.CallExpr) {
	info := c.pass.TypesInfo
	for _, d := range c.sortedDecls() {
		if d.Body == nil || testFile(c.pass, d.Pos()) {
			continue
		}
		var set ast.Node
		var closeCall *ast.CallExpr
		ast.Inspect(d.Body, func(n ast.Node) bool {
			// A plain field set to a constant (l.closed = true, under
			// the closer's lock) sets a flag a locking getter reads.
			if a, isAssign := n.(*ast.AssignStmt); isAssign && len(a.Lhs) == 1 && len(a.Rhs) == 1 && fieldVar(info, a.Lhs[0]) == flag && info.Types[a.Rhs[0]].Value != nil {
				set = a
			}
			call, isCall := n.(*ast.CallExpr)
			if !isCall || closeCall != nil {
				return closeCall == nil
			}
			if isClose(info, call) {
				if set != nil && chanField(info, call.Args[0]) == target {
					closeCall = call
				}
				return true
			}
			if set != nil && waitGroupWait(info, call) == target {
				closeCall = call
				return true
			}
			if o, ok := c.flagOp(call); ok && o.kind != atomicLoad && fieldVar(info, o.v) == flag {
				set = call
			}
			return true
		})
		if closeCall != nil {
			return d, closeCall
		}
	}
	return nil, nil
}

// keepsOpen returns, for an if with no else whose body only appends its
// subject to a local list (if !s.closed { targets = append(targets, s) }),
// the list and the subject; or nil.
func (c *checker) keepsOpen(f *fn, ifs *ast.IfStmt) (types.Object, ast.Expr) {
	info := c.pass.TypesInfo
	if ifs.Else != nil || ifs.Init != nil || len(ifs.Body.List) != 1 {
		return nil, nil
	}
	a, isAssign := ifs.Body.List[0].(*ast.AssignStmt)
	if !isAssign || len(a.Lhs) != 1 || len(a.Rhs) != 1 {
		return nil, nil
	}
	call, isCall := astq.Unparen(a.Rhs[0]).(*ast.CallExpr)
	if !isCall || len(call.Args) != 2 || call.Ellipsis.IsValid() || !builtinCall(info, call, "append") || !astq.Same(info, call.Args[0], a.Lhs[0]) {
		return nil, nil
	}
	list := c.localVar(f, a.Lhs[0])
	if list == nil {
		return nil, nil
	}
	return list, call.Args[1]
}

// rangedOver reports whether ch is a field of a range statement's value
// over the local list (for _, s := range targets { s.ch <- ev }).
func (c *checker) rangedOver(f *fn, ch ast.Expr, list types.Object) bool {
	info := c.pass.TypesInfo
	sel, isSel := astq.Unparen(ch).(*ast.SelectorExpr)
	if !isSel {
		return false
	}
	elem := astq.Ident(sel.X)
	if elem == nil || info.Uses[elem] == nil {
		return false
	}
	found := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		if r, isRange := n.(*ast.RangeStmt); isRange && r.Value != nil {
			if id := astq.Ident(r.Value); id != nil && info.Defs[id] == info.Uses[elem] {
				x := astq.Ident(r.X)
				found = x != nil && info.Uses[x] == list
			}
		}
		return !found
	})
	return found
}

// skipsTurn reports whether an if's body ends the loop's turn (continue).
func skipsTurn(ifs *ast.IfStmt) bool {
	if len(ifs.Body.List) == 0 {
		return false
	}
	br, ok := ifs.Body.List[len(ifs.Body.List)-1].(*ast.BranchStmt)
	return ok && br.Tok == token.CONTINUE && br.Label == nil
}

// sendingHelper returns, for a call of a method of the package that takes
// no lock, makes no CompareAndSwap or Swap, closes nothing, and sends on a
// channel field of its receiver (s.deliver(m), whose body is select {
// case s.msgs <- m: … default: … }), that channel in the caller's terms;
// or nil.
func (c *checker) sendingHelper(call *ast.CallExpr) ast.Expr {
	info := c.pass.TypesInfo
	d, recv, x, ok := c.packageMethod(call)
	if !ok || recv == nil {
		return nil
	}
	var ch ast.Expr
	locks := false // or decides, or closes
	ast.Inspect(d.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if _, acquire, isLock := c.locks.call(n); isLock && acquire {
				locks = true
			}
			// A method that decides by a CompareAndSwap or a Swap, or
			// closes a channel, is a closer with its own check
			// (nats.go's Stop: if !s.closed.CompareAndSwap(0, 1) {
			// return }; close(s.done); … s.stopAfterMsgsLeft <- n).
			if o, ok := atomicStep(info, n); ok && o.kind == atomicRMW && decides(info, n) || isClose(info, n) {
				locks = true
			}
		case *ast.SendStmt:
			if chanField(info, n.Chan) != nil && ch == nil {
				if onto, ok := rebase(info, n.Chan, recv, x); ok {
					ch = onto
				}
			}
		}
		return true
	})
	if locks {
		return nil
	}
	return ch
}

// orderedOperands returns the operands of cond's comparisons by order
// with something that is not a constant (n >= max), conversions
// unwrapped (int(n.Load()) >= max).
func orderedOperands(info *types.Info, cond ast.Expr) map[ast.Expr]bool {
	out := map[ast.Expr]bool{}
	ast.Inspect(cond, func(m ast.Node) bool {
		b, isBin := m.(*ast.BinaryExpr)
		if !isBin || b.Op != token.LSS && b.Op != token.LEQ && b.Op != token.GTR && b.Op != token.GEQ {
			return true
		}
		if info.Types[b.X].Value != nil || info.Types[b.Y].Value != nil {
			return true
		}
		for _, side := range []ast.Expr{b.X, b.Y} {
			side = astq.Unparen(side)
			if conv, isCall := side.(*ast.CallExpr); isCall && len(conv.Args) == 1 && info.Types[conv.Fun].IsType() {
				side = astq.Unparen(conv.Args[0])
			}
			out[side] = true
		}
		return true
	})
	return out
}

// decides reports whether an atomic step call is a CompareAndSwap or a
// Swap (by name, CAS and CompareAndSet too): a step whose answer says who
// won, unlike an Add that counts.
func decides(info *types.Info, call *ast.CallExpr) bool {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok {
		return false
	}
	name := fn.Name()
	return strings.HasPrefix(name, "CompareAndSwap") || strings.HasPrefix(name, "Swap") || name == "CAS" || name == "CompareAndSet"
}
