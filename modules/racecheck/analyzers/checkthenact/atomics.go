package checkthenact

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/cfg"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// Check-then-act on one atomic variable: a Load, then a Store that the
// loaded value decides. Each call is atomic, the pair is not;
// CompareAndSwap is the one step that decides and writes.
//
//	if c.closed.Load() { return ErrClosed }   // two Closes both pass
//	c.closed.Store(true)
//	close(c.done)                             // and both close: a panic
//
// Reported: a Store of a constant that runs only where a branch on the
// loaded value passed, when the constant is the transition the branch
// looks for (with it loaded, the branch fails: true for !closed, nil for
// js != nil) and the passing path (not the failing one) closes a channel,
// which panics the second time. An atomic.Value's Load is read through the
// type assertion that unwraps it (v.Load().(bool)). The Load and the Store may be made by
// getters and setters of the package whose whole body is that atomic step
// (GetStatus, SetStatus). An atomic pointer found nil and then stored a
// client the function built (a type with Close) is a lazy initialisation
// whose loser is never closed, reported too. A flag set with no close
// after it, a pair under one exclusive lock, a second look under the lock
// the Store is made with, and a pair a CompareAndSwap of the same variable
// separates are not reported. On the projects measured, flag checks before other actions
// (starting a client, connecting a broker, sending an ack) guarded
// lifecycle methods called once, and values computed from the loaded one
// and stored back were estimates (moving averages, token buckets) whose
// authors accept the loss; neither is reported (docs/vet.md). One other
// action is: starting a goroutine (a go statement, or a call of a function
// of the package whose own body has one) after the Store, when the check's
// failing edge refuses with a sentinel error or one errors.New or
// fmt.Errorf makes there (return ErrMultipleStart): the second start the
// function promises to refuse runs (pion/ice#205); or, whatever the
// failing edge does, when the goroutine clears the flag before it ends
// (see clearedBy): a job the flag marks as running, which two goroutines
// that pass start twice (couchbase/sync_gateway's cache compaction). So is
// a section that a deferred store of another constant ends
// (s.busy.Store(true); defer s.busy.Store(false)), or that a later store
// or a method writing the variable ends after some work (see sectionEnd),
// where the check's failing edge refuses with an error (directly, or
// through the switch cases the stored value decides: case HalfOpen:
// return ErrOpen): the flag keeps it to one goroutine, as a half-open
// breaker's single probe, and two that pass both run it. The
// close may be made by a helper handed the channel (see closedArg).
// A try-lock answering success is reported too: the check's failing edge
// refuses with an error, the function answers a nil error at its first
// return after the store, and another function stores the other constant
// (the unlock); so
// is a start after a locking tuple setter that stores, with the flag, the
// cancel function or channel the started goroutine is stopped with (see
// handles): the second start overwrites the first's.
// Atomic wrapper types count as sync/atomic's do (see wrapperOp).

// atomicKind is what an atomic call does.
type atomicKind uint8

const (
	atomicLoad  atomicKind = iota + 1
	atomicStore            // Store
	atomicRMW              // CompareAndSwap, Swap, Add, And, Or: decides or updates in one step
)

// atomicOp is one call on an atomic variable: a method of a sync/atomic
// type (x.Load()) or a sync/atomic function handed its address
// (atomic.LoadInt32(&x)).
type atomicOp struct {
	call  *ast.CallExpr // the call; nil for a plain field's read or write
	x     ast.Expr      // the op as an expression: the call, or the field read
	kind  atomicKind
	v     ast.Expr // the variable: x
	value ast.Expr // a Store's value
	at    site
	// locked: a plain field's read or write under a lock, or a call of a
	// getter or setter of the package that locks around one (see
	// lockedflags.go).
	locked bool
	// assign: a plain field's write, c.closed = true; x is then its
	// left-hand side.
	assign *ast.AssignStmt
	// negated: a getter's load answers the variable's negation
	// (return !s.open).
	negated bool
	// start: the go statement of a setter of the package that starts a
	// goroutine right after its store (c.busy.Store(true); go c.run()).
	start *ast.GoStmt
	// test, inner: a getter of the package that answers a comparison of
	// one load with a constant (return atomic.LoadInt32(&c.stopping) ==
	// 1): the comparison and the load in it, in the getter's terms.
	test  ast.Expr
	inner *ast.CallExpr
	// handles: the other fields a locking tuple setter stores with the
	// flag that stop or end what the caller started (k.cancel, k.done),
	// in the caller's terms.
	handles []ast.Expr
}

// atomicTypes are the sync/atomic types whose methods are atomic steps.
var atomicTypes = map[string]bool{"Bool": true, "Int32": true, "Int64": true, "Uint32": true, "Uint64": true, "Uintptr": true, "Pointer": true, "Value": true}

// atomicOpOf recognises a call on an atomic variable.
func atomicOpOf(info *types.Info, call *ast.CallExpr) (atomicOp, bool) {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "sync/atomic" {
		return atomicOp{}, false
	}
	name := fn.Name()
	op := atomicOp{call: call, x: call}
	if recv := fn.Signature().Recv(); recv != nil {
		t := recv.Type()
		if p, isPtr := t.(*types.Pointer); isPtr {
			t = p.Elem()
		}
		named, isNamed := t.(*types.Named)
		sel, isSel := astq.Unparen(call.Fun).(*ast.SelectorExpr)
		if !isNamed || !atomicTypes[named.Obj().Name()] || !isSel {
			return atomicOp{}, false
		}
		op.v = sel.X
		if u, isAddr := astq.Unparen(sel.X).(*ast.UnaryExpr); isAddr && u.Op == token.AND {
			op.v = u.X
		}
		if name == "Store" && len(call.Args) == 1 {
			op.value = call.Args[0]
		}
	} else {
		if len(call.Args) == 0 {
			return atomicOp{}, false
		}
		u, isAddr := astq.Unparen(call.Args[0]).(*ast.UnaryExpr)
		if !isAddr || u.Op != token.AND {
			return atomicOp{}, false
		}
		op.v = u.X
		if strings.HasPrefix(name, "Store") && len(call.Args) == 2 {
			op.value = call.Args[1]
		}
		for _, p := range []string{"Load", "Store", "Swap", "CompareAndSwap", "Add", "And", "Or"} {
			if strings.HasPrefix(name, p) {
				name = p
				break
			}
		}
	}
	switch name {
	case "Load":
		op.kind = atomicLoad
	case "Store":
		op.kind = atomicStore
	case "Swap", "CompareAndSwap", "Add", "And", "Or":
		op.kind = atomicRMW
	default:
		return atomicOp{}, false
	}
	return op, true
}

