package checkthenact

import (
	"cmp"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A field the package guards with its object's lock, checked and set in
// plain. Where another function of the package stores data in the field
// (a value, not a constant) while holding the exclusive lock of the object
// it stores it on, that lock is the field's: a method that tests the field
// and then sets it (see flagSet) with no lock held, in a type built for
// concurrent use whose callers in the package do not hold the receiver's
// lock (themselves, or through a chain of the type's methods), overwrites
// whatever the locked setter stored between the test and the set. A mode
// set to constants under the lock in one method and tested in another is
// a protocol of its own and does not count. bwmarrin/discordgo's
// VoiceConnection.Disconnect
// (voice.go at 92c52f3d, fixed in 9bcbfec, discordgo#816) ran
//
//	if v.sessionID != "" {
//		… // send the leave message
//		v.sessionID = ""
//
// while the event goroutine's onVoiceStateUpdate set v.sessionID under
// voice.Lock(): a session ID stored in between was wiped, and the next
// join waited for an ID that never came.

// guardedSet is an assignment of a field made while the exclusive lock of
// the object it is made on is held.
type guardedSet struct {
	assign *ast.AssignStmt
	in     *fn
	lock   string // the object whose lock is held, as written there
}

// lockedSetElsewhere returns a set of the field sel selects that a
// function of the package other than f (and the literals in it) makes
// under the lock of the object it sets it on, the first in source order;
// nil when there is none. Test files do not count, nor a set of a constant
// (see data).
func (c *checker) lockedSetElsewhere(f *fn, sel *ast.SelectorExpr) *guardedSet {
	info := c.pass.TypesInfo
	field := fieldOf(info, sel)
	if field == nil {
		return nil
	}
	var cands []guardedSet
	for node, g := range c.funcs {
		if f.node.Pos() <= node.Pos() && node.End() <= f.node.End() || testFile(c.pass, node.Pos()) {
			continue
		}
		ast.Inspect(g.body, func(n ast.Node) bool {
			if _, isLit := n.(*ast.FuncLit); isLit {
				return false
			}
			a, isAssign := n.(*ast.AssignStmt)
			if !isAssign || a.Tok != token.ASSIGN {
				return true
			}
			for i, l := range a.Lhs {
				if s, isSel := astq.Unparen(l).(*ast.SelectorExpr); isSel && fieldOf(info, s) == field && (len(a.Rhs) != len(a.Lhs) || data(info, a.Rhs[i])) {
					cands = append(cands, guardedSet{assign: a, in: g, lock: types.ExprString(s.X)})
				}
			}
			return true
		})
	}
	slices.SortFunc(cands, func(a, b guardedSet) int { return cmp.Compare(a.assign.Pos(), b.assign.Pos()) })
	for _, cand := range cands {
		g := c.graph(cand.in)
		at, ok := nodeSite(g, cand.assign)
		if !ok {
			continue
		}
		if lockOfHeld(g.heldAt(c.locks, at), cand.lock) {
			return &cand
		}
	}
	return nil
}

// guardedElsewhere returns the locked set that makes the field sel selects
// the lock's (see lockedSetElsewhere), when the method f, which tests and
// sets it, may run without that lock: nil when there is no such set or
// every caller holds the receiver's lock (see lockedThroughCallers).
func (c *checker) guardedElsewhere(f *fn, sel *ast.SelectorExpr) *guardedSet {
	guard := c.lockedSetElsewhere(f, sel)
	if guard == nil {
		return nil
	}
	if m, ok := c.pass.TypesInfo.Defs[f.decl.Name].(*types.Func); !ok || c.lockedThroughCallers(m, 0, map[*types.Func]bool{}) {
		return nil
	}
	return guard
}

// lockOfHeld reports whether held has a lock of the object x names: x
// itself (an embedded mutex, x.Lock()) or a field of it (x.mu.Lock()).
func lockOfHeld(held lockSet, x string) bool {
	for key := range held {
		if base := lockBase(key); base == x || strings.HasPrefix(base, x+".") {
			return true
		}
	}
	return false
}

// funcName names f in a message: its declaration, or the literal in it.
func funcName(f *fn) string {
	switch {
	case f.decl == nil:
		return "a function literal"
	case f.node != f.decl:
		return "a function literal in " + f.decl.Name.Name
	}
	return f.decl.Name.Name
}

// data reports whether e is a value other than a constant or nil: data
// another goroutine stores, not a state the package moves between (a mode
// or flag set to a constant under the lock in one method and tested in
// another is a protocol of its own; nats.go's ordered consumer refuses a
// Fetch after Messages and the other way round).
func data(info *types.Info, e ast.Expr) bool {
	tv := info.Types[e]
	return tv.Value == nil && !tv.IsNil()
}

// lockedThroughCallers reports whether every call of the unexported method
// m in the package, its tests' aside, is made with the receiver's lock
// held, by the caller or, for a caller that is a method called on its own
// receiver, by its callers in turn (sarama's joinGroupRequest, three calls
// below Consume, which holds the consumer group's lock, one of them a
// retry calling itself).
func (c *checker) lockedThroughCallers(m *types.Func, depth int, seen map[*types.Func]bool) bool {
	if seen[m] {
		return true // a recursive call: the other callers decide
	}
	if m.Exported() || depth > 5 {
		return false
	}
	seen[m] = true
	callers := c.callersOf(m)
	if len(callers) == 0 {
		return false
	}
	for _, cs := range callers {
		if testFile(c.pass, cs.call.Pos()) {
			continue // a test driving the method in its own goroutine
		}
		sel, isSel := astq.Unparen(cs.call.Fun).(*ast.SelectorExpr)
		if !isSel {
			return false
		}
		g := c.graph(cs.caller)
		at, found := g.calls[cs.call]
		if !found {
			return false
		}
		if lockOfHeld(g.heldAt(c.locks, at), types.ExprString(sel.X)) {
			continue
		}
		d := cs.caller.decl
		if d == nil || cs.caller.node != d || d.Recv == nil || len(d.Recv.List[0].Names) != 1 || astq.Ident(sel.X) == nil ||
			c.pass.TypesInfo.Uses[astq.Ident(sel.X)] != c.pass.TypesInfo.Defs[d.Recv.List[0].Names[0]] {
			return false
		}
		caller, ok := c.pass.TypesInfo.Defs[d.Name].(*types.Func)
		if !ok || !c.lockedThroughCallers(caller, depth+1, seen) {
			return false
		}
	}
	return true
}
