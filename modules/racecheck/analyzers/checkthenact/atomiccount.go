package checkthenact

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// An atomic count kept under a bound by loading it, comparing, and adding
// afterwards. Each step is atomic, the three together are not: callers that
// load the count one below the bound all pass, and all add. bsm/redislock's
// limited retry (fixed in e6c775e6, redislock#92) allowed more retries than
// its limit so:
//
//	if r.cnt.Load() >= r.max {
//		return 0
//	}
//	r.cnt.Add(1)
//
// The fix adds first and compares what Add returns
// (if r.cnt.Add(1) > r.max { return 0 }), or loops on CompareAndSwap.
//
// Reported: an Add of a non-negative amount to an integer atomic (a
// sync/atomic Int32, Int64, Uint32 or Uint64, or atomic.AddInt64(&x, …)
// and its kin) whose result is dropped, after an if statement that
// compares a Load of the same atomic (in the condition, or a local
// assigned it) with a bound (not zero) and returns where the bound is
// reached; unless one exclusive lock is held at both, or a comment in the
// function or on it speaks of the race (grpc-go's xDS request counter:
// "during race, the limits could be exceeded. This is allowed", after
// Envoy's circuit breakers): an overshoot its author accepted.
//
// The same steps keep a floor no better: a balance loaded, compared with
// an amount, and subtracted from afterwards lets callers that all load
// enough all subtract (if atomic.LoadInt64(&b.n) < amount { return false };
// atomic.AddInt64(&b.n, -amount)). Reported too: an Add of a negative
// amount (-k, a negative constant, or ^k for an unsigned one), its result
// dropped, after an if that compares a Load of the same atomic the way
// round that holds when it is short (n < amount, n <= 0) and returns; with
// the same exceptions. A release after a check that the count is at its
// bound (if n >= max { return }; Add(-1)) is not such a check.
//
// A count tested for zero is a once-flag, and the same steps claim it no
// better: btcsuite/btcd's Peer.Connect (fixed in 5cbd1f85) and the
// sfu-ws example of pion/example-webrtc-applications (#63) did
//
//	if atomic.LoadInt32(&p.connected) != 0 {
//		return nil
//	}
//	…
//	atomic.AddInt32(&p.connected, 1)
//	return p.start()
//
// and two Connects both started the peer. Reported too: such an Add where
// a test of a Load of the same atomic found it zero (in the body of
// if n == 0, alone or joined by &&, or after if n != 0 or if n > 0, alone
// or joined by ||, whose body returns), with the same exceptions. The fix
// is CompareAndSwap(0, 1). A count refused where it is spent (n <= 0,
// n < 1) and added to where it is not (a reference count) is not a
// claim; it is reported as a revive when the package compares a lowering
// Add of the same atomic with zero to tear down what it counts (if
// s.refs.Add(-1) == 0 { s.f.Close() }): the last release can run between
// the test and the Add, which then takes a reference to something closed.
// The fix is a CompareAndSwap loop that refuses at zero.

