package checkthenact

import (
	"go/ast"
	"go/token"
	"go/types"
	"maps"
	"path/filepath"
	"slices"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A channel copied out of a field under a lock, tested for nil, and sent on
// after the lock is released, while another function of the package clears
// the field and closes the channel it held. The nil test says the field's
// channel comes and goes; once the lock is released, nothing keeps the
// owner from clearing the field and closing the channel between the test
// and the send, and a send on a closed channel panics. docker/docker-agent
// (fixed in 7567c857, docker-agent#1853) sent elicitation requests so:
//
//	r.elicitationEventsChannelMux.RLock()
//	eventsChannel := r.elicitationEventsChannel
//	r.elicitationEventsChannelMux.RUnlock()
//	if eventsChannel == nil { return … }
//	…
//	eventsChannel <- ElicitationRequest(…)
//
// while RunStream stored its events channel with a setter, cleared it with
// another under the same lock, and closed it (defer close(events)). The fix
// holds the read lock across the test and the send.
//
// Reported: the send (also as a select case), when the local it sends on
// was assigned the field with a lock held, a nil test of the local lies
// between, that lock is not held at the send, and the package both sets
// the field to nil and closes a channel the field holds: close(x.f), or
// close(v) (or a call of a function of the package that closes its
// parameter, handed v) in a function that stores v into the field itself
// or through a function of the package that assigns its parameter to the
// field.

// checkSendsAfterRelease reports sends on a channel a field held under a
// lock released since (see above).
func (c *checker) checkSendsAfterRelease(f *fn) {
	if testFile(c.pass, f.body.Pos()) {
		return
	}
	info := c.pass.TypesInfo
	type copied struct {
		field  *types.Var
		assign *ast.AssignStmt
	}
	locals := map[types.Object]copied{}
	var sends []*ast.SendStmt
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			if len(n.Lhs) != 1 || len(n.Rhs) != 1 {
				return true
			}
			sel, isSel := astq.Unparen(n.Rhs[0]).(*ast.SelectorExpr)
			id := astq.Ident(n.Lhs[0])
			if !isSel || id == nil || c.localVar(f, n.Lhs[0]) == nil {
				return true
			}
			if field, isVar := info.ObjectOf(sel.Sel).(*types.Var); isVar && field.IsField() {
				if _, isChan := field.Type().Underlying().(*types.Chan); isChan {
					locals[info.ObjectOf(id)] = copied{field, n}
				}
			}
		case *ast.SendStmt:
			sends = append(sends, n)
		}
		return true
	})
	if len(locals) == 0 || len(sends) == 0 {
		return
	}
	var g *graph
	for _, send := range sends {
		id := astq.Ident(send.Chan)
		if id == nil {
			continue
		}
		cp, ok := locals[info.ObjectOf(id)]
		if !ok || !c.closedField(cp.field) || !nilTestBetween(info, f.body, info.ObjectOf(id), cp.assign, send) {
			continue
		}
		if g == nil {
			g = c.graph(f)
		}
		at, ok := nodeSite(g, cp.assign)
		sat, sok := nodeSite(g, send)
		if !ok || !sok {
			continue
		}
		held := g.anyHeldAt(c.locks, at)
		atSend := g.anyHeldAt(c.locks, sat)
		var lock string
		for _, key := range slices.Sorted(maps.Keys(held)) {
			lock = lockBase(key)
			for other := range atSend {
				if lockBase(other) == lock {
					lock = ""
					break
				}
			}
			if lock != "" {
				break
			}
		}
		if lock == "" {
			continue
		}
		fset := c.pass.Fset
		closer := c.closes[cp.field]
		c.emitf(ruleSendClosed, send.Pos(), "send on %s, copied from %s under %s on line %d and tested for nil, after %s is released: another goroutine can clear %s and close the channel in between (%s:%d closes it), and the send panics; hold %s across the test and the send",
			id.Name, render(fset, cp.assign.Rhs[0]), lock, fset.Position(cp.assign.Pos()).Line, lock, render(fset, cp.assign.Rhs[0]),
			filepath.Base(fset.Position(closer.Pos()).Filename), fset.Position(closer.Pos()).Line, lock)
	}
}

