package checkthenact

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/analysis"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A blocking receive from a channel that len found non-empty:
//
//	func (p *Pool) Get() (net.Conn, error) {
//		if len(p.idle) > 0 {
//			return <-p.idle, nil // another Get may have taken the last one
//		}
//		return p.dial()
//	}
//
// len reports how many values the buffer held when it looked; two
// goroutines that both see one both receive, and the second blocks until
// something is sent, which may be never (a retry budget with the backend
// down, a pool nobody returns to). Reported: a receive from a channel held
// in a field or a package variable, not in a select, after a test of its
// len that it is not empty (len(ch) > 0, != 0, >= 1) whose body holds the
// receive, or an earlier if len(ch) == 0 whose body returns; in an exported
// function or method (an API any goroutine may call), with no lock held at
// the receive, with no loop around it (a drain, for len(ch) > 0 { <-ch },
// is the one consumer emptying its own channel: the shape on the projects
// of docs/vet.md), not in a method only one goroutine of its receiver runs
// (see owners), not in test files. The fix is a select with a default
// case, which takes a value if there is one and never blocks.

// checkLenReceives reports f's receives decided by an earlier len of the
// channel (see above).
func (c *checker) checkLenReceives(f *fn) {
	if f.decl == nil || f.node != f.decl || !f.decl.Name.IsExported() || testFile(c.pass, f.body.Pos()) ||
		c.callerLocked(f) || c.owners.method[c.runsIn(f)] != nil {
		return
	}
	info := c.pass.TypesInfo
	var g *graph
	astq.Walk(f.body, func(n ast.Node, stack []ast.Node) {
		recv, isRecv := n.(*ast.UnaryExpr)
		if !isRecv || recv.Op != token.ARROW || !sharedChan(info, recv.X) || inLoopOrSelect(stack) {
			return
		}
		test := c.lenDecided(f, &g, stack, recv, func(e ast.Expr) bool { return isLenOf(info, e, recv.X) })
		if test == nil {
			return
		}
		fset := c.pass.Fset
		c.reportLenDecided(ruleLenReceive, recv, test, fmt.Sprintf("%s after %s on line %d found it not empty is not atomic with it: another goroutine can receive the last value in between, and this receive then blocks until something is sent, maybe forever; receive in a select with a default case instead",
			render(fset, recv), render(fset, test), fset.Position(test.Pos()).Line))
	})
}

// inLoopOrSelect reports whether a node whose ancestors are stack is in a
// for or range statement or a select.
func inLoopOrSelect(stack []ast.Node) bool {
	return slices.ContainsFunc(stack, func(n ast.Node) bool {
		_, isSelect := n.(*ast.SelectStmt)
		return isSelect || isLoop(n)
	})
}

// lenDecided returns the length read that decides act (see lenGuard),
// stack being act's ancestors, when no lock is held at act; nil otherwise.
// *g is f's graph, built on first use.
func (c *checker) lenDecided(f *fn, g **graph, stack []ast.Node, act ast.Node, isLen func(ast.Expr) bool) *ast.CallExpr {
	test := lenGuard(c.pass.TypesInfo, stack, act, isLen)
	if test == nil {
		return nil
	}
	if *g == nil {
		*g = c.graph(f)
	}
	if at := (*g).siteOf(act); at.block == nil || len((*g).heldAt(c.locks, at)) > 0 {
		return nil
	}
	return test
}

// reportLenDecided reports act, decided by the length read test, with msg.
func (c *checker) reportLenDecided(rule string, act ast.Node, test *ast.CallExpr, msg string) {
	c.emit(rule, analysis.Diagnostic{
		Pos: act.Pos(), End: act.End(), Message: msg,
		Related: []analysis.RelatedInformation{{Pos: test.Pos(), End: test.End(), Message: "the length read"}},
	})
}

// sharedChan reports whether e is a channel held in a field or a package
// variable, which other goroutines can reach.
func sharedChan(info *types.Info, e ast.Expr) bool {
	if _, isChan := info.TypeOf(e).Underlying().(*types.Chan); !isChan {
		return false
	}
	switch e := astq.Unparen(e).(type) {
	case *ast.SelectorExpr:
		v, isVar := info.ObjectOf(e.Sel).(*types.Var)
		return isVar && (v.IsField() || v.Parent() == v.Pkg().Scope())
	case *ast.Ident:
		v, isVar := info.ObjectOf(e).(*types.Var)
		return isVar && v.Pkg() != nil && v.Parent() == v.Pkg().Scope()
	}
	return false
}

// lenGuard returns the length read (a call isLen accepts, len(ch)) that
// decides act, stack being act's ancestors from the function's body down:
// the test of an if around it that the length is not zero (any conjunct of
// the condition), or of an earlier if in a block around it that it is
// zero, whose body returns. Nil when there is none.
func lenGuard(info *types.Info, stack []ast.Node, act ast.Node, isLen func(ast.Expr) bool) *ast.CallExpr {
	for i := len(stack) - 1; i >= 0; i-- {
		switch s := stack[i].(type) {
		case *ast.IfStmt:
			if containsNode(s.Body, act) {
				if call := lenTest(info, s.Cond, isLen, false); call != nil {
					return call
				}
			}
		case *ast.BlockStmt:
			for _, st := range s.List {
				if containsNode(st, act) {
					break
				}
				ifs, isIf := st.(*ast.IfStmt)
				if !isIf || ifs.Else != nil || !astq.Terminates(info, ifs.Body.List) {
					continue
				}
				if call := lenTest(info, ifs.Cond, isLen, true); call != nil {
					return call
				}
			}
		}
	}
	return nil
}

// lenTest returns the length read cond tests: that it is zero when empty
// is set (len(ch) == 0, < 1), not zero otherwise (len(ch) > 0, != 0,
// >= 1), in cond itself or, for not zero, in one of the conjuncts of an
// &&.
func lenTest(info *types.Info, cond ast.Expr, isLen func(ast.Expr) bool, empty bool) *ast.CallExpr {
	b, ok := astq.Unparen(cond).(*ast.BinaryExpr)
	if !ok {
		return nil
	}
	if b.Op == token.LAND && !empty {
		if call := lenTest(info, b.X, isLen, false); call != nil {
			return call
		}
		return lenTest(info, b.Y, isLen, false)
	}
	op, x, y := b.Op, b.X, b.Y
	if isLen(y) {
		// 0 < len(ch) is len(ch) > 0.
		x, y = y, x
		switch op {
		case token.LSS:
			op = token.GTR
		case token.GTR:
			op = token.LSS
		case token.LEQ:
			op = token.GEQ
		case token.GEQ:
			op = token.LEQ
		}
	}
	call, isCall := astq.Unparen(x).(*ast.CallExpr)
	if !isCall || !isLen(x) {
		return nil
	}
	tv := info.Types[y]
	if tv.Value == nil {
		return nil
	}
	n := tv.Value.ExactString()
	var matches bool
	if empty {
		matches = op == token.EQL && n == "0" || op == token.LSS && n == "1" || op == token.LEQ && n == "0"
	} else {
		matches = (op == token.GTR || op == token.NEQ) && n == "0" || op == token.GEQ && n == "1"
	}
	if !matches {
		return nil
	}
	return call
}

// isLenOf reports whether e is len(ch).
func isLenOf(info *types.Info, e, ch ast.Expr) bool {
	call, ok := astq.Unparen(e).(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return false
	}
	id := astq.Ident(call.Fun)
	if _, isBuiltin := info.Uses[id].(*types.Builtin); id == nil || !isBuiltin || id.Name != "len" {
		return false
	}
	return astq.Same(info, call.Args[0], ch)
}