// checkAtomics reports f's check-then-act sequences on atomic variables.
func (c *checker) checkAtomics(f *fn) {
	info := c.pass.TypesInfo
	if testFile(c.pass, f.body.Pos()) || c.callerLocked(f) || f.decl != nil && f.decl.Recv == nil && f.decl.Name.Name == "init" {
		return
	}
	var ops []atomicOp
	stores := 0
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			o, ok := atomicStep(info, n)
			if !ok {
				o, ok = c.atomicHelperOp(n)
			}
			if ok {
				ops = append(ops, o)
				if o.kind == atomicStore && o.value != nil {
					stores++
				}
			}
		}
		return true
	})
	fieldStores := c.fieldFlagStores(f)
	if stores == 0 && len(fieldStores) == 0 {
		return
	}
	g := c.graph(f)
	for i := range ops {
		ops[i].at = g.calls[ops[i].call]
	}
	if len(fieldStores) > 0 {
		ops = append(ops, c.lockedFieldOps(f, g, fieldStores)...)
	}
	for _, s := range ops {
		if s.kind != atomicStore || s.value == nil || s.at.block == nil {
			continue
		}
		for _, l := range ops {
			if l.kind != atomicLoad || l.at.block == nil || !astq.Same(info, l.v, s.v) || l.locked != s.locked {
				continue
			}
			if d, ok := c.atomicPair(f, g, l, s, ops); ok {
				rule := ruleAtomicFlag
				if s.locked {
					rule = ruleLockedFlag
				}
				c.emit(rule, d)
				break
			}
		}
	}
}

// wonBetween reports whether a CompareAndSwap after the Load l decides a
// branch whose losing edge cannot reach the store (reachS: the blocks
// that reach it without passing l again): if !x.CompareAndSwap(…) {
// return } or if x.CompareAndSwap(…) { …store… }.
func (c *checker) wonBetween(g *graph, bt between, ops []atomicOp, reachS map[*cfg.Block]bool, l atomicOp) bool {
	for _, o := range ops {
		if o.kind != atomicRMW || o.call == nil || o.at.block == nil || !bt.blocks[o.at.block] || o.at.block == l.at.block && o.at.index < l.at.index {
			continue
		}
		callee := typeutil.Callee(c.pass.TypesInfo, o.call)
		if callee == nil || !strings.HasPrefix(callee.Name(), "CompareAndSwap") {
			continue
		}
		b := o.at.block
		cond, _, isCond := g.cond(b)
		e, isExpr := cond.(ast.Expr)
		if !isCond || !isExpr || len(b.Succs) != 2 {
			continue
		}
		lost := b.Succs[1]
		if u, isNot := astq.Unparen(e).(*ast.UnaryExpr); isNot && u.Op == token.NOT && astq.Unparen(u.X) == o.call {
			lost = b.Succs[0]
		} else if astq.Unparen(e) != o.call {
			continue
		}
		if !reachS[lost] {
			return true
		}
	}
	return false
}