// checkAtomicCountBounds reports f's adds to an atomic count after a
// bound check of a load of it (see above).
func (c *checker) checkAtomicCountBounds(f *fn) {
	if testFile(c.pass, f.body.Pos()) || c.callerLocked(f) {
		return
	}
	info := c.pass.TypesInfo
	type boundCheck struct {
		ifs   *ast.IfStmt
		v     ast.Expr // the atomic
		bound ast.Expr // nil: a test for zero (see zeroTests)
		// inBody: the Add counts only inside the if's body, where the
		// test held; otherwise after the if, which refuses.
		inBody bool
		// floor: the if refuses where the count is below the bound (a
		// balance short of an amount), and a subtraction follows.
		floor bool
		// alive: the if's body runs where the count is above zero
		// (n > 0, n != 0, n >= 1), and a raise there revives it.
		alive bool
	}
	loadedInto := map[types.Object]ast.Expr{} // n := x.cnt.Load()
	var checks []boundCheck
	// countAdd is an Add whose result is dropped: in place, or made by a
	// method of the package whose whole body it is (h.incRef()), v then
	// in the caller's terms.
	type countAdd struct {
		stmt           *ast.ExprStmt
		call           *ast.CallExpr // the call in place
		v              ast.Expr
		raises, lowers bool
	}
	var adds []countAdd
	var countLoad func(e ast.Expr) ast.Expr
	countLoad = func(e ast.Expr) ast.Expr {
		if id := astq.Ident(e); id != nil {
			return loadedInto[info.ObjectOf(id)]
		}
		if b, isBin := astq.Unparen(e).(*ast.BinaryExpr); isBin && b.Op == token.ADD {
			// The count with what the caller is about to add
			// (q.used.Load()+n > q.limit): compared with the bound
			// the same way.
			if v := countLoad(b.X); v != nil && countLoad(b.Y) == nil {
				return v
			}
			if v := countLoad(b.Y); v != nil && countLoad(b.X) == nil {
				return v
			}
			return nil
		}
		call, isCall := astq.Unparen(e).(*ast.CallExpr)
		if !isCall {
			return nil
		}
		if o, ok := atomicOpOf(info, call); ok && o.kind == atomicLoad && integerAtomic(info, call) {
			return o.v
		}
		return nil
	}
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			if len(n.Lhs) == 1 && len(n.Rhs) == 1 {
				if v := countLoad(n.Rhs[0]); v != nil {
					if id := astq.Ident(n.Lhs[0]); id != nil && id.Name != "_" {
						loadedInto[info.ObjectOf(id)] = v
					}
				}
			}
		case *ast.IfStmt:
			if refuses(n) {
				boundComparisons(info, n.Cond, func(x ast.Expr) bool { return countLoad(x) != nil }, func(x, bound ast.Expr) {
					checks = append(checks, boundCheck{ifs: n, v: countLoad(x), bound: bound})
				})
			}
			if refuses(n) {
				floorComparisons(info, n.Cond, func(x ast.Expr) bool { return countLoad(x) != nil }, func(x, bound ast.Expr) {
					checks = append(checks, boundCheck{ifs: n, v: countLoad(x), bound: bound, floor: true})
				})
			}
			if x, inBody, ok := zeroCountTest(info, n, func(x ast.Expr) bool { return countLoad(x) != nil }); ok {
				checks = append(checks, boundCheck{ifs: n, v: countLoad(x), inBody: inBody})
			}
			if x := aliveCountTest(info, n, func(x ast.Expr) bool { return countLoad(x) != nil }); x != nil {
				checks = append(checks, boundCheck{ifs: n, v: countLoad(x), inBody: true, alive: true})
			}
			// A method of the package answering the count compared
			// above zero (h.alive(), returning r.refs.Load() > 0), one
			// of the condition's && operands: its body's comparison,
			// its atomic in the caller's terms.
			for _, conj := range andTerms(n.Cond) {
				call, isCall := astq.Unparen(conj).(*ast.CallExpr)
				if !isCall {
					continue
				}
				if o, ok := c.atomicHelperOp(call); ok && o.test != nil && integerAtomic(info, o.inner) {
					inHelper := func(x ast.Expr) bool { return astq.Unparen(x) == ast.Expr(o.inner) }
					if aliveCountTest(info, &ast.IfStmt{Cond: o.test}, inHelper) != nil {
						checks = append(checks, boundCheck{ifs: n, v: o.v, inBody: true, alive: true})
					}
				}
			}
		case *ast.ExprStmt:
			if call, isCall := astq.Unparen(n.X).(*ast.CallExpr); isCall && atomicAdd(info, call) {
				o, _ := atomicOpOf(info, call)
				raises, lowers := countStep(info, call)
				adds = append(adds, countAdd{n, call, o.v, raises, lowers})
			} else if isCall {
				if v, inner, ok := c.addHelper(call); ok {
					raises, lowers := countStep(info, inner)
					adds = append(adds, countAdd{n, call, v, raises, lowers})
				}
			}
		}
		return true
	})
	if len(checks) == 0 || len(adds) == 0 || c.speaksOfRace(f) {
		return
	}
	g := c.graph(f)
	for _, a := range adds {
		add, call, raises, lowers := a.stmt, a.call, a.raises, a.lowers
		o := atomicOp{v: a.v}
		at, ok := nodeSite(g, add)
		if !ok {
			continue
		}
		for _, ch := range checks {
			// revive: a raise after a refusal where the count is spent
			// (n <= 0), of a count the package tears down at zero.
			revive := raises && (ch.floor && spentBound(info, ch.bound) || ch.alive)
			if ch.ifs.Pos() > add.Pos() || !astq.Same(info, ch.v, o.v) || !(ch.floor && lowers || !ch.floor && !ch.alive && raises || revive) {
				continue
			}
			if ch.inBody != (add.Pos() >= ch.ifs.Body.Pos() && add.End() <= ch.ifs.Body.End()) {
				continue
			}
			cat, _, ok := g.condBefore(ch.ifs, at)
			if !ok {
				continue
			}
			var teardown *ast.CallExpr
			if revive {
				teardown = c.zeroTeardown(o.v)
				if teardown == nil {
					continue
				}
			}
			if len(intersect(g.heldAt(c.locks, cat), g.heldAt(c.locks, at))) > 0 && (teardown == nil || c.lockedBefore(teardown)) {
				// One lock serialises them; a lock-free release is
				// not kept out by it.
				continue
			}
			v := render(c.pass.Fset, o.v)
			if revive {
				c.emit(ruleAtomicCount, analysis.Diagnostic{
					Pos: call.Pos(), End: call.End(),
					Message: fmt.Sprintf("%s after the test on line %d found %s above zero is not atomic with it: the last release can take it to zero in between and tear down what it counts (%s, line %d), and this Add then revives a released count; raise it with a CompareAndSwap loop that refuses at zero",
						render(c.pass.Fset, call), c.pass.Fset.Position(ch.ifs.Pos()).Line, v, shortRender(c.pass.Fset, teardown), c.pass.Fset.Position(teardown.Pos()).Line),
					Related: []analysis.RelatedInformation{{Pos: ch.ifs.Cond.Pos(), End: ch.ifs.Cond.End(), Message: "the test"}},
				})
				break
			}
			if ch.floor {
				c.emit(ruleAtomicCount, analysis.Diagnostic{
					Pos: call.Pos(), End: call.End(),
					Message: fmt.Sprintf("%s after the check of %s against %s on line %d is not atomic with it: callers that all load enough pass the check together, and all subtract, taking it below what the check allows; subtract first and compare what Add returns (adding back on failure), or loop on CompareAndSwap",
						render(c.pass.Fset, call), v, render(c.pass.Fset, ch.bound), c.pass.Fset.Position(ch.ifs.Pos()).Line),
					Related: []analysis.RelatedInformation{{Pos: ch.ifs.Cond.Pos(), End: ch.ifs.Cond.End(), Message: "the check"}},
				})
				break
			}
			if ch.bound == nil {
				c.emit(ruleAtomicCount, analysis.Diagnostic{
					Pos: call.Pos(), End: call.End(),
					Message: fmt.Sprintf("%s after the test on line %d found %s zero is not atomic with it: callers that all load it at zero all pass the test and all add, each going on as the first; claim it with CompareAndSwap(0, 1) and go on only when that succeeds",
						render(c.pass.Fset, call), c.pass.Fset.Position(ch.ifs.Pos()).Line, v),
					Related: []analysis.RelatedInformation{{Pos: ch.ifs.Cond.Pos(), End: ch.ifs.Cond.End(), Message: "the test for zero"}},
				})
				break
			}
			c.emit(ruleAtomicCount, analysis.Diagnostic{
				Pos: call.Pos(), End: call.End(),
				Message: fmt.Sprintf("%s after the bound check on line %d is not atomic with it: callers that load %s below %s all pass the check, and all add; add first and compare what Add returns, or loop on CompareAndSwap",
					render(c.pass.Fset, call), c.pass.Fset.Position(ch.ifs.Pos()).Line, v, render(c.pass.Fset, ch.bound)),
				Related: []analysis.RelatedInformation{{Pos: ch.ifs.Cond.Pos(), End: ch.ifs.Cond.End(), Message: "the bound check"}},
			})
			break
		}
	}
}