// nilTestBetween reports whether an if statement between from and to in
// body compares v with nil.
func nilTestBetween(info *types.Info, body *ast.BlockStmt, v types.Object, from, to ast.Node) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit || found {
			return false
		}
		ifs, isIf := n.(*ast.IfStmt)
		if !isIf || ifs.Pos() < from.End() || ifs.Pos() > to.Pos() {
			return true
		}
		b, isBin := astq.Unparen(ifs.Cond).(*ast.BinaryExpr)
		if isBin && (b.Op == token.EQL || b.Op == token.NEQ) {
			x, y := astq.Unparen(b.X), astq.Unparen(b.Y)
			if isNil(info, x) {
				x, y = y, x
			}
			if id := astq.Ident(x); id != nil && info.ObjectOf(id) == v && isNil(info, y) {
				found = true
			}
		}
		return !found
	})
	return found
}

// closedField reports whether the package sets the channel field to nil
// somewhere and closes a channel it holds (see closedFields).
func (c *checker) closedField(field *types.Var) bool {
	if c.closes == nil {
		c.closedFields()
	}
	return c.closes[field] != nil && c.cleared[field]
}

// closedFields finds the channel fields the package closes a value of,
// with the close: close(x.f); close(v) in a function that assigns v to
// x.f, or hands v to a method of the package assigning its parameter to
// f (setEventsChannel(events) … defer close(events)); and those it sets
// to nil.
func (c *checker) closedFields() {
	info := c.pass.TypesInfo
	c.closes = map[*types.Var]*ast.CallExpr{}
	c.cleared = map[*types.Var]bool{}
	// setters: the package's functions assigning a parameter to a
	// channel field, by parameter index; closers: those closing a
	// parameter (finalize(events) { defer close(events) … }).
	setters := map[*types.Func]map[int]*types.Var{}
	closers := map[*types.Func]map[int]bool{}
	decls := c.sortedDecls()
	for _, fd := range decls {
		fn, ok := info.Defs[fd.Name].(*types.Func)
		if !ok || fd.Body == nil {
			continue
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if call, isCall := n.(*ast.CallExpr); isCall && isClose(info, call) {
				if id := astq.Ident(call.Args[0]); id != nil {
					if i, ok := paramIndex(fn, info.ObjectOf(id)); ok && i >= 0 {
						if closers[fn] == nil {
							closers[fn] = map[int]bool{}
						}
						closers[fn][i] = true
					}
				}
			}
			a, isAssign := n.(*ast.AssignStmt)
			if !isAssign || len(a.Lhs) != 1 || len(a.Rhs) != 1 {
				return true
			}
			field := chanField(info, a.Lhs[0])
			if field == nil {
				return true
			}
			if isNil(info, a.Rhs[0]) {
				c.cleared[field] = true
				return true
			}
			if id := astq.Ident(a.Rhs[0]); id != nil {
				if i, ok := paramIndex(fn, info.ObjectOf(id)); ok && i >= 0 {
					if setters[fn] == nil {
						setters[fn] = map[int]*types.Var{}
					}
					setters[fn][i] = field
				}
			}
			return true
		})
	}
	for _, fd := range decls {
		if fd.Body == nil {
			continue
		}
		stored := map[types.Object]*types.Var{} // locals stored into a field
		type closed struct {
			call *ast.CallExpr // the close, or the call of a closer
			ch   ast.Expr
		}
		var closes []closed
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				if len(n.Lhs) == 1 && len(n.Rhs) == 1 {
					if field, id := chanField(info, n.Lhs[0]), astq.Ident(n.Rhs[0]); field != nil && id != nil {
						stored[info.ObjectOf(id)] = field
					}
				}
			case *ast.CallExpr:
				if isClose(info, n) {
					closes = append(closes, closed{n, n.Args[0]})
					return true
				}
				callee, _ := typeutil.Callee(info, n).(*types.Func)
				for i, arg := range n.Args {
					if closers[callee][i] {
						closes = append(closes, closed{n, arg})
					}
					if field := setters[callee][i]; field != nil {
						if id := astq.Ident(arg); id != nil {
							stored[info.ObjectOf(id)] = field
						}
					}
				}
			}
			return true
		})
		for _, cl := range closes {
			field := chanField(info, cl.ch)
			if id := astq.Ident(cl.ch); field == nil && id != nil {
				field = stored[info.ObjectOf(id)]
			}
			if field != nil && c.closes[field] == nil {
				c.closes[field] = cl.call
			}
		}
	}
}

