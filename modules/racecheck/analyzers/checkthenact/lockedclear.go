package checkthenact

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"

	"golang.org/x/tools/go/analysis"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A field read under a lock, the lock released, and the field cleared
// under the lock taken again where the value read said to:
// s2-streamstore/s2-sdk-go's AppendSession.processInflightQueue (a9a004c8,
// fixed in 3d0fd1ef, s2-sdk-go#295) did
//
//	r.stateMu.RLock()
//	retryAt := r.retryAt
//	r.stateMu.RUnlock()
//	if !retryAt.IsZero() && time.Now().Before(retryAt) {
//		return
//	}
//	r.stateMu.Lock()
//	r.retryAt = time.Time{}
//
// while the ack reader's scheduleRetry sets r.retryAt under the same lock:
// a retry scheduled between the read and the clear is wiped, and the pump
// reconnects inside the back-off. Every access is locked, so the race
// detector is silent.
//
// Reported: an assignment of a zero value (nil, a zero constant, T{}) to a
// field path x.f with an exclusive lock held, after x.f was read into a
// local (v := x.f) with a lock held, read locks too, when every lock held
// at the read may be released between them, a branch on v between them has
// an edge that cannot reach the clear and none sends a zero v away from it
// (a clear where v was set tears down what v held, as nats-server's
// account expiry clears the JetStream state it disabled; a clear where it
// was zero has nothing of its own to clear and can only wipe), nothing
// between them reads x.f again under a lock the clear holds, and the
// package assigns the field a value that is not a zero one somewhere
// (there is something to wipe). Not in test files or in functions whose
// callers hold a lock by convention.
//
// A batch taken so is the same race with another harm: a flusher reads a
// slice field under the lock (batch := b.pending), sends the batch with
// the lock released, and resets the field under the lock taken again
// (b.pending = nil, or b.pending = b.pending[:0]), while Add appends to it
// under the lock (b.pending = append(b.pending, s)): what Add appended
// during the send was never in the batch, and the reset drops it (textbook
// set 10, t14, a metrics remote-write batcher). Reported: such a reset of
// a slice field after such a read, the lock conditions as above, when
// another function of the package appends to the field, whatever the
// branches between; the fix takes the slice and resets the field in one
// critical section.

// checkLockedClears reports f's clears of a field decided by a read of it
// under a lock released since (see above).
func (c *checker) checkLockedClears(f *fn) {
	if testFile(c.pass, f.body.Pos()) || c.callerLocked(f) {
		return
	}
	info := c.pass.TypesInfo
	var clears, reads []*ast.AssignStmt
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			if len(n.Lhs) != 1 || len(n.Rhs) != 1 {
				return true
			}
			if n.Tok == token.ASSIGN && fieldPathExpr(info, n.Lhs[0]) && (zeroValue(info, n.Rhs[0]) || emptied(info, n)) {
				clears = append(clears, n)
			} else if fieldPathExpr(info, n.Rhs[0]) && c.localVar(f, n.Lhs[0]) != nil {
				reads = append(reads, n)
			}
		}
		return true
	})
	if len(clears) == 0 || len(reads) == 0 {
		return
	}
	var g *graph
	fset := c.pass.Fset
	for _, cl := range clears {
		field := fieldOf(info, cl.Lhs[0])
		if field == nil || !c.setToNonZero(field) {
			continue
		}
		for _, rd := range reads {
			if !astq.Same(info, rd.Rhs[0], cl.Lhs[0]) {
				continue
			}
			if g == nil {
				g = c.graph(f)
			}
			bt, ok := c.readThenClear(g, rd, cl)
			if !ok {
				continue
			}
			if adder, add := c.appender(f, field); adder != nil {
				p := fset.Position(add.Pos())
				c.emit(ruleLockedClear, analysis.Diagnostic{
					Pos: cl.Pos(), End: cl.End(),
					Message: fmt.Sprintf("%s = %s after %s read on line %d under a lock released since drops what another goroutine appended to %s in between (%s, %s:%d): those items were never in the value read; take the value and reset %s in one critical section",
						render(fset, cl.Lhs[0]), render(fset, cl.Rhs[0]), render(fset, rd.Rhs[0]), fset.Position(rd.Pos()).Line, render(fset, cl.Lhs[0]), adder.Name.Name, filepath.Base(p.Filename), p.Line, render(fset, cl.Lhs[0])),
					Related: []analysis.RelatedInformation{{Pos: rd.Pos(), End: rd.End(), Message: "the read"}, {Pos: add.Pos(), End: add.End(), Message: "the append"}},
				})
				break
			}
			if zeroValue(info, cl.Rhs[0]) && c.clearAfterRead(f, g, bt, rd, cl) {
				c.emit(ruleLockedClear, analysis.Diagnostic{
					Pos: cl.Pos(), End: cl.End(),
					Message: fmt.Sprintf("%s = %s after %s read on line %d under a lock released since is decided by the value read, but is not atomic with it: another goroutine can set %s in between, and this clears what it set; use one lock held across the check and the write",
						render(fset, cl.Lhs[0]), render(fset, cl.Rhs[0]), render(fset, rd.Rhs[0]), fset.Position(rd.Pos()).Line, render(fset, cl.Lhs[0])),
					Related: []analysis.RelatedInformation{{Pos: rd.Pos(), End: rd.End(), Message: "the read"}},
				})
				break
			}
		}
	}
}

