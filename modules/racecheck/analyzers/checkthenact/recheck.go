package checkthenact

import (
	"fmt"
	"go/ast"

	"golang.org/x/tools/go/analysis"
)

// A check of a key after a LoadOrStore-like claim of it whose "loaded"
// answer is dropped. The claim has just left an entry there, so the check
// finds one whatever was there before (or finds none only because another
// goroutine deleted it in between), and a branch on it never tells the
// call that inserted from the others. dapr's callLocalActor decided
// whether to activate an actor with actorInstanceExists(key), a Load, just
// after actorsTable.LoadOrStore(key, …), and so never activated one; the
// fix used LoadOrStore's loaded result (dapr/dapr#707).

// reportRecheckedClaims reports each check of f made after such a claim of
// the same key on the same map, when f deletes nothing under that key
// between them.
func (c *checker) reportRecheckedClaims(f *fn, g *graph, checks []check, claims []op) {
	info := c.pass.TypesInfo
	for _, cl := range claims {
		at, ok := g.calls[cl.call]
		if !ok || !getOrSet(info, cl) || c.sequentialTest(f, cl.recv) {
			continue
		}
		if answer, ok := asCheck(info, cl, at); ok && answer.ok != nil {
			continue // the loaded answer is used
		}
		for _, ch := range checks {
			if ch.kind == opClaim || ch.ok == nil && !ch.inline || ch.call.Pos() < cl.call.Pos() ||
				!sameMap(info, ch.recv, cl.recv) || !sameKey(info, ch.key, cl.key) {
				continue
			}
			if bt, ok := g.between(at, ch.at); !ok || c.deletesBetween(f, g, bt, cl) {
				continue
			}
			c.emit(ruleRecheck, analysis.Diagnostic{
				Pos: ch.call.Pos(),
				End: ch.call.End(),
				Message: fmt.Sprintf("%s after %s.%s(%s) on line %d, whose loaded result is dropped, finds the entry %s left whatever was there before: it cannot tell whether this call inserted; use the loaded result %s returns",
					c.checkText(ch), render(c.pass.Fset, cl.recv), cl.name, render(c.pass.Fset, cl.key), c.pass.Fset.Position(cl.call.Pos()).Line, cl.name, cl.name),
				Related: []analysis.RelatedInformation{{Pos: cl.call.Pos(), End: cl.call.End(), Message: "the " + cl.name}},
			})
			break
		}
	}
}

// deletesBetween reports whether f deletes, itself or through a call, the
// key the claim cl claims on its map between the claim and a check.
func (c *checker) deletesBetween(f *fn, g *graph, bt between, cl op) bool {
	info := c.pass.TypesInfo
	var deletes []*ast.CallExpr
	for _, o := range f.ops {
		if o.kind == opDelete && sameMap(info, o.recv, cl.recv) && sameKey(info, o.key, cl.key) {
			deletes = append(deletes, o.call)
		}
	}
	for _, call := range f.calls {
		for _, w := range c.viaWrites(call) {
			if w.kind == opDelete && sameMap(info, w.recv, cl.recv) && sameKey(info, w.key, cl.key) {
				deletes = append(deletes, call)
			}
		}
	}
	found := false
	bt.nodes(func(_ ast.Node, s site) {
		for _, d := range deletes {
			if at, ok := g.calls[d]; ok && at == s {
				found = true
			}
		}
	})
	return found
}
