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

// A search of a Go map by value under its lock, returning the key when
// the value is there, then, with the lock released and taken again, an
// insert of that value under a new key: two goroutines that both find
// nothing both insert it, and the value ends up in the map twice.
// olebedev/go-duktape's ctxIndex.add scanned ctxs for the context under
// RLock, released it, allocated a handle and stored the context under it
// with Lock (go-duktape#36, fixed by scanning again under the write lock).
//
// The shape is read in one statement list, in order: the lock taken, the
// range over the map with an if comparing the range's value with an
// expression and returning, the lock released, the lock taken exclusively,
// and m[k] = that expression, with no second search in between.

// checkValueSearches reports the inserts of a value a released search
// looked for.
func (c *checker) checkValueSearches(f *fn) {
	if testFile(c.pass, f.body.Pos()) || c.callerLocked(f) {
		return
	}
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BlockStmt:
			c.searchThenInsert(f, n.List)
		case *ast.CaseClause:
			c.searchThenInsert(f, n.Body)
		case *ast.CommClause:
			c.searchThenInsert(f, n.Body)
		}
		return true
	})
}

// searchThenInsert looks for the shape in one statement list.
func (c *checker) searchThenInsert(f *fn, list []ast.Stmt) {
	info := c.pass.TypesInfo
	var held []string // lock bases taken in this list and not yet released
	for i, st := range list {
		if base, acquire, ok := c.lockStmt(st); ok {
			held = slices.DeleteFunc(held, func(b string) bool { return b == base })
			if acquire {
				held = append(held, base)
			}
			continue
		}
		rs, isRange := st.(*ast.RangeStmt)
		if !isRange || rs.Value == nil || !plainMap(info, rs.X) || len(held) == 0 {
			continue
		}
		lock := held[len(held)-1]
		sought := searchedValue(info, rs)
		if sought == nil {
			continue
		}
		if d, ok := c.insertAfterSearch(f, rs, sought, lock, list[i+1:]); ok {
			c.emit(ruleValueSearch, d)
		}
	}
}

// lockStmt recognises a statement that only takes or releases a lock,
// and returns the lock's base key (without its mode).
func (c *checker) lockStmt(st ast.Stmt) (base string, acquire, ok bool) {
	es, isExpr := st.(*ast.ExprStmt)
	if !isExpr {
		return "", false, false
	}
	call, isCall := astq.Unparen(es.X).(*ast.CallExpr)
	if !isCall {
		return "", false, false
	}
	key, acquire, ok := c.locks.call(call)
	if !ok {
		return "", false, false
	}
	return lockBase(key), acquire, true
}

// searchedValue returns E when the range's body holds `if v == E { …
// return … }` for the range's value v, with E not read from the range's
// own variables.
func searchedValue(info *types.Info, rs *ast.RangeStmt) ast.Expr {
	vid := astq.Ident(rs.Value)
	if vid == nil || vid.Name == "_" {
		return nil
	}
	value := info.ObjectOf(vid)
	var key types.Object
	if kid := astq.Ident(rs.Key); kid != nil {
		key = info.ObjectOf(kid)
	}
	for _, st := range rs.Body.List {
		ifs, ok := st.(*ast.IfStmt)
		if !ok || len(ifs.Body.List) == 0 {
			continue
		}
		if _, returns := ifs.Body.List[len(ifs.Body.List)-1].(*ast.ReturnStmt); !returns {
			continue
		}
		b, ok := astq.Unparen(ifs.Cond).(*ast.BinaryExpr)
		if !ok || b.Op != token.EQL {
			continue
		}
		x, y := astq.Unparen(b.X), astq.Unparen(b.Y)
		if id := astq.Ident(y); id != nil && info.Uses[id] == value {
			x, y = y, x
		}
		if id := astq.Ident(x); id == nil || info.Uses[id] != value {
			continue
		}
		own := map[types.Object]bool{value: true}
		if key != nil {
			own[key] = true
		}
		if astq.Mentions(info, y, own) {
			continue
		}
		return y
	}
	return nil
}

// insertAfterSearch finds, in the statements after the search, the lock
// released, taken exclusively, and m[k] = sought, with no second search
// of the map between.
func (c *checker) insertAfterSearch(f *fn, rs *ast.RangeStmt, sought ast.Expr, lock string, rest []ast.Stmt) (analysis.Diagnostic, bool) {
	info := c.pass.TypesInfo
	released, retaken := false, false
	for _, st := range rest {
		if base, acquire, ok := c.lockStmt(st); ok && base == lock {
			switch {
			case !acquire:
				released = true
			case released:
				retaken = true
			}
			continue
		}
		if again, isRange := st.(*ast.RangeStmt); isRange && astq.Same(info, again.X, rs.X) {
			return analysis.Diagnostic{}, false // searched again
		}
		a, isAssign := st.(*ast.AssignStmt)
		if !isAssign || a.Tok != token.ASSIGN || len(a.Lhs) != 1 || len(a.Rhs) != 1 || !retaken {
			continue
		}
		idx, isIndex := astq.Unparen(a.Lhs[0]).(*ast.IndexExpr)
		if !isIndex || !astq.Same(info, idx.X, rs.X) || !astq.Same(info, a.Rhs[0], sought) {
			continue
		}
		if c.localMap(f, idx.X) || c.ownedByGoroutine(f, idx.X) {
			return analysis.Diagnostic{}, false
		}
		m := render(c.pass.Fset, idx.X)
		return analysis.Diagnostic{
			Pos: a.Pos(), End: a.End(),
			Message: fmt.Sprintf("%s[%s] = %s after the search of %s for it on line %d found nothing, but is not atomic with it: another goroutine can insert %s in between, and %s holds it twice, under two keys; use one lock held across the search and the insert",
				m, render(c.pass.Fset, idx.Index), render(c.pass.Fset, sought), m, c.pass.Fset.Position(rs.Pos()).Line, render(c.pass.Fset, sought), m),
			Related: []analysis.RelatedInformation{{Pos: rs.Pos(), End: rs.Body.Lbrace, Message: "the search"}},
		}, true
	}
	return analysis.Diagnostic{}, false
}