// addHelper returns, for a call of a method of the package whose whole
// body is one Add to an integer atomic on a field path of its receiver,
// its result dropped (func (r *refCounter) incRef() { r.refs.Add(1) }),
// the atomic in the caller's terms and the Add.
func (c *checker) addHelper(call *ast.CallExpr) (v ast.Expr, inner *ast.CallExpr, ok bool) {
	info := c.pass.TypesInfo
	d, recv, x, isMethod := c.packageMethod(call)
	if !isMethod || len(d.Body.List) != 1 {
		return nil, nil, false
	}
	es, isExpr := d.Body.List[0].(*ast.ExprStmt)
	if !isExpr {
		return nil, nil, false
	}
	inner, isCall := astq.Unparen(es.X).(*ast.CallExpr)
	if !isCall || !atomicAdd(info, inner) {
		return nil, nil, false
	}
	o, _ := atomicOpOf(info, inner)
	v, ok = rebase(info, o.v, recv, x)
	return v, inner, ok
}

// zeroCountTest reports whether the condition of ifs tests a count (an
// expression isCount accepts) for zero so that the count is zero where the
// if lets an Add run: count == 0 (alone or in a chain of &&), for the body
// (inBody), or count != 0 or count > 0 (alone or in a chain of ||) in an if
// whose body refuses, for what follows it.
func zeroCountTest(info *types.Info, ifs *ast.IfStmt, isCount func(ast.Expr) bool) (count ast.Expr, inBody, ok bool) {
	isZero := func(e ast.Expr) bool {
		v := info.Types[e].Value
		return v != nil && v.Kind() == constant.Int && constant.Sign(v) == 0
	}
	var terms func(e ast.Expr, chain token.Token) []*ast.BinaryExpr
	terms = func(e ast.Expr, chain token.Token) []*ast.BinaryExpr {
		b, isBin := astq.Unparen(e).(*ast.BinaryExpr)
		if !isBin {
			return nil
		}
		if b.Op == chain {
			return append(terms(b.X, chain), terms(b.Y, chain)...)
		}
		return []*ast.BinaryExpr{b}
	}
	match := func(chain token.Token, ops ...token.Token) ast.Expr {
		for _, b := range terms(ifs.Cond, chain) {
			for _, side := range [][2]ast.Expr{{b.X, b.Y}, {b.Y, b.X}} {
				op := b.Op
				if side[0] == b.Y { // 0 < n reads n > 0
					op = mirrored(op)
				}
				if slices.Contains(ops, op) && isZero(side[1]) && isCount(side[0]) {
					return side[0]
				}
			}
		}
		return nil
	}
	if x := match(token.LAND, token.EQL); x != nil {
		return x, true, true
	}
	if refuses(ifs) {
		if x := match(token.LOR, token.NEQ, token.GTR); x != nil {
			return x, false, true
		}
	}
	return nil, false, false
}

