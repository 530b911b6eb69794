package checkthenact

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A channel field swapped for a new one and the old one closed, with no
// lock: a broadcast latch (every waiter receives from the field, the
// swap wakes them all and arms the next round). The read of the field,
// the store of the new channel and the close are three steps; two
// goroutines that run them together both read the same channel and both
// close it, and the second close panics.
//
//	atomic.AddUint64(&t.currentHeight, 1) // "in case two goroutines commit concurrently"
//	prevLatch := t.latch
//	t.latch = make(chan struct{})
//	close(prevLatch)
//
// orbs-network/orbs-network-go's BlockTracker.IncrementHeight (fixed in
// 5463dc5f, orbs#95, with a lock around the three). Reported: in a
// function outside test files, a field of a variable (t.latch) read into a
// local and then set to make(chan …), with the local closed after the
// read (and given no other channel); or the field closed and then set to
// make(chan …); with no lock held at the read, the close or the store.
// Whether two goroutines run the function is seldom visible, so it is
// reported only where the function says so itself: it makes an atomic
// step on a field of the same variable (its author expected callers at
// once), or a go statement runs it on a shared object (see
// checker.started) and the store is in no loop (a loop is the goroutine
// serving its object: go-micro's rabbitmq reconnect loop).

// checkSwapCloses reports the channel swaps of f described above.
func (c *checker) checkSwapCloses(f *fn) {
	if f.decl == nil || f.node != f.decl || testFile(c.pass, f.body.Pos()) {
		return
	}
	info := c.pass.TypesInfo
	var stores []*ast.AssignStmt
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			if len(n.Lhs) == 1 && len(n.Rhs) == 1 && n.Tok == token.ASSIGN && fieldPathExpr(info, n.Lhs[0]) && makesChan(info, n.Rhs[0]) {
				stores = append(stores, n)
			}
		}
		return true
	})
	if len(stores) == 0 {
		return
	}
	g := c.graph(f)
	for _, s := range stores {
		field := s.Lhs[0]
		read, closed := c.swappedAway(f, field, s)
		if read == nil {
			continue
		}
		why := c.concurrentRun(f, field, s)
		if why == "" {
			continue
		}
		rs, ss, cs := g.siteOf(read), g.siteOf(s), g.siteOf(closed)
		if rs.block == nil || ss.block == nil || cs.block == nil {
			continue
		}
		if _, ok := g.between(rs, ss); !ok {
			continue
		}
		if len(g.anyHeldAt(c.locks, rs)) > 0 || len(g.anyHeldAt(c.locks, ss)) > 0 || len(g.anyHeldAt(c.locks, cs)) > 0 {
			continue
		}
		what := render(c.pass.Fset, field)
		line := func(n ast.Node) int { return c.pass.Fset.Position(n.Pos()).Line }
		swap := fmt.Sprintf("after line %d read it, and the channel read is closed on line %d", line(read), line(closed))
		if read == closed {
			swap = fmt.Sprintf("after line %d closed it", line(closed))
		}
		c.emitf(ruleSwapClose, s.Pos(), "%s is replaced here %s, with no lock held: two goroutines that run %s together (%s) both read the same channel and both close it, and the second close panics; hold one lock across the read, the replacement and the close",
			what, swap, f.decl.Name.Name, why)
	}
}

// makesChan reports whether e is make(chan …).
func makesChan(info *types.Info, e ast.Expr) bool {
	call, ok := astq.Unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	if bi, isBuiltin := info.Uses[astq.Ident(call.Fun)].(*types.Builtin); !isBuiltin || bi.Name() != "make" {
		return false
	}
	_, isChan := info.TypeOf(e).Underlying().(*types.Chan)
	return isChan
}

// swappedAway returns where f reads the channel field before the store s
// and the close of what it read: old := x.f … close(old), or close(x.f)
// itself before the store (then the read is the close). Nil when the
// channel replaced is not closed in f.
func (c *checker) swappedAway(f *fn, field ast.Expr, s *ast.AssignStmt) (read, closed ast.Node) {
	info := c.pass.TypesInfo
	var old types.Object // the local the field was read into
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit || closed != nil {
			return false
		}
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Pos() < s.Pos() && len(n.Lhs) == 1 && len(n.Rhs) == 1 && astq.Same(info, n.Rhs[0], field) {
				if id := astq.Ident(n.Lhs[0]); id != nil && c.localVar(f, id) != nil {
					old, read = info.ObjectOf(id), n
				}
			}
		case *ast.CallExpr:
			bi, ok := info.Uses[astq.Ident(n.Fun)].(*types.Builtin)
			if !ok || bi.Name() != "close" || len(n.Args) != 1 {
				return true
			}
			switch arg := astq.Unparen(n.Args[0]); {
			case n.Pos() < s.Pos() && astq.Same(info, arg, field):
				read, closed = n, n
			case old != nil && n.Pos() > read.Pos() && info.ObjectOf(astq.Ident(arg)) == old:
				closed = n
			}
		}
		return true
	})
	if closed == nil || old != nil && len(assignedFrom(info, f.body, old.(*types.Var))) != 1 {
		// A local given another channel before the close closes that one.
		return nil, nil
	}
	return read, closed
}

// concurrentRun says why f runs on several goroutines at once, when f
// says so itself: it makes an atomic step on a field of the variable
// field is selected from, or a go statement runs it on a shared object
// and the store s is in no loop (a loop is the goroutine serving its
// object, rabbitmq's reconnect loop in go-micro). Empty when neither.
func (c *checker) concurrentRun(f *fn, field ast.Expr, s ast.Node) string {
	info := c.pass.TypesInfo
	root := info.ObjectOf(rootIdent(field))
	why := ""
	ast.Inspect(f.body, func(n ast.Node) bool {
		call, isCall := n.(*ast.CallExpr)
		if _, isLit := n.(*ast.FuncLit); isLit || why != "" {
			return false
		}
		if !isCall {
			return true
		}
		if o, ok := atomicStep(info, call); ok && root != nil && info.ObjectOf(rootIdent(o.v)) == root {
			why = fmt.Sprintf("it makes an atomic step on %s on line %d, so it expects to", render(c.pass.Fset, o.v), c.pass.Fset.Position(call.Pos()).Line)
		}
		return true
	})
	if why != "" {
		return why
	}
	inLoop := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			inLoop = inLoop || containsNode(n, s)
		}
		return !inLoop
	})
	if obj, ok := info.Defs[f.decl.Name].(*types.Func); ok && !inLoop {
		if goCall := c.started[obj]; goCall != nil {
			pos := c.pass.Fset.Position(goCall.Pos())
			return fmt.Sprintf("a go statement runs it, %s:%d, each time its caller runs", filepath.Base(pos.Filename), pos.Line)
		}
	}
	return ""
}
