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
// down, a pool nobody returns to). Reported (len-receive): a receive from
// a channel the receiver's goroutines share (see sharedChan), after a
// test of its len that it is not empty (len(ch) > 0, != 0, >= 1) whose
// body holds the receive, or an earlier if len(ch) == 0 whose body
// returns. The same for a send (len-send) after a test that the buffer
// has room (len(ch) < cap(ch), or an earlier if len(ch) >= cap(ch) that
// returns): two senders both see one free slot, and the second blocks (a
// handler that was to answer "busy" hangs). Either only in a function
// goroutines may run at once (see runConcurrently: exported, started in a
// loop, or reached from such a start or an HTTP handler), with no lock
// held at the receive or send, not in a select, with no loop around it (a
// drain, for len(ch) > 0 { <-ch }, is the one consumer emptying its own
// channel: the shape on the projects of docs/vet.md), not in a method only
// one goroutine of its receiver runs (see owners), not in test files. The
// fix is a select with a default case, which never blocks.

// checkLenReceives reports f's receives decided by an earlier len of the
// channel, and its sends decided by an earlier comparison of its len with
// its cap (see above).
func (c *checker) checkLenReceives(f *fn) {
	if testFile(c.pass, f.body.Pos()) || c.callerLocked(f) || c.owners.method[c.runsIn(f)] != nil || !c.runConcurrently(f) {
		return
	}
	info := c.pass.TypesInfo
	fset := c.pass.Fset
	var g *graph
	astq.Walk(f.body, func(n ast.Node, stack []ast.Node) {
		if inLoopOrSelect(stack) && !inMemberLoop(info, stack) {
			return
		}
		switch n := n.(type) {
		case *ast.UnaryExpr:
			if n.Op != token.ARROW || !c.sharedChan(f, n.X) {
				return
			}
			test := c.lenDecided(f, &g, stack, n, func(cond ast.Expr, refused bool) *ast.CallExpr {
				return lenTest(info, cond, func(e ast.Expr) bool { return isLenOf(info, e, n.X) }, refused)
			})
			if test != nil {
				c.reportLenDecided(ruleLenReceive, n, test, fmt.Sprintf("%s after %s on line %d found it not empty is not atomic with it: another goroutine can receive the last value in between, and this receive then blocks until something is sent, maybe forever; receive in a select with a default case instead",
					render(fset, n), render(fset, test), fset.Position(test.Pos()).Line))
			}
		case *ast.SendStmt:
			if !c.sharedChan(f, n.Chan) {
				return
			}
			test := c.lenDecided(f, &g, stack, n, func(cond ast.Expr, refused bool) *ast.CallExpr {
				return roomTest(info, cond, n.Chan, refused)
			})
			if test != nil {
				c.reportLenDecided(ruleLenSend, n, test, fmt.Sprintf("send on %s after %s on line %d found room in its buffer is not atomic with it: another goroutine can fill the last slot in between, and this send then blocks until a receiver takes one, maybe forever; send in a select with a default case instead",
					render(fset, n.Chan), render(fset, test), fset.Position(test.Pos()).Line))
			}
		}
	})
}

// roomTest returns the len(ch) call cond compares with cap(ch): a test
// that the buffer is full when full is set (len(ch) >= cap(ch), ==), that
// it has room otherwise (len(ch) < cap(ch), !=), on either side.
func roomTest(info *types.Info, cond, ch ast.Expr, full bool) *ast.CallExpr {
	b, ok := astq.Unparen(cond).(*ast.BinaryExpr)
	if !ok {
		return nil
	}
	op, x, y := b.Op, b.X, b.Y
	if isLenOf(info, y, ch) {
		x, y, op = y, x, mirrored(op)
	}
	capCall, isCall := astq.Unparen(y).(*ast.CallExpr)
	if !isLenOf(info, x, ch) || !isCall || len(capCall.Args) != 1 || !astq.Same(info, capCall.Args[0], ch) {
		return nil
	}
	if id := astq.Ident(capCall.Fun); id == nil || id.Name != "cap" {
		return nil
	} else if _, isBuiltin := info.Uses[id].(*types.Builtin); !isBuiltin {
		return nil
	}
	if full && (op == token.GEQ || op == token.EQL) || !full && (op == token.LSS || op == token.NEQ) {
		return astq.Unparen(x).(*ast.CallExpr)
	}
	return nil
}