// atomicPair judges a Load l and a later Store s of the same variable:
// reported when s stores the constant a branch on the loaded value looks
// for, runs only where that branch passed, and the passing path (not the
// failing one) closes a shared channel; or, for a lazy initialisation
// (see lazyInit), when s runs only where the Load found nil.
func (c *checker) atomicPair(f *fn, g *graph, l, s atomicOp, ops []atomicOp) (analysis.Diagnostic, bool) {
	info := c.pass.TypesInfo
	// lazy: a lazy initialisation, the Store of an object built on the
	// path where the Load found nil (see lazyInit).
	lazy := false
	if tv := info.Types[s.value]; tv.Value == nil && !tv.IsNil() {
		if lazy = c.lazyInit(f, l, s); !lazy {
			return analysis.Diagnostic{}, false
		}
	}
	bt, ok := g.between(l.at, s.at)
	if !ok || l.at == s.at {
		return analysis.Diagnostic{}, false
	}
	for key := range g.heldAt(c.locks, l.at) {
		if !bt.released(c.locks, key) {
			return analysis.Diagnostic{}, false
		}
	}
	// A step that decides or updates the variable atomically between them.
	for _, o := range ops {
		if o.kind == atomicRMW && astq.Same(info, o.v, s.v) && bt.blocks[o.at.block] && (o.at.block != l.at.block || l.at.index <= o.at.index) && (o.at.block != s.at.block || o.at.index <= s.at.index) {
			return analysis.Diagnostic{}, false
		}
	}
	// The store reached only by winning a CompareAndSwap of another
	// variable between them: one goroutine gets past it, and the losers
	// go elsewhere (nutsdb's StatusManager.Close claims closing, then
	// stores closed and closes the channel once).
	reachS := g.backward(s.at.block, l.at.block)
	if c.wonBetween(g, bt, ops, reachS, l) {
		return analysis.Diagnostic{}, false
	}
	start := taintState{}
	var loadedVar types.Object // v of v := x.Load(), or of v, ok := x.Load().(bool) on an atomic.Value
	if a, isAssign := l.at.block.Nodes[l.at.index].(*ast.AssignStmt); isAssign && (len(a.Lhs) == 1 || len(a.Lhs) == 2 && isTypeAssert(a.Rhs[0])) && len(a.Rhs) == 1 && containsNode(a.Rhs[0], l.x) {
		if id := astq.Ident(a.Lhs[0]); id != nil && id.Name != "_" {
			start[info.ObjectOf(id)] = fromValue
			if asserted(a.Rhs[0]) == l.x {
				loadedVar = info.ObjectOf(id)
			}
		}
	}
	loaded := func(e ast.Expr) bool {
		id := astq.Ident(e)
		return asserted(e) == l.x || id != nil && loadedVar != nil && info.ObjectOf(id) == loadedVar
	}
	// What the check's load answers once the store is made: the stored
	// value, or, for a getter answering a comparison of its load, that
	// comparison's truth with the stored value loaded.
	loadedValue := info.Types[s.value]
	if l.test != nil {
		t, known := evalWith(info, l.test, func(e ast.Expr) bool { return asserted(e) == l.inner }, loadedValue, false)
		if !known {
			return analysis.Diagnostic{}, false
		}
		loadedValue = types.TypeAndValue{Type: types.Typ[types.Bool], Value: constant.MakeBool(t)}
	}
	atStore := g.heldAt(c.locks, s.at)
	in := g.flow(info, l.at, start)
	// The branches on the loaded value with one edge away from s: the
	// path that passes them is the one s and its action are on.
	passed := map[*cfg.Block]bool{}
	guarded := false
	refuses := false      // the check's failing edge returns an error: a second start is refused
	refusesFalse := false // the check's failing edge answers false: a second claim is refused
	for b := range bt.blocks {
		e, isExpr := g.caseCond(b)
		if !isExpr || b == s.at.block || len(b.Succs) != 2 {
			continue
		}
		bst := g.transferTaint(info, b.Nodes, in[b])
		if b == l.at.block {
			bst = g.transferTaint(info, b.Nodes[l.at.index+1:], start)
		}
		isCheck := bst.roles(info, e)&fromValue != 0 || containsNode(e, l.x)
		if away := !reachS[b.Succs[0]] || !reachS[b.Succs[1]]; away && !isCheck && len(intersect(atStore, g.heldAt(c.locks, site{b, len(b.Nodes)}))) > 0 {
			// A second look, under the lock the store is made with,
			// that can keep the store from running (nats-server's
			// filestore stop: fs.closing under fs.mu). The check
			// itself may be made under that lock too, released before
			// the store.
			return analysis.Diagnostic{}, false
		}
		if !isCheck {
			continue
		}
		pass, fail := b.Succs[0], b.Succs[1]
		if !reachS[pass] {
			pass, fail = fail, pass
		}
		if !reachS[pass] || reachS[fail] && fail != l.at.block {
			continue
		}
		// The store must be the transition the check looks for: with
		// the stored value loaded, the check fails. A lazy
		// initialisation's check passes where the Load found nil.
		if lazy {
			if truth, known := nilTest(info, e, loaded); !known || (truth && b.Succs[0] != pass) || (!truth && b.Succs[1] != pass) {
				continue
			}
		} else if truth, known := evalWith(info, e, loaded, loadedValue, l.negated); !known || (truth && b.Succs[0] != fail) || (!truth && b.Succs[1] != fail) {
			continue
		}
		guarded = true
		if g.refusedOn(info, fail, func(e ast.Expr) (bool, bool) { return evalWith(info, e, loaded, loadedValue, l.negated) }) {
			refuses = true
		}
		if g.refusesFalse(info, fail) {
			refusesFalse = true
		}
		failing := g.forward(fail, nil)
		failing[fail] = true
		passing := g.forward(pass, nil)
		passing[pass] = true
		for blk := range passing {
			if !failing[blk] {
				passed[blk] = true
			}
		}
	}
	if !guarded {
		return analysis.Diagnostic{}, false
	}
	if lazy {
		v := render(c.pass.Fset, s.value)
		return analysis.Diagnostic{
			Pos: s.x.Pos(), End: s.x.End(),
			Message: fmt.Sprintf("%s after %s on line %d runs only when the check found nil, but is not atomic with it: another goroutine can find nil and store its own in between, and the one overwritten is never closed; use CompareAndSwap(nil, %s), and close %s and load the winner when it fails",
				render(c.pass.Fset, s.x), render(c.pass.Fset, l.x), c.pass.Fset.Position(l.x.Pos()).Line, v, strings.TrimPrefix(v, "&")),
			Related: []analysis.RelatedInformation{{Pos: l.x.Pos(), End: l.x.End(), Message: "the check"}},
		}, true
	}
	act := c.closeOnPath(f, g, passed)
	actText := "" // how act is named, when not by its source
	consequence := "both go on to %s on line %d"
	if act == nil && refuses {
		// A start the function refuses to make twice (it answers an
		// error when the flag is set), made by starting goroutines:
		// two goroutines that both pass start them twice, and neither
		// gets the error (pion/ice#205, haveStarted before the
		// agent's routines).
		act, _ = c.startOnPath(g, passed, s)
		consequence = "both go on to start goroutines (%s on line %d), where the second should have been refused"
	}
	if act == nil {
		// A start in a method documented as safe for concurrent use:
		// two callers at once are what the documentation allows.
		if doc := c.concurrentDoc(f); doc != "" {
			if act, _ = c.startOnPath(g, passed, s); act != nil {
				consequence = "both go on to start goroutines (%s on line %d), where its documentation allows two callers at once: " + quoteDoc(doc)
			}
		}
	}
	if act == nil {
		// A job the flag marks as running, started on the passing path,
		// that clears the flag when it ends: the check is made each
		// time the job could be wanted, not once, and two goroutines
		// that both pass run two jobs at once (couchbase/sync_gateway's
		// channel cache compaction, CBG-763).
		start, st := c.startOnPath(g, passed, s)
		if s.start != nil {
			start, st = s.call, s.start
		}
		cleared, assigned := false, false
		if st != nil {
			cleared, assigned = c.clearedBy(st, s)
		}
		if cleared {
			act = start
			job := shortRender(c.pass.Fset, st.Call)
			if _, isLit := astq.Unparen(st.Call.Fun).(*ast.FuncLit); isLit {
				job = "a function literal"
			}
			switch {
			case start == st.Call:
				actText = job
				consequence = "both go on to start %s on line %d"
			case s.start != nil:
				consequence = "both go on to start " + job + " in %s on line %d"
			default:
				consequence = "both go on to start " + job + " through %s on line %d"
			}
			if assigned {
				consequence += ", which moves " + render(c.pass.Fset, s.v) + " on itself: two run at once"
			} else {
				consequence += ", which clears " + render(c.pass.Fset, s.v) + " when it ends: two run at once"
			}
		}
	}
	if act == nil && refuses {
		// A section the flag marks as running and a deferred store
		// ends, where a second caller is refused with an error (a
		// half-open breaker's single probe): two goroutines that both
		// pass both run it, and neither is refused.
		if d := c.deferredClear(f, s); d != nil {
			act = d
			consequence = "both run the section the deferred %s on line %d ends, where the check should have refused the second"
		} else if end := c.sectionEnd(g, s); end != nil {
			act = end
			consequence = "both run the section %s on line %d ends, where the check should have refused the second"
		}
	}
	if act == nil && len(s.handles) > 0 {
		// A start whose stop the store keeps (a keeper's setRunning
		// storing the state with the cancel function and done channel
		// of the loop the function starts): two goroutines that both
		// pass start two, and the second store overwrites what the
		// first's would be stopped with.
		if act, _ = c.startOnPath(g, passed, s); act != nil {
			hs := make([]string, len(s.handles))
			for i, h := range s.handles {
				hs[i] = render(c.pass.Fset, h)
			}
			consequence = "both go on to start goroutines (%s on line %d), and the second overwrites " + strings.Join(hs, " and ") + ", which the first's would be stopped with"
		}
	}
	if act == nil && refuses && s.call != nil {
		// A try-lock answering success: the check refuses with an error
		// where the flag is held, the store takes it, the function
		// answers a nil error, and another function of the package
		// stores the other value (the unlock): two callers that both
		// found it free both hold it (a connection's busy flag, two
		// queries interleaved on one wire).
		if ret := c.nilErrorReturnAfter(f, s.call); ret != nil && c.releasedElsewhere(f, s) {
			act, actText = ret.Results[len(ret.Results)-1], "nil"
			consequence = "both store it and both answer %s (line %d), where the check should have refused the second"
		}
	}
	if act == nil && refusesFalse && !s.locked {
		// A move to the state the check refuses with false, after which
		// the function answers true (a half-open breaker's Allow
		// admitting its single probe): two goroutines that both pass
		// both move it, and both are told they are the one.
		if ret := c.trueReturnAfter(f, s.call); ret != nil {
			act, actText = ret.Results[len(ret.Results)-1], shortRender(c.pass.Fset, ret.Results[len(ret.Results)-1])
			consequence = "both store it and both answer %s (line %d), where the check should have answered the second false"
		}
	}
	if act == nil {
		return analysis.Diagnostic{}, false
	}
	if actText == "" {
		actText = shortRender(c.pass.Fset, act)
	}
	fix := "CompareAndSwap, and go on only when it succeeds"
	var at ast.Node = s.x
	what := render(c.pass.Fset, s.x)
	if s.assign != nil {
		at, what = s.assign, what+" = "+render(c.pass.Fset, s.value)
	}
	if s.locked {
		fix = "one lock held from the check to the store"
	}
	return analysis.Diagnostic{
		Pos: at.Pos(), End: at.End(),
		Message: fmt.Sprintf("%s after %s on line %d runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and "+consequence+"; use %s",
			what, render(c.pass.Fset, l.x), c.pass.Fset.Position(l.x.Pos()).Line, actText, c.pass.Fset.Position(act.Pos()).Line, fix),
		Related: []analysis.RelatedInformation{{Pos: l.x.Pos(), End: l.x.End(), Message: "the check"}},
	}, true
}

