package checkthenact

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// Keys collected by a scan, deleted later. A scan of a map (m.Range on a
// map-like type, or a range over a Go map under its lock) that appends
// each key whose value passes a test to a slice (the function's, or a
// package variable, as fyne's expiredObjects), followed by
// a loop deleting each collected key, deletes by what the scan saw: a
// value another goroutine stored for the key in between is deleted with
// it. fiber's memory storage collected expired keys under the read lock
// and deleted them under the write lock without looking again, so a key
// Set again in between was lost (gofiber/fiber#2207).

// collection is one scan collecting keys into a slice.
type collection struct {
	recv  ast.Expr     // the map scanned
	keys  types.Object // the slice collecting its keys
	at    ast.Node     // the append
	scan  ast.Node     // the m.Range call or the range statement
	plain bool
	// check is the Load of recv, inside a scan of something else, whose
	// value decided the append; nil when the scan is of recv itself.
	check *ast.CallExpr
}

// checkCollectedDeletes reports each delete of a collected key made in f
// after its scan, unless it is atomic with it: an exclusive lock held
// throughout, or the entry looked at again before the delete.
func (c *checker) checkCollectedDeletes(f *fn) {
	hasDelete := false
	for _, o := range f.ops {
		hasDelete = hasDelete || o.kind == opDelete
	}
	if !hasDelete || f.decl == nil || c.callerLocked(f) || teardown(f) {
		return
	}
	cols := c.collections(f)
	if len(cols) == 0 {
		return
	}
	info := c.pass.TypesInfo
	g := c.graph(f)
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit {
			return false
		}
		loop, ok := n.(*ast.RangeStmt)
		if !ok {
			return true
		}
		id := astq.Ident(loop.X)
		for _, col := range cols {
			if id == nil || info.ObjectOf(id) != col.keys || loop.Pos() < col.scan.End() {
				continue
			}
			for _, o := range f.ops {
				if o.kind != opDelete || o.call.Pos() < loop.Body.Pos() || o.call.End() > loop.Body.End() ||
					!sameMap(info, o.recv, col.recv) || !collectedKey(info, loop, o.key) {
					continue
				}
				if c.atomicCollection(f, g, col, loop, o) || c.sequentialTest(f, col.recv) {
					continue
				}
				c.reportCollected(col, o)
			}
		}
		return true
	})
}

// collections returns the scans in f (or in the Range literals it
// calls) appending keys whose value passes a test to a variable of f.
func (c *checker) collections(f *fn) []collection {
	info := c.pass.TypesInfo
	var out []collection
	add := func(recv ast.Expr, scan ast.Node, body *ast.BlockStmt, key, value types.Object, plain bool, check *ast.CallExpr) {
		if key == nil || value == nil || cacheNamed(recv) ||
			c.localMap(f, recv) || c.ownedByLoop(f, recv) || c.ownedByGoroutine(f, recv) {
			return
		}
		for _, a := range appendsDecided(info, body, key, value) {
			keys := info.ObjectOf(astq.Ident(a.Lhs[0]))
			if keys != nil && (keys.Pos() >= f.body.Pos() && keys.Pos() < f.body.End() || keys.Parent() == c.pass.Pkg.Scope()) {
				out = append(out, collection{recv: recv, keys: keys, at: a, scan: scan, plain: plain, check: check})
			}
		}
	}
	// checked adds the keys a scan collects because a Load of a map by
	// the key handed over found a value that passed a test (headscale's
	// cleanup ranges over its disconnect times and collects the nodes
	// whose connection, loaded from another map, has no active
	// connection).
	checked := func(scan ast.Node, body *ast.BlockStmt, keys ...types.Object) {
		ast.Inspect(body, func(n ast.Node) bool {
			if _, isLit := n.(*ast.FuncLit); isLit {
				return false
			}
			a, ok := n.(*ast.AssignStmt)
			if !ok || len(a.Lhs) != 2 || len(a.Rhs) != 1 {
				return true
			}
			call, ok := astq.Unparen(a.Rhs[0]).(*ast.CallExpr)
			if !ok {
				return true
			}
			o, ok := c.mapOp(call)
			if !ok || o.kind != opLoad || o.plain {
				return true
			}
			for _, key := range keys {
				if key != nil && isKeyParam(info, o.key, key) {
					add(o.recv, scan, body, key, info.ObjectOf(astq.Ident(a.Lhs[0])), false, call)
				}
			}
			return true
		})
	}
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.RangeStmt:
			key, value := info.ObjectOf(astq.Ident(n.Key)), info.ObjectOf(astq.Ident(n.Value))
			if plainMap(info, n.X) && n.Key != nil && n.Value != nil {
				add(n.X, n, n.Body, key, value, true, nil)
			}
			checked(n, n.Body, key, value)
		case *ast.CallExpr:
			if lit, scan, ok := c.rangeCall(n); ok {
				var params []types.Object
				for _, field := range lit.Type.Params.List {
					for _, name := range field.Names {
						params = append(params, info.Defs[name])
					}
				}
				if len(params) == 2 {
					add(scan.recv, n, lit.Body, params[0], params[1], false, nil)
					checked(n, lit.Body, params[0])
				}
			}
		}
		return true
	})
	return out
}