// inMemberLoop reports whether the innermost loop or select around a node
// whose ancestors are stack is a range over a collection that is no
// channel, with no select inside it around the node: a turn per member (a
// hub's clients), each testing and sending on its own channel, not a
// drain emptying one.
func inMemberLoop(info *types.Info, stack []ast.Node) bool {
	for i := len(stack) - 1; i >= 0; i-- {
		switch n := stack[i].(type) {
		case *ast.SelectStmt, *ast.ForStmt:
			return false
		case *ast.RangeStmt:
			_, overChan := info.TypeOf(n.X).Underlying().(*types.Chan)
			return !overChan
		}
	}
	return false
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
func (c *checker) lenDecided(f *fn, g **graph, stack []ast.Node, act ast.Node, test func(cond ast.Expr, refused bool) *ast.CallExpr) *ast.CallExpr {
	read := lenGuard(c.pass.TypesInfo, stack, act, test)
	if read == nil {
		return nil
	}
	if *g == nil {
		*g = c.graph(f)
	}
	if at := (*g).siteOf(act); at.block == nil || len((*g).heldAt(c.locks, at)) > 0 {
		return nil
	}
	return read
}

// reportLenDecided reports act, decided by the length read test, with msg.
func (c *checker) reportLenDecided(rule string, act ast.Node, test *ast.CallExpr, msg string) {
	c.emit(rule, analysis.Diagnostic{
		Pos: act.Pos(), End: act.End(), Message: msg,
		Related: []analysis.RelatedInformation{{Pos: test.Pos(), End: test.End(), Message: "the length read"}},
	})
}

// sharedChan reports whether e is a channel the goroutines that run f's
// receiver share: a package-level variable of the package, or a field of
// the package's own types reached from f's receiver (p.idle, s.q.jobs). A
// channel reached from a parameter may be the caller's own (a topic built
// for one goroutine), and a field of another package's type is that
// package's protocol (a time.Timer's C, drained by its one owner).
func (c *checker) sharedChan(f *fn, e ast.Expr) bool {
	info := c.pass.TypesInfo
	if _, isChan := info.TypeOf(e).Underlying().(*types.Chan); !isChan {
		return false
	}
	if id, isID := astq.Unparen(e).(*ast.Ident); isID {
		v, isVar := info.ObjectOf(id).(*types.Var)
		return isVar && v.Pkg() == c.pass.Pkg && v.Parent() == v.Pkg().Scope()
	}
	root, path, ok := c.splitPath(e)
	if !ok || len(path) == 0 || recvObj(info, f) == nil || info.ObjectOf(root) != recvObj(info, f) && !c.memberOf(f, root) {
		return false
	}
	for _, sel := range path {
		if v, isVar := info.ObjectOf(sel).(*types.Var); !isVar || v.Pkg() != c.pass.Pkg {
			return false
		}
	}
	return true
}

// memberOf reports whether id is the value of a range over what f's
// receiver holds: a field path from it (h.clients) or a call of its
// method (h.members(room)).
func (c *checker) memberOf(f *fn, id *ast.Ident) bool {
	info := c.pass.TypesInfo
	recv := recvObj(info, f)
	obj := info.ObjectOf(id)
	found := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		r, isRange := n.(*ast.RangeStmt)
		if found || !isRange || r.Value == nil || info.Defs[astq.Ident(r.Value)] != obj || obj == nil {
			return !found
		}
		x := astq.Unparen(r.X)
		if call, isCall := x.(*ast.CallExpr); isCall {
			sel, isSel := astq.Unparen(call.Fun).(*ast.SelectorExpr)
			if !isSel {
				return true
			}
			x = sel.X // h of h.members(room)
		}
		if root, _, ok := c.splitPath(x); ok && info.ObjectOf(root) == recv {
			found = true
		}
		return !found
	})
	return found
}

// lenGuard returns the length read that decides act, stack being act's
// ancestors from the function's body down: a call test finds in the
// condition of an if or a for around act (test(cond, false): the condition
// passes where act may run, len(ch) > 0), or of an earlier if in a block around
// it whose body returns (test(cond, true): the condition passes where act
// may not, len(ch) == 0). Nil when there is none.
func lenGuard(info *types.Info, stack []ast.Node, act ast.Node, test func(cond ast.Expr, refused bool) *ast.CallExpr) *ast.CallExpr {
	for i := len(stack) - 1; i >= 0; i-- {
		switch s := stack[i].(type) {
		case *ast.IfStmt:
			if containsNode(s.Body, act) {
				if call := test(s.Cond, false); call != nil {
					return call
				}
			}
		case *ast.ForStmt:
			if s.Cond != nil && containsNode(s.Body, act) {
				if call := test(s.Cond, false); call != nil {
					return call
				}
			}
		case *ast.BlockStmt:
			for _, st := range s.List {
				if containsNode(st, act) {
					break
				}
				ifs, isIf := st.(*ast.IfStmt)
				if !isIf || ifs.Else != nil || !astq.Terminates(info, ifs.Body.List) && !skipsTurn(ifs) {
					continue
				}
				if call := test(ifs.Cond, true); call != nil {
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
		x, y, op = y, x, mirrored(op) // 0 < len(ch) is len(ch) > 0
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