// integerAtomic reports whether call, an op on a sync/atomic variable,
// answers an integer count: Load or Add of an Int32, Int64, Uint32 or
// Uint64, or their function forms (LoadInt64, AddUint32); not a Uintptr.
func integerAtomic(info *types.Info, call *ast.CallExpr) bool {
	b, isBasic := info.TypeOf(call).Underlying().(*types.Basic)
	return isBasic && b.Info()&types.IsInteger != 0 && b.Kind() != types.Uintptr
}

// An Add to an integer atomic whose result is dropped, followed by a Load
// of it compared with a constant to decide an action: the Add's result is
// the goroutine's own step, the Load sees every goroutine's. Two that both
// add before either loads both see the final value, and both act (or, on
// other interleavings, neither). acronis/go-appkit's CompositeUnit (fixed
// in 301a8644, go-appkit#35) decided which unit was the last to finish so:
//
//	atomic.AddInt32(&runningUnits, -1)
//	…
//	if atomic.LoadInt32(&runningUnits) == 0 {
//		done <- true
//
// The fix compares what AddInt32 returns. Reported: the comparison, when
// the Add runs before it on some path of the same function, with no
// exclusive lock held at both.

// checkAddThenLoad reports loads of an atomic compared with a constant
// after an Add to it whose result was dropped (see above).
func (c *checker) checkAddThenLoad(f *fn) {
	if testFile(c.pass, f.body.Pos()) || c.callerLocked(f) {
		return
	}
	info := c.pass.TypesInfo
	var adds []*ast.ExprStmt
	type decision struct {
		ifs  *ast.IfStmt
		cmp  *ast.BinaryExpr
		load atomicOp
	}
	var decisions []decision
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ExprStmt:
			if call, isCall := astq.Unparen(n.X).(*ast.CallExpr); isCall && atomicAdd(info, call) {
				adds = append(adds, n)
			}
		case *ast.IfStmt:
			ast.Inspect(n.Cond, func(m ast.Node) bool {
				b, ok := m.(*ast.BinaryExpr)
				if !ok || b.Op.Precedence() != token.EQL.Precedence() { // not a comparison
					return true
				}
				for _, side := range [][2]ast.Expr{{b.X, b.Y}, {b.Y, b.X}} {
					call, isCall := astq.Unparen(side[0]).(*ast.CallExpr)
					if !isCall || info.Types[side[1]].Value == nil {
						continue
					}
					if o, ok := atomicOpOf(info, call); ok && o.kind == atomicLoad && integerAtomic(info, call) {
						decisions = append(decisions, decision{n, b, o})
					}
				}
				return true
			})
		}
		return true
	})
	if len(adds) == 0 || len(decisions) == 0 {
		return
	}
	g := c.graph(f)
	for _, d := range decisions {
		dat, ok := nodeSite(g, d.ifs.Cond)
		if !ok {
			continue
		}
		for _, add := range adds {
			call := astq.Unparen(add.X).(*ast.CallExpr)
			o, _ := atomicOpOf(info, call)
			if add.Pos() > d.ifs.Pos() || !astq.Same(info, o.v, d.load.v) {
				continue
			}
			at, ok := nodeSite(g, add)
			if !ok {
				continue
			}
			if bt, ok := g.between(at, dat); !ok || len(bt.blocks) == 0 {
				continue
			}
			if len(intersect(g.heldAt(c.locks, at), g.heldAt(c.locks, dat))) > 0 {
				continue
			}
			fset := c.pass.Fset
			c.emit(ruleAtomicCount, analysis.Diagnostic{
				Pos: d.cmp.Pos(), End: d.cmp.End(),
				Message: fmt.Sprintf("%s after %s on line %d decides by every goroutine's count, not this one's: goroutines that all add before any loads all see the same value and all act (or none does); compare what Add returns",
					render(fset, d.cmp), render(fset, call), fset.Position(call.Pos()).Line),
				Related: []analysis.RelatedInformation{{Pos: call.Pos(), End: call.End(), Message: "the Add whose result is dropped"}},
			})
			break
		}
	}
}