// deferredClear returns the call of a defer statement of f, after the
// store s, that stores into s's variable a constant other than the one s
// stores (s.busy.Store(true); defer s.busy.Store(false)); nil when there
// is none.
func (c *checker) deferredClear(f *fn, s atomicOp) *ast.CallExpr {
	info := c.pass.TypesInfo
	set := info.Types[s.value].Value
	if set == nil {
		return nil
	}
	var found *ast.CallExpr
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit || found != nil {
			return false
		}
		d, isDefer := n.(*ast.DeferStmt)
		if !isDefer || d.Pos() < s.x.End() {
			return true
		}
		o, ok := atomicStep(info, d.Call)
		if !ok {
			o, ok = c.atomicHelperOp(d.Call)
		}
		if ok && o.kind == atomicStore && o.value != nil && astq.Same(info, o.v, s.v) {
			if v := info.Types[o.value].Value; v != nil && !constant.Compare(v, token.EQL, set) {
				found = d.Call
			}
		}
		return true
	})
	return found
}

// sectionEnd returns a call, on a path from the store s, that sets s's
// variable again once some work has run between them: a setter or
// an atomic step storing another constant (b.SetState(Closed) after fn()),
// or a method of the package that writes the field under its lock (a
// breaker's onResult, deciding the next state). The flag then marks the
// work as running, as a deferred clear does (see deferredClear); nil when
// there is none.
func (c *checker) sectionEnd(g *graph, s atomicOp) *ast.CallExpr {
	info := c.pass.TypesInfo
	set := info.Types[s.value].Value
	field := fieldOf(info, s.v)
	if set == nil {
		return nil
	}
	var calls []*ast.CallExpr
	after := g.forward(s.at.block, nil)
	after[s.at.block] = true
	for b := range after {
		for _, n := range b.Nodes {
			ast.Inspect(n, func(m ast.Node) bool {
				if _, isLit := m.(*ast.FuncLit); isLit {
					return false
				}
				if call, ok := m.(*ast.CallExpr); ok && call.Pos() > s.x.End() {
					calls = append(calls, call)
				}
				return true
			})
		}
	}
	sort.Slice(calls, func(i, j int) bool { return calls[i].Pos() < calls[j].Pos() })
	worked := false
	for _, call := range calls {
		o, ok := atomicStep(info, call)
		if !ok {
			o, ok = c.atomicHelperOp(call)
		}
		if !ok {
			o, ok = c.lockedAccessor(call)
		}
		if ok && o.kind == atomicStore && o.value != nil && astq.Same(info, o.v, s.v) {
			if v := info.Types[o.value].Value; worked && v != nil && !constant.Compare(v, token.EQL, set) {
				return call
			}
			continue
		}
		if d, _, _, isMethod := c.packageMethod(call); isMethod && field != nil && worked {
			if hf := c.funcs[d]; hf != nil && c.writesField(hf, field) {
				return call
			}
		}
		if _, _, isLock := c.locks.call(call); !isLock && !isLogging(info, call) {
			worked = true
		}
	}
	return nil
}

