package checkthenact

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"maps"
	"path/filepath"
	"slices"

	"golang.org/x/tools/go/analysis"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// An insert into a collection that a close drains, decided by a closed
// flag read under the lock before the lock was released. The close sets
// the flag and tears down what the collection holds under that lock; an
// insert made after the lock is taken again, with no second look at the
// flag, can land after the close and is never torn down. jackc/puddle's
// CreateResource (fixed in 558756d6) checked p.closed under the pool's
// lock, released it to construct the resource, and appended it to
// allResources and idleResources under the lock again, while Close set
// p.closed and destroyed the idle resources:
//
//	p.cond.L.Lock()
//	if p.closed { p.cond.L.Unlock(); return ErrClosedPool }
//	p.cond.L.Unlock()
//	value, err := p.constructResourceValue(ctx)
//	…
//	p.cond.L.Lock()
//	p.allResources = append(p.allResources, res)  // after Close: leaked
//
// Reported: an append to a slice field (x.s = append(x.s, …)) or an insert
// into a Go map field under an exclusive lock, after an if statement whose
// condition reads a bool field of the same object and whose body returns,
// when that lock was held at the if and released between, nothing reads
// the flag again under the lock before the insert, and a function of the
// package sets the flag to true and ranges over the same collection or
// clears it (sets it to nil): the close that drains it.

// closer is a function of the package that sets a bool field to true and
// drains a collection field.
type closer struct {
	fn  *ast.FuncDecl
	set *ast.AssignStmt
}

// checkClosedInserts reports inserts decided by a closed flag read under a
// lock released since (see above).
func (c *checker) checkClosedInserts(f *fn) {
	if testFile(c.pass, f.body.Pos()) || c.callerLocked(f) {
		return
	}
	info := c.pass.TypesInfo
	type flagCheck struct {
		ifs  *ast.IfStmt
		x    ast.Expr // the object
		flag *types.Var
	}
	var checks []flagCheck
	type insert struct {
		node ast.Node // the append's assignment, or the map store's op call
		x    ast.Expr
		coll *types.Var
		text string
	}
	var inserts []insert
	fieldSel := func(e ast.Expr) (ast.Expr, *types.Var) {
		sel, isSel := astq.Unparen(e).(*ast.SelectorExpr)
		if !isSel {
			return nil, nil
		}
		v, isVar := info.ObjectOf(sel.Sel).(*types.Var)
		if !isVar || !v.IsField() {
			return nil, nil
		}
		return sel.X, v
	}
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.IfStmt:
			if !refuses(n) {
				return true
			}
			if x, flag := fieldSel(n.Cond); flag != nil && types.Identical(flag.Type().Underlying(), types.Typ[types.Bool]) && c.localVar(f, x) == nil {
				checks = append(checks, flagCheck{n, x, flag})
			}
		case *ast.AssignStmt:
			if ins, ok := c.sharedAppend(f, n); ok {
				if x, coll := fieldSel(ins.m); coll != nil {
					inserts = append(inserts, insert{n, x, coll, ins.text})
				}
			}
		}
		return true
	})
	for _, o := range f.ops {
		if o.plain && o.kind == opStore {
			if x, coll := fieldSel(o.recv); coll != nil {
				inserts = append(inserts, insert{o.call, x, coll, plainText(render(c.pass.Fset, o.recv), render(c.pass.Fset, o.key), o)})
			}
		}
	}
	if len(checks) == 0 || len(inserts) == 0 {
		return
	}
	g := c.graph(f)
	siteOf := func(n ast.Node) (site, bool) {
		if call, isCall := n.(*ast.CallExpr); isCall {
			s, ok := g.calls[call]
			return s, ok
		}
		return nodeSite(g, n)
	}
	for _, ins := range inserts {
		at, ok := siteOf(ins.node)
		if !ok {
			continue
		}
		atInsert := g.heldAt(c.locks, at)
	checks:
		for _, ch := range checks {
			if ch.ifs.Pos() > ins.node.Pos() || !astq.Same(info, ch.x, ins.x) {
				continue
			}
			cl := c.closerOf(ch.flag, ins.coll)
			if cl == nil {
				continue
			}
			cat, bt, ok := g.condBefore(ch.ifs, at)
			if !ok {
				continue
			}
			var lock string
			for _, key := range slices.Sorted(maps.Keys(g.heldAt(c.locks, cat))) {
				if atInsert[key] && bt.released(c.locks, key) {
					lock = key
					break
				}
			}
			if lock == "" {
				continue
			}
			// A second look at the flag under the lock.
			for _, other := range checks {
				if other.ifs == ch.ifs || other.flag != ch.flag || other.ifs.Pos() > ins.node.Pos() {
					continue
				}
				if oat, ok := nodeSite(g, other.ifs.Cond); ok && bt.blocks[oat.block] && g.heldAt(c.locks, oat)[lock] {
					continue checks
				}
			}
			fset := c.pass.Fset
			flag := render(fset, ch.ifs.Cond)
			coll := render(fset, ins.x) + "." + ins.coll.Name()
			pos := fset.Position(cl.set.Pos())
			c.emit(ruleClosedInsert, analysis.Diagnostic{
				Pos: ins.node.Pos(), End: ins.node.End(),
				Message: fmt.Sprintf("%s under %s after the check of %s on line %d, made under %s released since, is not atomic with it: %s (%s:%d) can set %s and drain %s in between, and this insert lands in a closed object that never tears it down; look at %s again under the lock before inserting",
					ins.text, lockBase(lock), flag, fset.Position(ch.ifs.Pos()).Line, lockBase(lock), cl.fn.Name.Name, filepath.Base(pos.Filename), pos.Line, flag, coll, flag),
				Related: []analysis.RelatedInformation{{Pos: ch.ifs.Cond.Pos(), End: ch.ifs.Cond.End(), Message: "the check"}},
			})
			break
		}
	}
}

// closerOf returns a function of the package that sets flag to true and
// ranges over coll or sets it to nil, or nil when there is none.
func (c *checker) closerOf(flag, coll *types.Var) *closer {
	info := c.pass.TypesInfo
	for _, fd := range c.sortedDecls() {
		if fd.Body == nil {
			continue
		}
		var set *ast.AssignStmt
		drains := false
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				if len(n.Lhs) != 1 || len(n.Rhs) != 1 || n.Tok != token.ASSIGN {
					return true
				}
				sel, isSel := astq.Unparen(n.Lhs[0]).(*ast.SelectorExpr)
				if !isSel {
					return true
				}
				switch info.ObjectOf(sel.Sel) {
				case flag:
					if tv := info.Types[n.Rhs[0]]; tv.Value != nil && tv.Value.String() == "true" {
						set = n
					}
				case coll:
					drains = drains || isNil(info, n.Rhs[0])
				}
			case *ast.RangeStmt:
				if sel, isSel := astq.Unparen(n.X).(*ast.SelectorExpr); isSel && info.ObjectOf(sel.Sel) == coll {
					drains = true
				}
			}
			return true
		})
		if set != nil && drains {
			return &closer{fd, set}
		}
	}
	return nil
}