// atomicAdd reports whether call is an Add to an integer atomic (x.Add(k),
// atomic.AddInt32(&x, k)).
func atomicAdd(info *types.Info, call *ast.CallExpr) bool {
	o, ok := atomicOpOf(info, call)
	if !ok || o.kind != atomicRMW || !integerAtomic(info, call) || len(call.Args) == 0 {
		return false
	}
	fn, _ := astq.Unparen(call.Fun).(*ast.SelectorExpr)
	return fn != nil && strings.HasPrefix(fn.Sel.Name, "Add")
}

// countStep reports whether call adds to an integer atomic (x.Add(k),
// atomic.AddInt64(&x, k)), and which way: raises when the amount is not
// negative, lowers when it is (-k, a negative constant, or ^k, an
// unsigned one's decrement).
func countStep(info *types.Info, call *ast.CallExpr) (raises, lowers bool) {
	if !atomicAdd(info, call) {
		return false, false
	}
	delta := astq.Unparen(call.Args[len(call.Args)-1])
	if u, isUnary := delta.(*ast.UnaryExpr); isUnary && (u.Op == token.SUB || u.Op == token.XOR) {
		return false, true
	}
	if val := info.Types[delta].Value; val != nil && constant.Sign(val) < 0 {
		return false, true
	}
	return true, false
}