// shortRender renders e on one line, a call's arguments elided when
// they would make it long: s.startGoRoutine(…).
func shortRender(fset *token.FileSet, e ast.Expr) string {
	text := render(fset, e)
	if call, ok := e.(*ast.CallExpr); ok && (len(text) > 60 || strings.Contains(text, "\n")) {
		return render(fset, call.Fun) + "(…)"
	}
	return text
}

// containsNode reports whether n lies inside e.
func containsNode(e ast.Node, n ast.Node) bool {
	return e.Pos() <= n.Pos() && n.End() <= e.End()
}

// closeOnPath returns the first close, in the source, in the blocks
// passed, of a channel held in a field or a package variable: the action a
// second goroutine past the check repeats with a panic. The close may be
// made by a function of the package handed the channel, or by a function
// literal a package variable holds (var closeStopCh = func(ch chan
// struct{}) { close(ch) }), when its body closes the parameter. Nil when
// there is none.
func (c *checker) closeOnPath(f *fn, g *graph, passed map[*cfg.Block]bool) ast.Expr {
	info := c.pass.TypesInfo
	var found ast.Expr
	for _, b := range g.cfg.Blocks {
		if !passed[b] {
			continue
		}
		for _, n := range b.Nodes {
			ast.Inspect(n, func(n ast.Node) bool {
				if _, isLit := n.(*ast.FuncLit); isLit {
					return false
				}
				call, isCall := n.(*ast.CallExpr)
				if !isCall || found != nil && call.Pos() >= found.Pos() {
					return true
				}
				ch := c.closedArg(call)
				if ch == nil {
					return true
				}
				// A channel every goroutine reaches the same way (a field,
				// a package variable, or a local of the enclosing function
				// a literal captures, assigned once), not a local one may
				// have taken and cleared under a lock (nats-server's
				// shutdownJetStream closes the qch it swapped out of the
				// cluster state).
				if id := astq.Ident(ch); id != nil {
					if v, isVar := info.ObjectOf(id).(*types.Var); !isVar || v.Parent() != v.Pkg().Scope() && !capturedOnce(info, f, v) {
						return true
					}
				}
				found = call
				return true
			})
		}
	}
	return found
}

// capturedOnce reports whether v is a local of a function enclosing the
// literal f, which f captures, assigned only where it is declared (quit :=
// make(chan struct{}), closed by a stop literal that a signal goroutine and
// an HTTP handler both call), in literals too.
func capturedOnce(info *types.Info, f *fn, v *types.Var) bool {
	if f.parent == nil || v.Pos() >= f.body.Pos() && v.Pos() < f.body.End() {
		return false
	}
	outer := f.parent
	for outer.parent != nil {
		outer = outer.parent
	}
	if v.Pos() < outer.body.Pos() || v.Pos() >= outer.body.End() {
		return false
	}
	assigned := 0
	ast.Inspect(outer.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if isObj(info, l, v) {
					assigned++
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				if info.Defs[id] == v {
					assigned++
				}
			}
		}
		return true
	})
	return assigned == 1 && !addressTaken(info, outer.body, v)
}

// closedArg returns the channel call closes: the argument of close(ch),
// or the one handed to a function of the package (or a function literal
// a package variable holds, see funcVarLit) whose body closes that
// parameter; nil when it closes none.
func (c *checker) closedArg(call *ast.CallExpr) ast.Expr {
	info := c.pass.TypesInfo
	if bi, ok := info.Uses[astq.Ident(call.Fun)].(*types.Builtin); ok {
		if bi.Name() == "close" && len(call.Args) == 1 {
			return call.Args[0]
		}
		return nil
	}
	var ftype *ast.FuncType
	var body *ast.BlockStmt
	switch callee := typeutil.Callee(info, call).(type) {
	case *types.Func:
		if d := c.declOf(callee); d != nil && d.Recv == nil {
			ftype, body = d.Type, d.Body
		}
	case *types.Var:
		if lit := c.funcVarLit(callee); lit != nil {
			ftype, body = lit.Type, lit.Body
		}
	}
	if body == nil {
		return nil
	}
	var closed ast.Expr
	ast.Inspect(body, func(n ast.Node) bool {
		inner, isCall := n.(*ast.CallExpr)
		if _, isLit := n.(*ast.FuncLit); isLit || closed != nil {
			return false
		}
		if !isCall || len(inner.Args) != 1 {
			return true
		}
		if bi, ok := info.Uses[astq.Ident(inner.Fun)].(*types.Builtin); !ok || bi.Name() != "close" {
			return true
		}
		param := info.ObjectOf(astq.Ident(inner.Args[0]))
		i := 0
		for _, field := range ftype.Params.List {
			for _, name := range field.Names {
				if info.Defs[name] == param && param != nil && i < len(call.Args) {
					closed = call.Args[i]
				}
				i++
			}
		}
		return true
	})
	return closed
}

