package checkthenact

import (
	"fmt"
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A sync.Cond waited on in an if rather than a loop:
//
//	u.mu.Lock()
//	if u.active >= u.max {
//		u.cond.Wait()
//	}
//	u.active++ // the condition may no longer hold
//
// Wait unlocks, sleeps until a Signal or Broadcast, and locks again; by
// then another goroutine may have taken the slot the signal announced (a
// newcomer that locked first), or the Broadcast was for another state, so
// the condition the if tested may be false again. sync.Cond's own
// documentation says the caller "typically cannot assume that the
// condition is true when Wait returns. Instead, the caller should Wait in
// a loop". Reported: a call of (*sync.Cond).Wait in the body of an if
// statement that does not end by returning (the code after the if runs as
// if the condition had cleared), with no for statement around it in the
// function (a function literal is a function of its own); not in test
// files. The fix is for cond { c.Wait() }.

// checkCondWaits reports f's waits on a sync.Cond in an if with no loop
// around them.
func (c *checker) checkCondWaits(f *fn) {
	if testFile(c.pass, f.body.Pos()) {
		return
	}
	info := c.pass.TypesInfo
	var stack []ast.Node
	ast.Inspect(f.body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if _, isLit := n.(*ast.FuncLit); isLit {
			return false
		}
		stack = append(stack, n)
		call, isCall := n.(*ast.CallExpr)
		if !isCall || !condWait(info, call) {
			return true
		}
		var ifs *ast.IfStmt
		for i := len(stack) - 2; i >= 0; i-- {
			switch s := stack[i].(type) {
			case *ast.ForStmt, *ast.RangeStmt:
				return true
			case *ast.IfStmt:
				if ifs == nil && s.Body.Pos() <= call.Pos() && call.End() <= s.Body.End() {
					ifs = s
				}
			}
		}
		// A body that returns after the wait took what it waited for (a
		// result a running task broadcasts when done) and claims nothing
		// the if tested: uber/kraken's dedup limiter returns the output.
		if ifs == nil || refuses(ifs) {
			return true
		}
		fset := c.pass.Fset
		c.emit(ruleCondWait, analysis.Diagnostic{
			Pos: call.Pos(), End: call.End(),
			Message: fmt.Sprintf("%s in the if on line %d is not in a loop: when Wait returns, another goroutine may have changed what %s tested since the Signal or Broadcast, and the code after it goes on as if it still held; wait in a loop that tests the condition again (for %s { … })",
				render(fset, call), fset.Position(ifs.Pos()).Line, shortRender(fset, ifs.Cond), shortRender(fset, ifs.Cond)),
			Related: []analysis.RelatedInformation{{Pos: ifs.Cond.Pos(), End: ifs.Cond.End(), Message: "the condition tested once"}},
		})
		return true
	})
}

// condWait reports whether call is (*sync.Cond).Wait.
func condWait(info *types.Info, call *ast.CallExpr) bool {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	return ok && fn.FullName() == "(*sync.Cond).Wait"
}

// A wait with nothing tested under its lock: a method of the package whose
// body is only the lock, the Wait and the unlock (waitForWork), called in
// a loop after a test made through another locking method of the same
// receiver (if q.isShuttingDown() { return }; q.waitForWork()). The test's
// lock is released before the wait's is taken, and a Signal or Broadcast
// sent in between finds no waiter: it is lost, and the wait may never end
// (textbook set 11, t14: a work queue's worker asleep with work queued).
// Reported at the call of the waiting method (cond-wait); the fix tests
// and waits under one lock, in a loop. A loop that tests nothing before
// the wait (waiting for the next broadcast) is not reported.

// checkBareWaits reports f's calls of a bare waiting method after a test
// through a locking method of the same receiver (see above).
func (c *checker) checkBareWaits(f *fn) {
	if testFile(c.pass, f.body.Pos()) {
		return
	}
	info := c.pass.TypesInfo
	fset := c.pass.Fset
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit {
			return false
		}
		loop, isFor := n.(*ast.ForStmt)
		if !isFor {
			return true
		}
		var test *ast.CallExpr // the last test through a locking method
		for _, st := range loop.Body.List {
			if ifs, isIf := st.(*ast.IfStmt); isIf {
				// if item, ok := q.tryPop(); ok { … }, if q.isShuttingDown() { … }
				ast.Inspect(ifs, func(m ast.Node) bool {
					if m == ifs.Body {
						return false
					}
					if call, isCall := m.(*ast.CallExpr); isCall && c.lockingMethod(call) {
						test = call
					}
					return true
				})
				continue
			}
			es, isExpr := st.(*ast.ExprStmt)
			if !isExpr || test == nil {
				continue
			}
			call, isCall := astq.Unparen(es.X).(*ast.CallExpr)
			if !isCall {
				continue
			}
			cond, ok := c.bareWait(call)
			tsel, tok := astq.Unparen(test.Fun).(*ast.SelectorExpr)
			wsel, wok := astq.Unparen(call.Fun).(*ast.SelectorExpr)
			if !ok || !tok || !wok || !astq.Same(info, tsel.X, wsel.X) {
				continue
			}
			c.emit(ruleCondWait, analysis.Diagnostic{
				Pos: call.Pos(), End: call.End(),
				Message: fmt.Sprintf("%s, which waits on %s with nothing tested under its lock, after %s on line %d, which tests under that lock and releases it: a Signal or Broadcast sent in between is lost, and the wait may never end; test and wait under one lock, in a loop (for !cond { %s.Wait() })",
					render(fset, call), types.ExprString(cond), render(fset, test), fset.Position(test.Pos()).Line, types.ExprString(cond)),
				Related: []analysis.RelatedInformation{{Pos: test.Pos(), End: test.End(), Message: "the test"}},
			})
		}
		return true
	})
}

// lockingMethod reports whether call calls a method of the package whose
// body starts by taking a lock.
func (c *checker) lockingMethod(call *ast.CallExpr) bool {
	d, _, _, ok := c.packageMethod(call)
	return ok && len(d.Body.List) >= 2 && c.lockStep(d.Body.List[0], true)
}

// bareWait returns, for a call of a method of the package whose body is
// only a lock, a sync.Cond's Wait and the unlock (in that order, or with
// the unlock deferred before the Wait), the Cond in the caller's terms.
func (c *checker) bareWait(call *ast.CallExpr) (ast.Expr, bool) {
	info := c.pass.TypesInfo
	d, recv, x, ok := c.packageMethod(call)
	if !ok || len(d.Body.List) != 3 || !c.lockStep(d.Body.List[0], true) {
		return nil, false
	}
	waitAt, unlockAt := 1, 2
	if ds, isDefer := d.Body.List[1].(*ast.DeferStmt); isDefer {
		if _, acquire, isLock := c.locks.call(ds.Call); !isLock || acquire {
			return nil, false
		}
		waitAt, unlockAt = 2, -1
	}
	if unlockAt > 0 && !c.lockStep(d.Body.List[unlockAt], false) {
		return nil, false
	}
	es, isExpr := d.Body.List[waitAt].(*ast.ExprStmt)
	if !isExpr {
		return nil, false
	}
	wait, isCall := astq.Unparen(es.X).(*ast.CallExpr)
	if !isCall || !condWait(info, wait) {
		return nil, false
	}
	cond, ok := rebase(info, astq.Unparen(wait.Fun).(*ast.SelectorExpr).X, recv, x)
	return cond, ok
}