// appendsDecided returns the statements keys = append(keys, k) in body
// that run only when a condition reading value holds.
func appendsDecided(info *types.Info, body *ast.BlockStmt, key, value types.Object) []*ast.AssignStmt {
	var out []*ast.AssignStmt
	var conds []ast.Expr
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.IfStmt:
			if n.Init != nil {
				ast.Inspect(n.Init, visit)
			}
			conds = append(conds, n.Cond)
			ast.Inspect(n.Body, visit)
			conds = conds[:len(conds)-1]
			if n.Else != nil {
				conds = append(conds, n.Cond)
				ast.Inspect(n.Else, visit)
				conds = conds[:len(conds)-1]
			}
			return false
		case *ast.AssignStmt:
			if appendsKey(info, n, key) && decidedBy(info, conds, value) {
				out = append(out, n)
			}
		}
		return true
	}
	ast.Inspect(body, visit)
	return out
}

// appendsKey reports whether a is keys = append(keys, k), k being the key
// (or a type assertion or conversion of it).
func appendsKey(info *types.Info, a *ast.AssignStmt, key types.Object) bool {
	if a.Tok != token.ASSIGN || len(a.Lhs) != 1 || len(a.Rhs) != 1 || astq.Ident(a.Lhs[0]) == nil {
		return false
	}
	call, ok := astq.Unparen(a.Rhs[0]).(*ast.CallExpr)
	if !ok || len(call.Args) != 2 || call.Ellipsis.IsValid() {
		return false
	}
	if b, isBuiltin := info.Uses[astq.Ident(call.Fun)].(*types.Builtin); !isBuiltin || b.Name() != "append" {
		return false
	}
	return astq.Same(info, call.Args[0], a.Lhs[0]) && isKeyParam(info, call.Args[1], key)
}

// decidedBy reports whether one of conds reads value.
func decidedBy(info *types.Info, conds []ast.Expr, value types.Object) bool {
	for _, cond := range conds {
		if usesObj(info, cond, value) {
			return true
		}
	}
	return false
}

// collectedKey reports whether k is the element a loop over the
// collected keys hands over: its value variable, or keys[i] for its index.
func collectedKey(info *types.Info, loop *ast.RangeStmt, k ast.Expr) bool {
	if ta, ok := astq.Unparen(k).(*ast.TypeAssertExpr); ok {
		// The slice holds the keys under a wider type (fyne's
		// expiredObjects, []fyne.CanvasObject, deleted from the renderers
		// map by widget).
		k = ta.X
	}
	if loop.Value != nil && astq.Same(info, k, loop.Value) {
		return true
	}
	idx, ok := astq.Unparen(k).(*ast.IndexExpr)
	return ok && loop.Key != nil && astq.Same(info, idx.X, loop.X) && astq.Same(info, idx.Index, loop.Key)
}