// funcVarLit returns the function literal a package-level variable v
// holds when its declaration sets it to one and no other assignment
// outside test files sets it (tests swap such hooks); nil otherwise.
func (c *checker) funcVarLit(v *types.Var) *ast.FuncLit {
	if c.funcVars == nil {
		c.funcVars = map[*types.Var]*ast.FuncLit{}
		info := c.pass.TypesInfo
		assigned := map[types.Object]bool{}
		for _, file := range c.pass.Files {
			isTest := testFile(c.pass, file.Pos())
			ast.Inspect(file, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.ValueSpec:
					for i, name := range n.Names {
						if v, ok := info.Defs[name].(*types.Var); ok && !isTest && i < len(n.Values) && v.Parent() == v.Pkg().Scope() {
							if lit, isLit := astq.Unparen(n.Values[i]).(*ast.FuncLit); isLit {
								c.funcVars[v] = lit
							}
						}
					}
				case *ast.AssignStmt:
					for _, l := range n.Lhs {
						if id := astq.Ident(l); id != nil && !isTest {
							assigned[info.ObjectOf(id)] = true
						}
					}
				}
				return true
			})
		}
		for v := range c.funcVars {
			if assigned[v] {
				delete(c.funcVars, v)
			}
		}
	}
	return c.funcVars[v]
}

// caseCond returns the condition block b ends with, as an expression:
// its if or loop condition, or, for a case of a switch on a tag,
// tag == value (switch b.State() { case HalfOpen: … }).
func (g *graph) caseCond(b *cfg.Block) (ast.Expr, bool) {
	cond, tag, isCond := g.cond(b)
	e, isExpr := cond.(ast.Expr)
	if !isCond || !isExpr {
		return nil, false
	}
	if t, isTag := tag.(ast.Expr); isTag && t != nil {
		return &ast.BinaryExpr{X: t, OpPos: e.Pos(), Op: token.EQL, Y: e}, true
	}
	return e, true
}

// refusedOn reports whether the path from block b, taken where the check
// failed, refuses (see refusal): in b, or after the branches on the loaded
// value that eval decides (a switch whose case for the stored state
// returns ErrOpen).
func (g *graph) refusedOn(info *types.Info, b *cfg.Block, eval func(ast.Expr) (truth, known bool)) bool {
	seen := map[*cfg.Block]bool{}
	for b != nil && !seen[b] {
		seen[b] = true
		if refusal(info, b) {
			return true
		}
		switch len(b.Succs) {
		case 1:
			b = b.Succs[0]
		case 2:
			e, ok := g.caseCond(b)
			if !ok {
				return false
			}
			truth, known := eval(e)
			if !known {
				return false
			}
			if truth {
				b = b.Succs[0]
			} else {
				b = b.Succs[1]
			}
		default:
			return false
		}
	}
	return false
}

// refusal reports whether block b returns a sentinel error (a package
// variable: return ErrMultipleStart) or one made on the spot by
// errors.New or fmt.Errorf: the answer of a check that refuses.
func refusal(info *types.Info, b *cfg.Block) bool {
	for _, n := range b.Nodes {
		ret, ok := n.(*ast.ReturnStmt)
		if !ok {
			continue
		}
		for _, r := range ret.Results {
			if t := info.TypeOf(r); t == nil || !implementsError(t) {
				continue
			}
			switch e := astq.Unparen(r).(type) {
			case *ast.Ident:
				if packageVar(info.Uses[e]) {
					return true
				}
			case *ast.SelectorExpr:
				if packageVar(info.Uses[e.Sel]) {
					return true
				}
			case *ast.CallExpr:
				if fn, ok := typeutil.Callee(info, e).(*types.Func); ok && fn.Pkg() != nil &&
					(fn.Pkg().Path() == "errors" && fn.Name() == "New" || fn.Pkg().Path() == "fmt" && fn.Name() == "Errorf") {
					return true
				}
			}
		}
	}
	return false
}

// startOnPath returns the first statement, in the source, in the blocks
// passed and after the store s, that starts a goroutine: a go statement,
// or a call of a function of the package whose own body has one (see
// startsGoroutine); and that go statement. Nil when there is none.
func (c *checker) startOnPath(g *graph, passed map[*cfg.Block]bool, s atomicOp) (ast.Expr, *ast.GoStmt) {
	var found ast.Expr
	var goStmt *ast.GoStmt
	for _, b := range g.cfg.Blocks {
		if !passed[b] {
			continue
		}
		for _, n := range b.Nodes {
			if n.Pos() < s.x.End() {
				continue
			}
			ast.Inspect(n, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.FuncLit:
					return false
				case *ast.GoStmt:
					if found == nil || n.Call.Pos() < found.Pos() {
						found, goStmt = n.Call, n
					}
					return false
				case *ast.CallExpr:
					if fn := typeutil.StaticCallee(c.pass.TypesInfo, n); fn != nil && (found == nil || n.Pos() < found.Pos()) {
						if st := c.startsGoroutine(fn, 0); st != nil {
							found, goStmt = n, st
						}
					}
				}
				return true
			})
		}
	}
	return found, goStmt
}

// mirrored returns the comparison that holds with its operands swapped:
// 0 < n is n > 0.
func mirrored(op token.Token) token.Token {
	switch op {
	case token.LSS:
		return token.GTR
	case token.LEQ:
		return token.GEQ
	case token.GTR:
		return token.LSS
	case token.GEQ:
		return token.LEQ
	}
	return op
}