// readThenClear reports, with what lies between them, whether in g the
// read rd (v := x.f) is made with a lock held, the later clear cl (x.f =
// zero) with an exclusive one, every lock held at the read may be released
// between them, and nothing between them reads x.f again under a lock the
// clear holds.
func (c *checker) readThenClear(g *graph, rd, cl *ast.AssignStmt) (between, bool) {
	info := c.pass.TypesInfo
	rat, cat := g.siteOf(rd), g.siteOf(cl)
	if rat.block == nil || cat.block == nil || rat == cat {
		return between{}, false
	}
	atRead, atClear := g.anyHeldAt(c.locks, rat), g.heldAt(c.locks, cat)
	if len(atRead) == 0 || len(atClear) == 0 {
		return between{}, false
	}
	bt, ok := g.between(rat, cat)
	if !ok {
		return between{}, false
	}
	for key := range atRead {
		if !bt.released(c.locks, key) {
			return between{}, false
		}
	}
	again := false
	bt.nodes(func(n ast.Node, s site) {
		if again || len(intersect(atClear, g.heldAt(c.locks, s))) == 0 {
			return
		}
		ast.Inspect(n, func(m ast.Node) bool {
			if e, isExpr := m.(ast.Expr); isExpr && astq.Same(info, e, cl.Lhs[0]) {
				again = true
			}
			return !again
		})
	})
	return bt, !again
}

// clearAfterRead judges the read rd (v := x.f) and the later clear cl
// (x.f = zero) in g, which readThenClear accepted with bt between them
// (see above).
func (c *checker) clearAfterRead(f *fn, g *graph, bt between, rd, cl *ast.AssignStmt) bool {
	info := c.pass.TypesInfo
	rat, cat := g.siteOf(rd), g.siteOf(cl)
	v := c.localVar(f, rd.Lhs[0])
	reach := g.backward(cat.block, rat.block)
	decided := false
	for b := range bt.blocks {
		cond, _, isCond := g.cond(b)
		e, isExpr := cond.(ast.Expr)
		if !isCond || !isExpr || len(b.Succs) != 2 || !usesObj(info, e, v) {
			continue
		}
		if reach[b.Succs[0]] && reach[b.Succs[1]] {
			continue
		}
		decided = true
		// Succs[0] is taken where the condition holds. A branch that
		// sends a zero value away from the clear leaves it only a value
		// of the field's own to clear, as a take does.
		if truth, known := zeroTruth(info, e, v); known && !reach[b.Succs[0]] == truth {
			return false
		}
	}
	return decided
}

// zeroTruth evaluates cond, a condition on the local v, as if v held its
// zero value: v == nil, v.IsZero(), len(v) == 0, v == "", a bool v, and
// their negations and conjunctions; known is false where it cannot tell.
func zeroTruth(info *types.Info, cond ast.Expr, v types.Object) (truth, known bool) {
	return zeroTruthOf(info, cond, func(e ast.Expr) bool { return info.Uses[astq.Ident(e)] == v })
}