// atomicCollection reports whether the delete o of a collected key is
// atomic with the scan: the delete loop looks at the entry again (a Load,
// an index of the Go map) before it, or, on a concurrent map, an exclusive
// lock is held from the scan to the delete; on a Go map, the scan's lock
// must be released between them and held exclusively at the delete, or
// the map is left alone as plainLocked leaves it.
func (c *checker) atomicCollection(f *fn, g *graph, col collection, loop *ast.RangeStmt, o op) bool {
	info := c.pass.TypesInfo
	looked := false
	ast.Inspect(loop.Body, func(n ast.Node) bool {
		if looked || n == nil || n.Pos() >= o.call.Pos() {
			return false
		}
		switch n := n.(type) {
		case *ast.IndexExpr:
			looked = sameMap(info, n.X, col.recv)
		case *ast.CallExpr:
			if other, ok := c.mapOp(n); ok && other.kind != opDelete && sameMap(info, other.recv, col.recv) {
				looked = true
			}
		}
		return !looked
	})
	if looked {
		return true
	}
	del, ok := g.calls[o.call]
	if !ok {
		return true
	}
	if !col.plain {
		scan, ok := scanSite(g, col)
		if !ok {
			return true
		}
		bt, ok := g.between(scan, del)
		if !ok {
			return true
		}
		for lock := range g.heldAt(c.locks, scan) {
			if g.heldAt(c.locks, del)[lock] && !bt.released(c.locks, lock) {
				return true
			}
		}
		return false
	}
	at, ok := nodeSite(g, col.at)
	if !ok {
		return true
	}
	bt, ok := g.between(at, del)
	if !ok {
		return true
	}
	atScan := g.anyHeldAt(c.locks, at)
	atDelete := g.heldAt(c.locks, del)
	for held := range atScan {
		lock := lockBase(held) + ".w"
		if atDelete[lock] && bt.released(c.locks, held) {
			return false
		}
	}
	return true
}

// scanSite returns the site of a concurrent map's scan in f: its Range
// call, or, for a range statement checking the map inside, the append.
func scanSite(g *graph, col collection) (site, bool) {
	if call, ok := col.scan.(*ast.CallExpr); ok {
		s, ok := g.calls[call]
		return s, ok
	}
	return nodeSite(g, col.at)
}

// nodeSite returns the site of the block node n.
func nodeSite(g *graph, n ast.Node) (site, bool) {
	for _, b := range g.cfg.Blocks {
		for i, bn := range b.Nodes {
			if bn == n {
				return site{b, i}, true
			}
		}
	}
	return site{}, false
}

// reportCollected reports the delete o of a key col collected.
func (c *checker) reportCollected(col collection, o op) {
	fset := c.pass.Fset
	write := fmt.Sprintf("%s.%s(%s)", render(fset, o.recv), o.name, render(fset, o.key))
	scan := fmt.Sprintf("%s.Range", render(fset, col.recv))
	fix := "CompareAndDelete with the value the scan saw"
	if col.plain {
		write = plainText(render(fset, o.recv), render(fset, o.key), o)
		scan = "the range over " + render(fset, col.recv)
		fix = "a second look at the entry under the lock the delete is made with"
	}
	collected := fmt.Sprintf("%s on line %d collected, decided there by the value it saw", scan, fset.Position(col.scan.Pos()).Line)
	if col.check != nil {
		collected = fmt.Sprintf("collected on line %d, decided there by the value %s on line %d found", fset.Position(col.at.Pos()).Line, render(fset, col.check), fset.Position(col.check.Pos()).Line)
		fix = "CompareAndDelete with the value the check saw"
	}
	c.emit(ruleCollectDelete, analysis.Diagnostic{
		Pos: o.call.Pos(),
		End: o.call.End(),
		Message: fmt.Sprintf("%s of a key %s, is not atomic with it: another goroutine can store a new value for the key in between, and this %s removes it; use %s",
			write, collected, o.name, fix),
		Related: []analysis.RelatedInformation{{Pos: col.at.Pos(), End: col.at.End(), Message: "the key collected"}},
	})
}

// checkCollectorDeletes reports the same race split across helpers: a
// loop over the keys a method of the package collected and returned
// (expiredIDs ranges over the sessions under the read lock and returns
// the IDs of the expired ones), deleting each through a
// remover that locks (Delete; a remover deciding the delete by the entry
// is no plain delete, see via.go). A
// session touched in between is deleted with the stale ones (the third
// textbook set's r18). The loop may range over the call itself or over a
// local assigned from it once.
func (c *checker) checkCollectorDeletes(f *fn) {
	if f.decl == nil || c.callerLocked(f) || teardown(f) || testFile(c.pass, f.body.Pos()) {
		return
	}
	info := c.pass.TypesInfo
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit {
			return false
		}
		loop, ok := n.(*ast.RangeStmt)
		if !ok || loop.Value == nil {
			return true
		}
		call := c.collectorSource(f, loop.X)
		if call == nil {
			return true
		}
		col, m, ok := c.collectorCall(call)
		if !ok {
			return true
		}
		field := fieldOf(info, col.recv)
		if field == nil {
			return true
		}
		ast.Inspect(loop.Body, func(n ast.Node) bool {
			if _, isLit := n.(*ast.FuncLit); isLit {
				return false
			}
			del, isCall := n.(*ast.CallExpr)
			if !isCall {
				return true
			}
			if c.readsAgainBefore(loop.Body, del, field) {
				return false
			}
			for _, w := range c.viaWrites(del) {
				if w.kind != opDelete || !sameMap(info, w.recv, m) || !collectedKey(info, loop, w.key) {
					continue
				}
				c.reportCollectedVia(call, col, w)
				return false
			}
			return true
		})
		return true
	})
}