// evalWith evaluates cond with the loaded value (where loaded says an
// expression is it) replaced by the constant stored: !closed with true,
// state == idle with running, js == nil with nil. known is false when
// cond reads anything else that decides it.
func evalWith(info *types.Info, cond ast.Expr, loaded func(ast.Expr) bool, sv types.TypeAndValue, negated bool) (truth, known bool) {
	switch e := astq.Unparen(cond).(type) {
	case *ast.UnaryExpr:
		if e.Op == token.NOT {
			t, ok := evalWith(info, e.X, loaded, sv, negated)
			return !t, ok
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LAND, token.LOR:
			x, xok := evalWith(info, e.X, loaded, sv, negated)
			y, yok := evalWith(info, e.Y, loaded, sv, negated)
			return combineKnown(e.Op, x, xok, y, yok)
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
			x, y, op := e.X, e.Y, e.Op
			if loaded(y) {
				x, y, op = y, x, mirrored(op)
			}
			if !loaded(x) || negated {
				return false, false
			}
			other := info.Types[y]
			switch {
			case sv.IsNil() && other.IsNil() && (op == token.EQL || op == token.NEQ):
				return op == token.EQL, true
			case sv.Value != nil && other.Value != nil && sv.Value.Kind() == other.Value.Kind():
				return constant.Compare(sv.Value, op, other.Value), true
			case sv.Value != nil && other.Value != nil && isNumeric(sv.Value) && isNumeric(other.Value):
				return constant.Compare(constant.ToFloat(sv.Value), op, constant.ToFloat(other.Value)), true
			}
			return false, false
		}
	}
	if loaded(cond) && sv.Value != nil && sv.Value.Kind() == constant.Bool {
		return constant.BoolVal(sv.Value) != negated, true
	}
	return false, false
}

// combineKnown evaluates x && y (op token.LAND) or x || y (token.LOR) from
// operands whose truth may be unknown (xok, yok false): an unknown operand
// still decides nothing unless the other one does on its own.
func combineKnown(op token.Token, x, xok, y, yok bool) (truth, known bool) {
	switch {
	case xok && yok:
		if op == token.LAND {
			return x && y, true
		}
		return x || y, true
	case op == token.LAND && (xok && !x || yok && !y):
		return false, true
	case op == token.LOR && (xok && x || yok && y):
		return true, true
	}
	return false, false
}

// asserted returns e without parentheses and, for a type assertion, its
// operand: an atomic.Value's Load is read as v.Load().(bool).
func asserted(e ast.Expr) ast.Expr {
	e = astq.Unparen(e)
	if ta, ok := e.(*ast.TypeAssertExpr); ok {
		return astq.Unparen(ta.X)
	}
	return e
}

func isTypeAssert(e ast.Expr) bool {
	_, ok := astq.Unparen(e).(*ast.TypeAssertExpr)
	return ok
}

// lazyInit reports whether the Store s of an atomic pointer or value,
// after its Load l, stores a local built in f from anything but the loaded
// value (or its address) that owns something to release (a Close-like
// method, see hasReleaser; for a generic holder's *T, in one of the
// package's instantiations, see releasingInstance): a lazy initialisation
// of a client or a connection.
//
//	if c := p.client.Load(); c != nil { return c }
//	c := dial(addr)      // two goroutines that found nil both dial
//	p.client.Store(c)    // and the client stored first is never closed
//
// Only a method or function declaration counts: a literal may be what a
// sync.Once runs.
func (c *checker) lazyInit(f *fn, l, s atomicOp) bool {
	info := c.pass.TypesInfo
	if f.parent != nil || f.decl == nil || s.call == nil || s.locked || l.locked {
		return false
	}
	stored := astq.Unparen(s.value)
	if u, isAddr := stored.(*ast.UnaryExpr); isAddr && u.Op == token.AND {
		stored = astq.Unparen(u.X) // p.Store(&v), v := l.New()
	}
	id := astq.Ident(stored)
	if id == nil || id != stored {
		return false
	}
	v, ok := info.ObjectOf(id).(*types.Var)
	if !ok || v.Pos() < f.body.Pos() || v.Pos() >= f.body.End() {
		return false
	}
	t := info.TypeOf(s.value)
	if _, isPtr := t.Underlying().(*types.Pointer); !isPtr || !hasReleaser(t) && !c.releasingInstance(f, t) {
		return false
	}
	for _, rhs := range assignedFrom(info, f.body, v) {
		if containsNode(rhs, l.x) {
			return false
		}
		if _, isCall := astq.Unparen(rhs).(*ast.CallExpr); !isCall {
			if u, isAddr := astq.Unparen(rhs).(*ast.UnaryExpr); !isAddr || u.Op != token.AND {
				return false // a value handed in, not one built here
			}
		}
	}
	return true
}

// releasingInstance reports whether t, a pointer to a type parameter of
// f's generic receiver type (*T in a Lazy[T]), stands for a type that has
// something to release in one of the package's instantiations of that
// type (Lazy[*RegionClient], whose client has a Close method): the holder
// is then a lazy initialisation of a client in that instantiation.
func (c *checker) releasingInstance(f *fn, t types.Type) bool {
	ptr, isPtr := t.(*types.Pointer)
	if !isPtr {
		return false
	}
	tp, isParam := ptr.Elem().(*types.TypeParam)
	if !isParam || f.decl == nil || f.decl.Recv == nil {
		return false
	}
	obj, ok := c.pass.TypesInfo.Defs[f.decl.Name].(*types.Func)
	if !ok {
		return false
	}
	rt := obj.Signature().Recv().Type()
	if p, isPtr := rt.(*types.Pointer); isPtr {
		rt = p.Elem()
	}
	// Inside the method, the receiver's type is the generic type
	// instantiated with the method's own type parameters.
	named, isNamed := rt.(*types.Named)
	if !isNamed {
		return false
	}
	i := -1
	for j := range named.TypeArgs().Len() {
		if named.TypeArgs().At(j) == tp {
			i = j
		}
	}
	if i < 0 {
		return false
	}
	origin := named.Origin()
	for _, inst := range c.pass.TypesInfo.Instances {
		in, isNamed := inst.Type.(*types.Named)
		if isNamed && in.Origin() == origin && inst.TypeArgs.Len() > i && hasReleaser(inst.TypeArgs.At(i)) {
			return true
		}
	}
	return false
}

