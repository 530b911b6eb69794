package checkthenact

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A field found free under a lock, then claimed under the lock taken
// again: a lease's holder, a slot's owner.
//
//	l.mu.RLock()
//	holder, expires := l.holder, l.expires
//	l.mu.RUnlock()
//	switch {
//	case holder == node:
//	case holder == "", now.After(expires):
//	default:
//		return grant{Granted: false, Holder: holder}
//	}
//	l.mu.Lock()
//	l.holder = node // no second look
//
// Two nodes that both read the lease free both pass, and both are told
// they hold it: two leaders run leader-only work at once. Reported: an
// assignment of a value that is neither a constant nor computed from what
// was read to a field (x.f = node) under an exclusive lock, or through a
// method of the package that locks and sets it to a parameter (also in a
// tuple assignment: l.holder, l.expires = holder, until), after the field
// was read into a local with a lock held (or through a locking getter)
// and the lock released (none held from the read to the write), when a
// statement between them refuses unless the local was found free: an if
// whose condition has local != zero among its && terms, or a switch with
// no tag whose default refuses and one of whose cases tests local ==
// zero, the refusal telling the caller no (see negativeAnswer: a cache
// hit handing back the value found is not a refusal); with nothing
// between that statement and the write naming the field again, in an
// exported function or one with two callers in the package. Reported as
// locked-flag: the claim of the atomic flag's check and set, made of
// locked steps. The fix tests and sets under one lock.

// claimRead is a field read into a local of f: what the test looks at.
type claimRead struct {
	local *types.Var
	field string   // in f's terms
	node  ast.Node // the read (an assignment, or a getter call)
}

// checkLockedClaims reports f's claims of a field found free under a lock
// released since (see above).
func (c *checker) checkLockedClaims(f *fn) {
	if f.decl == nil || f.node != f.decl || testFile(c.pass, f.body.Pos()) || c.callerLocked(f) || !c.manyCallers(f.decl) {
		return
	}
	info := c.pass.TypesInfo
	var reads []claimRead
	type claimWrite struct {
		field string
		value ast.Expr
		node  ast.Node
	}
	var writes []claimWrite
	var g *graph
	lockedAt := func(n ast.Node, exclusiveOnly bool) bool {
		if g == nil {
			g = c.graph(f)
		}
		at, ok := nodeSite(g, n)
		if !ok {
			return false
		}
		if exclusiveOnly {
			return len(g.heldAt(c.locks, at)) > 0
		}
		return len(g.anyHeldAt(c.locks, at)) > 0
	}
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			if len(n.Lhs) != len(n.Rhs) {
				return true
			}
			for i, l := range n.Lhs {
				r := astq.Unparen(n.Rhs[i])
				if v := c.localVar(f, l); v != nil {
					if call, isCall := r.(*ast.CallExpr); isCall {
						if o, ok := c.lockedAccessor(call); ok && o.kind == atomicLoad && !o.negated {
							reads = append(reads, claimRead{v, types.ExprString(o.v), call})
						}
					} else if fieldPathExpr(info, r) && lockedAt(n, false) {
						reads = append(reads, claimRead{v, types.ExprString(r), n})
					}
					continue
				}
				if n.Tok == token.ASSIGN && fieldPathExpr(info, l) && info.Types[r].Value == nil && !isNil(info, r) && lockedAt(n, true) {
					writes = append(writes, claimWrite{types.ExprString(l), r, n})
				}
			}
		case *ast.ExprStmt:
			if call, isCall := astq.Unparen(n.X).(*ast.CallExpr); isCall {
				for _, s := range c.fieldSets(call) {
					writes = append(writes, claimWrite{types.ExprString(s[0]), s[1], call})
				}
			}
		}
		return true
	})
	if len(reads) == 0 || len(writes) == 0 {
		return
	}
	reported := map[ast.Node]bool{}
	for _, w := range writes {
		if tv := info.Types[w.value]; tv.Value != nil || reported[w.node] {
			continue
		}
		for _, r := range reads {
			if r.field != w.field || r.node.Pos() >= w.node.Pos() || usesObj(info, w.value, r.local) {
				continue
			}
			test := c.refusesUnlessFree(f, r, w.node.Pos())
			if test == nil || c.namedBetween(f, r.field, test.End(), w.node) || c.heldThrough(f, r.node, w.node) {
				continue
			}
			fset := c.pass.Fset
			c.emit(ruleLockedFlag, analysis.Diagnostic{
				Pos: w.node.Pos(), End: w.node.End(),
				Message: fmt.Sprintf("%s is set here to %s after the test on line %d found it free under a lock released since: two callers can both find it free and both take it, each told it holds it; test it again under the lock that sets it",
					r.field, shortRender(fset, w.value), fset.Position(test.Pos()).Line),
				Related: []analysis.RelatedInformation{{Pos: r.node.Pos(), End: r.node.End(), Message: "the read"}},
			})
			reported[w.node] = true
			break
		}
	}
}