// zeroTruthOf is zeroTruth for the value of the expressions isV accepts.
func zeroTruthOf(info *types.Info, cond ast.Expr, isV func(ast.Expr) bool) (truth, known bool) {
	if isV(astq.Unparen(cond)) {
		return false, true // a bool's zero value
	}
	switch e := astq.Unparen(cond).(type) {
	case *ast.UnaryExpr:
		if e.Op == token.NOT {
			t, ok := zeroTruthOf(info, e.X, isV)
			return !t, ok
		}
	case *ast.CallExpr:
		if sel, isSel := astq.Unparen(e.Fun).(*ast.SelectorExpr); isSel && sel.Sel.Name == "IsZero" && len(e.Args) == 0 && isV(sel.X) {
			return true, true
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LAND, token.LOR:
			x, xok := zeroTruthOf(info, e.X, isV)
			y, yok := zeroTruthOf(info, e.Y, isV)
			return combineKnown(e.Op, x, xok, y, yok)
		case token.EQL, token.NEQ:
			x, y := e.X, e.Y
			if zeroValue(info, x) {
				x, y = y, x
			}
			if call, isCall := astq.Unparen(x).(*ast.CallExpr); isCall && len(call.Args) == 1 && isV(call.Args[0]) {
				if id := astq.Ident(call.Fun); id != nil && id.Name == "len" {
					x = call.Args[0] // len(v) == 0 holds for a zero slice, map or string
				}
			}
			if isV(x) && zeroValue(info, y) {
				return e.Op == token.EQL, true
			}
		}
	}
	return false, false
}

// fieldOf returns the field e (x.f) selects, as declared, or nil.
func fieldOf(info *types.Info, e ast.Expr) *types.Var {
	if v := fieldVar(info, e); v != nil {
		return v.Origin()
	}
	return nil
}

// setToNonZero reports whether the package assigns field a value that is
// not a zero one anywhere (x.f = v).
func (c *checker) setToNonZero(field *types.Var) bool {
	if c.nonZeroSets == nil {
		c.nonZeroSets = map[*types.Var]bool{}
		info := c.pass.TypesInfo
		for _, file := range c.pass.Files {
			ast.Inspect(file, func(n ast.Node) bool {
				a, ok := n.(*ast.AssignStmt)
				if !ok || a.Tok != token.ASSIGN || len(a.Lhs) != len(a.Rhs) {
					return true
				}
				for i, l := range a.Lhs {
					if fv := fieldOf(info, l); fv != nil && !zeroValue(info, a.Rhs[i]) {
						c.nonZeroSets[fv] = true
					}
				}
				return true
			})
		}
	}
	return c.nonZeroSets[field]
}

// emptied reports whether a empties a slice field in place: x.f = x.f[:0].
func emptied(info *types.Info, a *ast.AssignStmt) bool {
	s, isSlice := astq.Unparen(a.Rhs[0]).(*ast.SliceExpr)
	if !isSlice || s.Slice3 || s.High == nil || !astq.Same(info, s.X, a.Lhs[0]) {
		return false
	}
	zero := func(e ast.Expr) bool {
		v := info.Types[e].Value
		return v != nil && v.String() == "0"
	}
	return (s.Low == nil || zero(s.Low)) && zero(s.High)
}

// appender returns a function of the package other than f that appends to
// the slice field (x.f = append(x.f, …)), and the append; or nil.
func (c *checker) appender(f *fn, field *types.Var) (*ast.FuncDecl, *ast.AssignStmt) {
	if _, isSlice := field.Type().Underlying().(*types.Slice); !isSlice {
		return nil, nil
	}
	info := c.pass.TypesInfo
	for _, d := range c.sortedDecls() {
		if d == f.decl || d.Body == nil || testFile(c.pass, d.Pos()) {
			continue
		}
		var found *ast.AssignStmt
		ast.Inspect(d.Body, func(n ast.Node) bool {
			a, isAssign := n.(*ast.AssignStmt)
			if found != nil || !isAssign || len(a.Lhs) != 1 || len(a.Rhs) != 1 || fieldOf(info, a.Lhs[0]) != field {
				return found == nil
			}
			if call, isCall := astq.Unparen(a.Rhs[0]).(*ast.CallExpr); isCall && builtinCall(info, call, "append") && len(call.Args) > 1 && astq.Same(info, call.Args[0], a.Lhs[0]) {
				found = a
			}
			return true
		})
		if found != nil {
			return d, found
		}
	}
	return nil, nil
}
