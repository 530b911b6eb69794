package checkthenact

import (
	"fmt"
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"
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