// spentBound reports whether bound, compared the way round that holds
// when a count is short of it (n <= bound, n < bound), refuses a count at
// zero and lets every positive one through: 0, or 1 (n < 1).
func spentBound(info *types.Info, bound ast.Expr) bool {
	v := info.Types[bound].Value
	if v == nil || v.Kind() != constant.Int {
		return false
	}
	n, exact := constant.Int64Val(v)
	return exact && (n == 0 || n == 1)
}

// lockedBefore reports whether the function declaring call takes a lock
// before it, in source order.
func (c *checker) lockedBefore(call *ast.CallExpr) bool {
	for _, d := range c.sortedDecls() {
		if d.Body == nil || call.Pos() < d.Body.Pos() || call.End() > d.Body.End() {
			continue
		}
		locked := false
		ast.Inspect(d.Body, func(n ast.Node) bool {
			if inner, isCall := n.(*ast.CallExpr); isCall && inner.Pos() < call.Pos() {
				if _, acquire, isLock := c.locks.call(inner); isLock && acquire {
					locked = true
				}
			}
			return !locked
		})
		return locked
	}
	return true
}

// aliveCountTest returns the count (an expression isCount accepts) that
// the condition of ifs, alone or as a term of an &&, finds above zero
// (n > 0, n != 0, n >= 1, 0 < n), or nil.
func aliveCountTest(info *types.Info, ifs *ast.IfStmt, isCount func(ast.Expr) bool) ast.Expr {
	var found ast.Expr
	var walk func(e ast.Expr)
	walk = func(e ast.Expr) {
		b, isBin := astq.Unparen(e).(*ast.BinaryExpr)
		if !isBin || found != nil {
			return
		}
		if b.Op == token.LAND {
			walk(b.X)
			walk(b.Y)
			return
		}
		x, y, op := b.X, b.Y, b.Op
		if isCount(y) {
			x, y, op = y, x, mirrored(op)
		}
		v := info.Types[y].Value
		if !isCount(x) || v == nil || v.Kind() != constant.Int {
			return
		}
		n, exact := constant.Int64Val(v)
		if exact && ((op == token.GTR || op == token.NEQ) && n == 0 || op == token.GEQ && n == 1) {
			found = x
		}
	}
	walk(ifs.Cond)
	return found
}

// zeroTeardown returns the Add that the package's non-test code lowers the
// atomic v names with and compares with zero, to release what it counts
// where it reaches zero (if s.refs.Add(-1) == 0 { s.f.Close() }, or if
// n.Add(-1) != 0 { return } before the release, or through a local: switch
// n := t.refs.Add(-1); { case n == 0: … }), or nil.
func (c *checker) zeroTeardown(v ast.Expr) *ast.CallExpr {
	info := c.pass.TypesInfo
	target := atomicVar(info, v)
	if target == nil {
		return nil
	}
	var found *ast.CallExpr
	for _, file := range c.pass.Files {
		if testFile(c.pass, file.Pos()) {
			continue
		}
		ast.Inspect(file, func(n ast.Node) bool {
			ifs, isIf := n.(*ast.IfStmt)
			if found != nil || !isIf {
				return found == nil
			}
			b, isBin := astq.Unparen(ifs.Cond).(*ast.BinaryExpr)
			if !isBin || b.Op != token.EQL && b.Op != token.LEQ && !(refuses(ifs) && (b.Op == token.NEQ || b.Op == token.GTR)) {
				return true
			}
			call, isCall := astq.Unparen(b.X).(*ast.CallExpr)
			if !isCall || info.Types[b.Y].Value == nil || constant.Sign(info.Types[b.Y].Value) != 0 {
				return true
			}
			if o, ok := atomicOpOf(info, call); ok && atomicVar(info, o.v) == target {
				if _, lowers := countStep(info, call); lowers {
					found = call
				}
			}
			return found == nil
		})
		if found == nil {
			found = c.zeroTeardownByLocal(file, target)
		}
	}
	return found
}