// nilTest evaluates cond with the loaded value nil: truth is what cond is
// then, known false when cond is not a nil test of the loaded value.
func nilTest(info *types.Info, cond ast.Expr, loaded func(ast.Expr) bool) (truth, known bool) {
	switch e := astq.Unparen(cond).(type) {
	case *ast.UnaryExpr:
		if e.Op == token.NOT {
			t, ok := nilTest(info, e.X, loaded)
			return !t, ok
		}
	case *ast.BinaryExpr:
		if e.Op != token.EQL && e.Op != token.NEQ {
			return false, false
		}
		x, y := e.X, e.Y
		if loaded(y) {
			x, y = y, x
		}
		if loaded(x) && isNil(info, y) {
			return e.Op == token.EQL, true
		}
	}
	return false, false
}

// isNumeric reports whether v is an integer or floating-point constant.
func isNumeric(v constant.Value) bool {
	return v.Kind() == constant.Int || v.Kind() == constant.Float
}

// atomicHelperOp recognises a call of a method of the package whose whole
// body is one atomic step on a field of its receiver: a getter, return
// atomic.LoadInt32(&a.state) (or an atomic.Value's Load through its type
// assertion, return l.v.Load().(*grant)), or a setter,
// atomic.StoreInt32(&a.state, s) or c.running.Set(true). A setter may
// start a goroutine right after its store (c.busy.Store(true); go
// c.compact()); the op keeps that go statement. The op is written in the
// caller's terms (a.state becomes x.state for x.GetStatus()).
func (c *checker) atomicHelperOp(call *ast.CallExpr) (atomicOp, bool) {
	info := c.pass.TypesInfo
	d, recv, x, ok := c.packageMethod(call)
	if !ok || len(d.Body.List) == 0 || len(d.Body.List) > 2 {
		return atomicOp{}, false
	}
	var start *ast.GoStmt
	if len(d.Body.List) == 2 {
		if start, ok = d.Body.List[1].(*ast.GoStmt); !ok {
			return atomicOp{}, false
		}
	}
	var inner *ast.CallExpr
	var test ast.Expr
	switch st := d.Body.List[0].(type) {
	case *ast.ReturnStmt:
		if len(st.Results) == 1 {
			r := astq.Unparen(st.Results[0])
			if ta, isAssert := r.(*ast.TypeAssertExpr); isAssert {
				r = astq.Unparen(ta.X) // return l.v.Load().(*grant)
			}
			inner, _ = r.(*ast.CallExpr)
			if inner == nil {
				inner, test = comparedLoad(info, st.Results[0])
			}
		}
	case *ast.ExprStmt:
		inner, _ = astq.Unparen(st.X).(*ast.CallExpr)
	}
	if inner == nil {
		return atomicOp{}, false
	}
	o, ok := atomicStep(info, inner)
	if !ok || o.kind == atomicRMW || start != nil && o.kind != atomicStore || test != nil && o.kind != atomicLoad {
		return atomicOp{}, false
	}
	// The variable must be a field path from the receiver: recv.f.g.
	v, ok := rebase(info, o.v, recv, x)
	if !ok {
		return atomicOp{}, false
	}
	out := atomicOp{call: call, x: call, kind: o.kind, v: v, start: start, test: test, inner: inner}
	if o.kind == atomicStore {
		if tv := info.Types[o.value]; tv.Value != nil || tv.IsNil() {
			out.value = o.value // a constant: markClosed(), startCompaction()
			return out, true
		}
		i := c.paramAt(info.Defs[d.Name].(*types.Func), o.value)
		if i < 0 || i >= len(call.Args) {
			return atomicOp{}, false
		}
		out.value = call.Args[i]
	}
	return out, true
}

// comparedLoad returns, for e a comparison of a call with a constant
// (atomic.LoadInt32(&c.stopping) == int32(1)), the call and e.
func comparedLoad(info *types.Info, e ast.Expr) (*ast.CallExpr, ast.Expr) {
	b, ok := astq.Unparen(e).(*ast.BinaryExpr)
	if !ok {
		return nil, nil
	}
	switch b.Op {
	case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
	default:
		return nil, nil
	}
	for _, pair := range [][2]ast.Expr{{b.X, b.Y}, {b.Y, b.X}} {
		if call, isCall := astq.Unparen(pair[0]).(*ast.CallExpr); isCall && info.Types[pair[1]].Value != nil {
			return call, e
		}
	}
	return nil, nil
}

// releasedElsewhere reports whether a function of the package other than
// f stores into the flag s sets, atomically, a constant other than the one
// s stores (c.busy.Store(false) in unlock).
func (c *checker) releasedElsewhere(f *fn, s atomicOp) bool {
	info := c.pass.TypesInfo
	set := info.Types[s.value].Value
	flag := fieldVar(info, s.v)
	if set == nil || flag == nil {
		return false
	}
	for _, d := range c.sortedDecls() {
		if d == f.decl || d.Body == nil || testFile(c.pass, d.Pos()) {
			continue
		}
		found := false
		ast.Inspect(d.Body, func(n ast.Node) bool {
			call, isCall := n.(*ast.CallExpr)
			if found || !isCall {
				return !found
			}
			if o, ok := atomicStep(info, call); ok && o.kind == atomicStore && fieldVar(info, o.v) == flag {
				if v := info.Types[o.value].Value; v != nil && v.Kind() == set.Kind() && !constant.Compare(v, token.EQL, set) {
					found = true
				}
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}