// collectorSource returns the call a range loop's operand comes from:
// the operand itself, or the one call a local of f is assigned from.
func (c *checker) collectorSource(f *fn, x ast.Expr) *ast.CallExpr {
	x = astq.Unparen(x)
	if id := astq.Ident(x); id != nil {
		v, ok := c.pass.TypesInfo.Uses[id].(*types.Var)
		if !ok || v.Pos() < f.body.Pos() || v.Pos() >= f.body.End() {
			return nil
		}
		from := assignedFrom(c.pass.TypesInfo, f.body, v)
		if len(from) != 1 {
			return nil
		}
		x = astq.Unparen(from[0])
	}
	call, _ := x.(*ast.CallExpr)
	return call
}

// collectorCall recognises a call of a collector: a method of the package
// whose one result is the slice a scan in it collects keys into (see
// collections): a range over a Go map of its receiver or a Range of a
// concurrent one. It returns the collection and the map in the caller's
// terms. A collector that takes no lock serves callers holding one, whose
// removers take none either and store nothing through calls (see via.go).
func (c *checker) collectorCall(call *ast.CallExpr) (collection, ast.Expr, bool) {
	info := c.pass.TypesInfo
	d, recv, x, ok := c.packageMethod(call)
	if !ok || info.Defs[d.Name].(*types.Func).Signature().Results().Len() != 1 {
		return collection{}, nil, false
	}
	hf := c.funcs[d]
	if hf == nil {
		return collection{}, nil, false
	}
	for _, col := range c.collections(hf) {
		if col.check != nil || !returnsOnly(info, hf, col.keys) {
			continue
		}
		if m, ok := rebase(info, col.recv, recv, x); ok {
			return col, m, true
		}
	}
	return collection{}, nil, false
}

// returnsOnly reports whether every return of f (not of its literals)
// hands back the variable v alone.
func returnsOnly(info *types.Info, f *fn, v types.Object) bool {
	return eachReturn(f.body, func(r *ast.ReturnStmt) bool {
		return len(r.Results) == 1 && isObj(info, r.Results[0], v)
	})
}

// readsAgainBefore reports whether the loop body, before the call del, reads
// the map field again (an index of it, a Load, or a check helper of the
// package reading it): the delete is then decided anew.
func (c *checker) readsAgainBefore(body *ast.BlockStmt, del *ast.CallExpr, field *types.Var) bool {
	info := c.pass.TypesInfo
	looked := false
	ast.Inspect(body, func(n ast.Node) bool {
		if looked || n == nil || n.Pos() >= del.Pos() {
			return false
		}
		switch n := n.(type) {
		case *ast.IndexExpr:
			looked = fieldOf(info, n.X) == field
		case *ast.CallExpr:
			if o, ok := c.viaCheck(n); ok && fieldOf(info, o.recv) == field {
				looked = true
			}
			if o, ok := c.mapOp(n); ok && o.kind != opDelete && fieldOf(info, o.recv) == field {
				looked = true
			}
		}
		return !looked
	})
	return looked
}

// reportCollectedVia reports the delete w of a key the collector call
// collected.
func (c *checker) reportCollectedVia(call *ast.CallExpr, col collection, w write) {
	fset := c.pass.Fset
	c.emit(ruleCollectDelete, analysis.Diagnostic{
		Pos: w.call.Pos(),
		End: w.call.End(),
		Message: fmt.Sprintf("%s, which deletes %s[%s] through %s, of a key %s collected (line %d, decided there by the value it saw), is not atomic with it: another goroutine can store a new value for the key in between, and this delete removes it; use a second look at the entry under the lock the delete is made with",
			render(fset, w.call), render(fset, w.recv), render(fset, w.key), c.describeVia(w.via), render(fset, call), fset.Position(col.at.Pos()).Line),
		Related: []analysis.RelatedInformation{{Pos: call.Pos(), End: call.End(), Message: "the keys collected"}},
	})
}