// fieldSets returns, for a call of a method of the package whose body
// starts by taking a lock and sets fields of its receiver to its
// parameters (l.holder, l.expires = holder, until), each field in the
// caller's terms with the argument it is set to; nil when the body reads
// any of those fields besides (it would look again).
func (c *checker) fieldSets(call *ast.CallExpr) [][2]ast.Expr {
	info := c.pass.TypesInfo
	d, recv, x, ok := c.packageMethod(call)
	if !ok || len(d.Body.List) < 2 || !c.lockStep(d.Body.List[0], true) {
		return nil
	}
	obj := info.Defs[d.Name].(*types.Func)
	var out [][2]ast.Expr
	var set []ast.Expr
	for _, st := range d.Body.List[1:] {
		a, isAssign := st.(*ast.AssignStmt)
		if !isAssign || a.Tok != token.ASSIGN || len(a.Lhs) != len(a.Rhs) {
			continue
		}
		for i, l := range a.Lhs {
			i := c.paramAt(obj, a.Rhs[i])
			if !fieldPathExpr(info, l) || i < 0 || i >= len(call.Args) {
				continue
			}
			if field, ok := rebase(info, l, recv, x); ok {
				out = append(out, [2]ast.Expr{field, call.Args[i]})
				set = append(set, l)
			}
		}
	}
	// A read of a field it sets, anywhere but as the assignment's target,
	// is a second look.
	for _, l := range set {
		name := types.ExprString(l)
		reads := 0
		ast.Inspect(d.Body, func(n ast.Node) bool {
			if e, isExpr := n.(ast.Expr); isExpr && types.ExprString(e) == name {
				reads++
				return false
			}
			return true
		})
		if reads > 1 {
			return nil
		}
	}
	return out
}

// refusesUnlessFree returns the statement of f, after the read r and
// before pos, that returns unless r's local was found free: an if that
// refuses with local != zero among its condition's && terms, or a switch
// with no tag whose default clause refuses and one of whose cases tests
// local == zero; nil when there is none.
func (c *checker) refusesUnlessFree(f *fn, r claimRead, pos token.Pos) ast.Stmt {
	info := c.pass.TypesInfo
	isLocal := func(e ast.Expr) bool { return info.Uses[astq.Ident(e)] == r.local }
	test := func(e ast.Expr, op token.Token) bool {
		b, ok := astq.Unparen(e).(*ast.BinaryExpr)
		if !ok || b.Op != op {
			return false
		}
		return isLocal(b.X) && zeroValue(info, b.Y) || isLocal(b.Y) && zeroValue(info, b.X)
	}
	var found ast.Stmt
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit || found != nil {
			return false
		}
		st, isStmt := n.(ast.Stmt)
		if !isStmt || st.End() > pos {
			return true
		}
		if st.Pos() < r.node.End() {
			// Only an if or a switch whose init makes the read (switch
			// holder := l.Holder(); { … }) starts before it.
			var init ast.Stmt
			switch st := st.(type) {
			case *ast.IfStmt:
				init = st.Init
			case *ast.SwitchStmt:
				init = st.Init
			}
			if init == nil || !containsNode(init, r.node) {
				return true
			}
		}
		switch st := st.(type) {
		case *ast.IfStmt:
			if !refuses(st) || !c.negativeAnswer(st.Body.List) {
				return true
			}
			for _, term := range andTerms(st.Cond) {
				if test(term, token.NEQ) {
					found = st
				}
			}
		case *ast.SwitchStmt:
			if st.Tag != nil {
				return true
			}
			refusesByDefault, freeCase := false, false
			for _, cl := range st.Body.List {
				cc := cl.(*ast.CaseClause)
				if cc.List == nil {
					if n := len(cc.Body); n > 0 {
						_, refusesByDefault = cc.Body[n-1].(*ast.ReturnStmt)
						refusesByDefault = refusesByDefault && c.negativeAnswer(cc.Body)
					}
					continue
				}
				for _, e := range cc.List {
					for _, term := range orTerms(e) {
						freeCase = freeCase || test(term, token.EQL)
					}
				}
			}
			if refusesByDefault && freeCase {
				found = st
			}
		}
		return found == nil
	})
	return found
}