// zeroTeardownByLocal returns a lowering Add of target whose result a
// local takes (n := t.refs.Add(-1), as a statement or a switch's init)
// when the same function compares that local with zero by == or <= (a
// switch case n == 0: the release), or nil.
func (c *checker) zeroTeardownByLocal(file *ast.File, target *types.Var) *ast.CallExpr {
	info := c.pass.TypesInfo
	var found *ast.CallExpr
	for _, d := range file.Decls {
		fd, isFunc := d.(*ast.FuncDecl)
		if !isFunc || fd.Body == nil || found != nil {
			continue
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			a, isAssign := n.(*ast.AssignStmt)
			if found != nil || !isAssign || len(a.Lhs) != 1 || len(a.Rhs) != 1 {
				return found == nil
			}
			call, isCall := astq.Unparen(a.Rhs[0]).(*ast.CallExpr)
			local := info.ObjectOf(astq.Ident(a.Lhs[0]))
			if !isCall || local == nil {
				return true
			}
			if o, ok := atomicOpOf(info, call); !ok || atomicVar(info, o.v) != target {
				return true
			}
			if _, lowers := countStep(info, call); !lowers {
				return true
			}
			ast.Inspect(fd.Body, func(m ast.Node) bool {
				b, isBin := m.(*ast.BinaryExpr)
				if isBin && (b.Op == token.EQL || b.Op == token.LEQ) && isObj(info, b.X, local) && info.Types[b.Y].Value != nil && constant.Sign(info.Types[b.Y].Value) == 0 {
					found = call
				}
				return found == nil
			})
			return found == nil
		})
	}
	return found
}

// floorComparisons calls found for each comparison in cond of a count (an
// expression isCount accepts) with a bound, the way round that holds when
// the count is short of it: count < bound, count <= bound, bound > count,
// bound >= count.
func floorComparisons(info *types.Info, cond ast.Expr, isCount func(ast.Expr) bool, found func(count, bound ast.Expr)) {
	ast.Inspect(cond, func(m ast.Node) bool {
		b, ok := m.(*ast.BinaryExpr)
		if !ok {
			return true
		}
		var x, y ast.Expr
		switch b.Op {
		case token.LSS, token.LEQ:
			x, y = b.X, b.Y
		case token.GTR, token.GEQ:
			x, y = b.Y, b.X
		default:
			return true
		}
		if isCount(x) && !astq.Same(info, x, y) {
			found(x, y)
		}
		return true
	})
}

// raceWord matches race, races, racy and racing as words.
var raceWord = regexp.MustCompile(`(?i)\brac(e|es|y|ing)\b`)

// speaksOfRace reports whether a comment in f's declaration (its doc
// comment included) speaks of a race.
func (c *checker) speaksOfRace(f *fn) bool {
	var from, to token.Pos = f.node.Pos(), f.node.End()
	if f.decl != nil && f.node == f.decl && f.decl.Doc != nil {
		from = f.decl.Doc.Pos()
	}
	for _, file := range c.pass.Files {
		if file.Pos() > from || file.End() < to {
			continue
		}
		for _, cg := range file.Comments {
			if cg.Pos() >= from && cg.End() <= to && raceWord.MatchString(cg.Text()) {
				return true
			}
		}
	}
	return false
}