// A channel field used as its own once-flag: tested for nil, sent on, then
// cleared to nil, with no lock held, while the package closes the channel
// it held. Two callers can both pass the test; the first's send lets the
// owner close the channel, and the second's send panics. goburrow/cache's
// Close (fixed in 826d0a15, goburrow/cache#4) stopped its worker so:
//
//	if c.closeCh != nil {
//		c.closeCh <- struct{}{}
//		<-c.closeCh // the worker closes it on its way out
//		c.closeCh = nil
//	}
//
// Reported: a send on a channel field after an if that tests the same
// field for nil (the send in its body, or after it when its body returns),
// followed in the function by clearing the field to nil, with no lock held
// at the test, when the package closes a channel the field holds.

// checkSendsBeforeClear reports sends on a channel field its own nil test
// guards, cleared after (see above).
func (c *checker) checkSendsBeforeClear(f *fn) {
	if testFile(c.pass, f.body.Pos()) || c.callerLocked(f) {
		return
	}
	info := c.pass.TypesInfo
	var tests []*ast.IfStmt
	var sends []*ast.SendStmt
	var clears []*ast.AssignStmt
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.IfStmt:
			tests = append(tests, n)
		case *ast.SendStmt:
			if chanField(info, n.Chan) != nil {
				sends = append(sends, n)
			}
		case *ast.AssignStmt:
			if len(n.Lhs) == 1 && len(n.Rhs) == 1 && chanField(info, n.Lhs[0]) != nil && isNil(info, n.Rhs[0]) {
				clears = append(clears, n)
			}
		}
		return true
	})
	if len(sends) == 0 || len(clears) == 0 {
		return
	}
	var g *graph
	for _, send := range sends {
		field := chanField(info, send.Chan)
		if !c.closedField(field) || c.closes[field] == nil {
			continue
		}
		cleared := false
		for _, a := range clears {
			cleared = cleared || a.Pos() > send.End() && astq.Same(info, a.Lhs[0], send.Chan)
		}
		if !cleared {
			continue
		}
		for _, ifs := range tests {
			if ifs.Pos() > send.Pos() || !fieldNilTest(info, ifs, send) {
				continue
			}
			if g == nil {
				g = c.graph(f)
			}
			at, ok := nodeSite(g, ifs.Cond)
			if !ok || len(g.anyHeldAt(c.locks, at)) > 0 {
				continue
			}
			fset := c.pass.Fset
			closer := c.closes[field]
			c.emitf(ruleSendClosed, send.Pos(), "send on %s after the nil test on line %d, with no lock held: two callers can both pass the test, and the channel can be closed between a test and its send (%s:%d closes it; the first caller's send may be what lets it), and a send on a closed channel panics; close it once (sync.Once), or hold one lock across the test, the send and clearing %s",
				render(fset, send.Chan), fset.Position(ifs.Pos()).Line, filepath.Base(fset.Position(closer.Pos()).Filename), fset.Position(closer.Pos()).Line, render(fset, send.Chan))
			break
		}
	}
}

// fieldNilTest reports whether ifs tests the channel send is made on for
// nil so that the send runs only where it was not: x.f != nil with the send
// in its body, or x.f == nil with a body that returns and the send after.
func fieldNilTest(info *types.Info, ifs *ast.IfStmt, send *ast.SendStmt) bool {
	b, isBin := astq.Unparen(ifs.Cond).(*ast.BinaryExpr)
	if !isBin || b.Op != token.EQL && b.Op != token.NEQ {
		return false
	}
	x, y := astq.Unparen(b.X), astq.Unparen(b.Y)
	if isNil(info, x) {
		x, y = y, x
	}
	if !isNil(info, y) || !astq.Same(info, x, send.Chan) {
		return false
	}
	inBody := send.Pos() >= ifs.Body.Pos() && send.End() <= ifs.Body.End()
	if b.Op == token.NEQ {
		return inBody
	}
	return !inBody && send.Pos() > ifs.End() && refuses(ifs)
}