// heldThrough reports whether a lock held at the read is held at the
// write and not released on the way: the read is under the write's lock
// (a second look, sarama's coordinator), not before it.
func (c *checker) heldThrough(f *fn, read, write ast.Node) bool {
	g := c.graph(f)
	rs, ws := g.siteOf(read), g.siteOf(write)
	if rs.block == nil || ws.block == nil {
		return true // a read or write the graph does not hold: judge nothing
	}
	bt, ok := g.between(rs, ws)
	if !ok {
		return true
	}
	for key := range intersect(g.anyHeldAt(c.locks, rs), g.anyHeldAt(c.locks, ws)) {
		if !bt.released(c.locks, key) {
			return true
		}
	}
	return false
}

// negativeAnswer reports whether a refusing branch tells its caller no:
// its last statement returns false, a non-nil error or a composite literal
// with a false field (grant{Granted: false, …}), or the branch answers an
// HTTP request with a status of its own (http.Error, w.WriteHeader). A
// branch that hands back the value found (return broker, nil; return
// *cached) is a cache hit, not a refusal: what follows fills the cache.
func (c *checker) negativeAnswer(body []ast.Stmt) bool {
	info := c.pass.TypesInfo
	if len(body) == 0 {
		return false
	}
	isFalse := func(e ast.Expr) bool {
		v := info.Types[e].Value
		return v != nil && v.Kind() == constant.Bool && !constant.BoolVal(v)
	}
	if ret, ok := body[len(body)-1].(*ast.ReturnStmt); ok {
		for _, r := range ret.Results {
			if isFalse(r) || implementsError(info.TypeOf(r)) && !isNil(info, r) {
				return true
			}
			if lit, isLit := astq.Unparen(r).(*ast.CompositeLit); isLit {
				for _, el := range lit.Elts {
					if kv, isKV := el.(*ast.KeyValueExpr); isKV && isFalse(kv.Value) {
						return true
					}
				}
			}
		}
	}
	for _, st := range body {
		es, isExpr := st.(*ast.ExprStmt)
		if !isExpr {
			continue
		}
		if call, isCall := astq.Unparen(es.X).(*ast.CallExpr); isCall {
			if fn, isFunc := typeutil.Callee(info, call).(*types.Func); isFunc && (fn.FullName() == "net/http.Error" || fn.Name() == "WriteHeader") {
				return true
			}
		}
	}
	return false
}

// andTerms splits cond into the terms of its top-level &&.
func andTerms(cond ast.Expr) []ast.Expr {
	if b, ok := astq.Unparen(cond).(*ast.BinaryExpr); ok && b.Op == token.LAND {
		return append(andTerms(b.X), andTerms(b.Y)...)
	}
	return []ast.Expr{astq.Unparen(cond)}
}

// namedBetween reports whether an expression naming field (in f's terms)
// lies in f between from and the write w (outside w): a second look.
func (c *checker) namedBetween(f *fn, field string, from token.Pos, w ast.Node) bool {
	found := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		if found || n == nil || n == w || n.End() <= from || n.Pos() >= w.Pos() {
			return false
		}
		if e, isExpr := n.(ast.Expr); isExpr && types.ExprString(e) == field {
			found = true
		}
		return !found
	})
	return found
}
