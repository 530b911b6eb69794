package checkthenact

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A count kept under a bound, checked with no lock held and raised under a
// lock taken after the check. redis/go-redis's connection pool (fixed in
// 36bab9c, go-redis#2885) refused a new connection when the pool was full,
// then dialled and counted it under the pool's lock:
//
//	if p.cfg.MaxActiveConns > 0 && p.poolSize >= p.cfg.MaxActiveConns {
//		return nil, ErrPoolExhausted      // no lock held
//	}
//	cn, err := p.dialConn(ctx, pooled)
//	p.connsMu.Lock()
//	p.poolSize++                          // every caller that passed counts one
//
// Reported: an increment (x.n++, x.n += k) of an integer field under an
// exclusive lock the function takes after an if statement that compares
// the same field with a bound (not a test for zero) and, on the side where
// the bound is reached, returns; when that lock is not held at the check
// and nothing compares the field with the same bound again under it. The
// fix holds the lock across the check and the increment, or reserves the
// slot first (an atomic Add, undone on failure). The unlocked read also
// races with the increment, which the race detector reports when a test
// runs two callers at once; this reports it from the code alone.
func (c *checker) checkCounterBounds(f *fn) {
	if f.decl == nil || testFile(c.pass, f.body.Pos()) || c.callerLocked(f) {
		return
	}
	info := c.pass.TypesInfo
	type boundCheck struct {
		ifs   *ast.IfStmt
		field ast.Expr // x.n
		bound ast.Expr // what it is compared with
	}
	var checks []boundCheck
	var incs []ast.Stmt
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.IfStmt:
			if refuses(n) {
				boundComparisons(info, n.Cond, func(x ast.Expr) bool { return c.countField(f, x) }, func(x, bound ast.Expr) {
					checks = append(checks, boundCheck{ifs: n, field: x, bound: bound})
				})
			}
		case *ast.IncDecStmt:
			if n.Tok == token.INC && c.countField(f, n.X) {
				incs = append(incs, n)
			}
		case *ast.AssignStmt:
			if n.Tok == token.ADD_ASSIGN && len(n.Lhs) == 1 && c.countField(f, n.Lhs[0]) {
				incs = append(incs, n)
			}
		}
		return true
	})
	if len(checks) == 0 || len(incs) == 0 {
		return
	}
	g := c.graph(f)
	target := func(s ast.Stmt) ast.Expr {
		if inc, ok := s.(*ast.IncDecStmt); ok {
			return inc.X
		}
		return s.(*ast.AssignStmt).Lhs[0]
	}
	for _, inc := range incs {
		at, ok := nodeSite(g, inc)
		if !ok {
			continue
		}
		held := g.heldAt(c.locks, at)
		if len(held) == 0 {
			continue
		}
	checks:
		for _, ch := range checks {
			if !astq.Same(info, ch.field, target(inc)) || ch.ifs.Pos() > inc.Pos() {
				continue
			}
			cat, _, ok := g.condBefore(ch.ifs, at)
			if !ok {
				continue
			}
			atCheck := g.heldAt(c.locks, cat)
			var lock string
			for key := range held {
				if !atCheck[key] {
					lock = key
				}
			}
			if lock == "" {
				continue // the check is made under the lock held at the increment
			}
			// A second look at the same bound, in the source between
			// them, under the increment's lock.
			for _, other := range checks {
				if other.ifs == ch.ifs || other.ifs.Pos() < ch.ifs.End() || other.ifs.Pos() > inc.Pos() ||
					!astq.Same(info, other.field, ch.field) || !astq.Same(info, other.bound, ch.bound) {
					continue
				}
				if oat, ok := nodeSite(g, other.ifs.Cond); ok && g.heldAt(c.locks, oat)[lock] {
					continue checks
				}
			}
			field := render(c.pass.Fset, ch.field)
			made := "made with no lock held"
			if g.anyHeldAt(c.locks, cat)[lockBase(lock)+".r"] {
				made = "made under its read lock, released before it" // dify-sandbox's max-request limiter
			}
			c.emit(ruleCounterBound, analysis.Diagnostic{
				Pos: inc.Pos(), End: inc.End(),
				Message: fmt.Sprintf("%s under %s after the bound check on line %d, %s, is not atomic with it: another goroutine can pass the check in between, and %s grows past %s; hold %s across the check and the increment, or reserve the slot first with an atomic Add",
					stmtText(c.pass.Fset, inc), lockBase(lock), c.pass.Fset.Position(ch.ifs.Pos()).Line, made, field, render(c.pass.Fset, ch.bound), lockBase(lock)),
				Related: []analysis.RelatedInformation{{Pos: ch.ifs.Cond.Pos(), End: ch.ifs.Cond.End(), Message: "the bound check"}},
			})
			break
		}
	}
}

// condBefore returns the site of the condition of ifs and the part of
// the graph between it and at, when at can run after it.
func (g *graph) condBefore(ifs *ast.IfStmt, at site) (site, between, bool) {
	cat, ok := nodeSite(g, ifs.Cond)
	if !ok {
		return site{}, between{}, false
	}
	bt, ok := g.between(cat, at)
	return cat, bt, ok && len(bt.blocks) > 0
}

// refuses reports whether the body of ifs ends by returning.
func refuses(ifs *ast.IfStmt) bool {
	if len(ifs.Body.List) == 0 {
		return false
	}
	_, returns := ifs.Body.List[len(ifs.Body.List)-1].(*ast.ReturnStmt)
	return returns
}

// boundComparisons calls found for each comparison in cond of a count (an
// expression isCount accepts) with a bound, the way round that holds when
// the count has reached it: count >= bound, count > bound, bound <= count,
// bound < count. A bound of constant zero (a test for emptiness) is none.
func boundComparisons(info *types.Info, cond ast.Expr, isCount func(ast.Expr) bool, found func(count, bound ast.Expr)) {
	ast.Inspect(cond, func(m ast.Node) bool {
		b, ok := m.(*ast.BinaryExpr)
		if !ok || b.Op != token.GEQ && b.Op != token.GTR && b.Op != token.LEQ && b.Op != token.LSS {
			return true
		}
		full := b.Op == token.GEQ || b.Op == token.GTR // for b.X as the count
		for _, side := range [][2]ast.Expr{{b.X, b.Y}, {b.Y, b.X}} {
			x, y := side[0], side[1]
			if full && isCount(x) && !astq.Same(info, x, y) {
				if v := info.Types[y].Value; v == nil || v.String() != "0" {
					found(x, y)
				}
			}
			full = !full
		}
		return true
	})
}

// stmtText renders an increment: x.n++, x.n += k.
func stmtText(fset *token.FileSet, s ast.Stmt) string {
	if inc, ok := s.(*ast.IncDecStmt); ok {
		return render(fset, inc.X) + inc.Tok.String()
	}
	a := s.(*ast.AssignStmt)
	return render(fset, a.Lhs[0]) + " += " + render(fset, a.Rhs[0])
}

// countField reports whether e is an integer field reached from the
// receiver, a parameter or a package variable of f (not a local's).
func (c *checker) countField(f *fn, e ast.Expr) bool {
	sel, ok := astq.Unparen(e).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	v, ok := c.pass.TypesInfo.ObjectOf(sel.Sel).(*types.Var)
	if !ok || !v.IsField() {
		return false
	}
	if b, isBasic := v.Type().Underlying().(*types.Basic); !isBasic || b.Info()&types.IsInteger == 0 {
		return false
	}
	return c.localVar(f, sel.X) == nil
}
