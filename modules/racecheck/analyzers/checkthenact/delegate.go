package checkthenact

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// Locked wrappers of unlocked helpers. The most common way to guard a Go map
// splits each operation in two: an unexported helper that reads or writes
// the map and takes no lock (it is called with the lock held), and an
// exported method that takes the lock, calls it and releases the lock:
//
//	func (c *Cache) get(k string) *entry { return c.values[k] }
//
//	func (c *Cache) Get(k string) *entry {
//		c.mu.Lock()
//		defer c.mu.Unlock()
//		return c.get(k)
//	}
//
// Such a wrapper is a getter, setter or remover that locks, as if the
// helper's body were written inside it, and a caller's `if c.Get(k) == nil
// { c.Set(k, v) }` is the same check-then-act across two critical sections
// as with the map operations in place (jellydator/ttlcache's GetOrSet and
// GetAndDelete before 0a03e09 were of this kind). Only a helper that holds
// no lock of its own at its op counts (its caller's lock guards it), and
// only a wrapper that holds a lock reached from the map's own root at the
// call and releases it itself; a check wrapper must hand back exactly what
// the helper found.

// unlockedAt reports whether f holds no lock of its own at its op o that
// could guard o's map: it makes o as its caller's lock allows. It may lock
// other things elsewhere (ttlcache's set counts an insertion under
// metricsMu after its write), and even around o a lock of a struct the map
// is not in (its evict deletes while it holds c.events.eviction.mu, which
// guards the eviction callbacks, not c.items.values).
func (c *checker) unlockedAt(f *fn, o op) bool {
	g := c.graph(f)
	at, ok := g.calls[o.call]
	if !ok {
		return false
	}
	m := types.ExprString(o.recv)
	for l := range g.anyHeldAt(c.locks, at) {
		owner, _, named := strings.Cut(lockBase(l), "→")
		if !named {
			owner = lockBase(l)
			if i := strings.LastIndexByte(owner, '.'); i >= 0 {
				owner = owner[:i]
			} else {
				owner = ""
			}
		}
		if owner == "" || m == owner || strings.HasPrefix(m, owner+".") {
			return false
		}
	}
	return true
}

// delegateChecks adds to checkVia the wrappers of the unlocked check helpers
// in unlocked: a function that calls one under a lock it takes and releases
// itself, with the key from one of its own parameters as it is, and returns
// exactly the helper's results, or answers nil exactly where the helper
// found nothing (answersMiss).
func (c *checker) delegateChecks(decls []*fn, unlocked map[*types.Func]checkVia) {
	info := c.pass.TypesInfo
	for _, f := range decls {
		obj, ok := info.Defs[f.decl.Name].(*types.Func)
		if !ok {
			continue
		}
		if _, known := c.checkVia[obj]; known {
			continue
		}
		for _, call := range f.calls {
			callee := typeutil.StaticCallee(info, call)
			s, ok := unlocked[callee]
			if !ok || s.key < 0 || s.key >= len(call.Args) {
				continue
			}
			if !returnsResultsOf(info, f, call) && (s.kind != opLoad || s.errAbsent || !answersMiss(info, f, call)) {
				continue
			}
			ri, path, lock, ok := c.wrapped(f, obj, call, s.root, s.path, false)
			if !ok {
				continue
			}
			kid := astq.Ident(call.Args[s.key])
			if kid == nil {
				continue
			}
			ki, ok := paramIndex(obj, info.ObjectOf(kid))
			if !ok || ki < 0 {
				continue
			}
			s.root, s.path, s.key, s.lock = ri, path, ki, lock
			c.checkVia[obj] = s
			break
		}
	}
}

// wrapped returns where f (obj) reaches the map of a call of a helper
// whose map is path from root, and the lock f takes and releases itself
// around the call (held exclusively when writing), reached from that
// map's root; false when f checks that map itself or holds no such lock.
func (c *checker) wrapped(f *fn, obj *types.Func, call *ast.CallExpr, root mapRoot, path []*ast.Ident, writing bool) (mapRoot, []*ast.Ident, *lockPath, bool) {
	x := root.expr(c.pass.TypesInfo, call)
	if x == nil {
		return mapRoot{}, nil, nil, false
	}
	m := c.mapPath(x, path)
	for _, o := range f.ops {
		if o.call != call && o.kind != opStore && o.kind != opDelete && sameMap(c.pass.TypesInfo, o.recv, m) && !(writing && c.looksUpFor(f, o, call)) {
			return mapRoot{}, nil, nil, false
		}
	}
	lock := c.lockAroundCall(f, call, m, writing)
	if lock == nil {
		return mapRoot{}, nil, nil, false
	}
	rootID, fpath, ok := c.splitPath(m)
	if !ok {
		return mapRoot{}, nil, nil, false
	}
	ri, ok := c.rootOf(obj, rootID)
	return ri, fpath, lock, ok
}

// looksUpFor reports whether the check o of a Go map in f only finds the
// element that f hands to the writing helper's call: `elem := m[k]; if
// elem == nil { return }; c.evict(elem)` (ttlcache's Delete) deletes k,
// whatever is there, as `delete(m, k)` would; the element is used for
// nothing else, and only its presence is tested.
func (c *checker) looksUpFor(f *fn, o op, call *ast.CallExpr) bool {
	info := c.pass.TypesInfo
	if _, plain := c.synthetic[o.call]; !plain {
		return false
	}
	value, ok := c.loadedVars(f.body, o)
	if value == nil || ok != nil {
		return false
	}
	arg := false
	for _, a := range call.Args {
		if id := astq.Ident(a); id != nil && info.ObjectOf(id) == value {
			arg = true
		}
	}
	if !arg {
		return false
	}
	uses := 0
	tests := 0
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			if info.Uses[n] == value {
				uses++
			}
		case *ast.CallExpr:
			if n == call {
				for _, a := range n.Args {
					if id := astq.Ident(a); id != nil && info.ObjectOf(id) == value {
						tests++
					}
				}
			}
		case *ast.BinaryExpr:
			if n.Op == token.EQL || n.Op == token.NEQ {
				for _, pair := range [][2]ast.Expr{{n.X, n.Y}, {n.Y, n.X}} {
					if id := astq.Ident(pair[0]); id != nil && info.ObjectOf(id) == value && isNil(info, pair[1]) {
						tests++
					}
				}
			}
		}
		return true
	})
	return uses == tests
}

// answersMiss reports whether f, with one result, answers nil exactly where
// call found nothing, although not only there: call's result is assigned
// to a variable v that nothing else assigns, an `if v == nil` right after
// (in the same block) ends in a return, each of its returns is nil or the
// result of another call (a fallback, such as ttlcache's getWithOpts
// answering a miss with its loader's result), and every other return of f
// mentions v. A nil from f then means the key was absent; a value is what
// the map held or the fallback's answer, and on the path where the map held
// it, a delete or store after the call races with the other callers as after
// any check (ttlcache's GetAndDelete: two callers both get the item, both
// delete it and both report it was present).
func answersMiss(info *types.Info, f *fn, call *ast.CallExpr) bool {
	if f.decl.Type.Results.NumFields() != 1 {
		return false
	}
	var v *types.Var
	var guard *ast.IfStmt
	ast.Inspect(f.body, func(n ast.Node) bool {
		block, ok := n.(*ast.BlockStmt)
		if !ok || v != nil {
			return v == nil
		}
		for i, st := range block.List {
			a, ok := st.(*ast.AssignStmt)
			if !ok || len(a.Lhs) != 1 || len(a.Rhs) != 1 || astq.Unparen(a.Rhs[0]) != call {
				continue
			}
			id := astq.Ident(a.Lhs[0])
			if id == nil {
				return false
			}
			lv, ok := info.ObjectOf(id).(*types.Var)
			if !ok {
				return false
			}
			v = lv
			for _, next := range block.List[i+1:] {
				ifs, ok := next.(*ast.IfStmt)
				if ok && ifs.Init == nil && isNilTest(info, ifs.Cond, v) {
					guard = ifs
					break
				}
			}
			return false
		}
		return true
	})
	if v == nil || guard == nil || len(assignedFrom(info, f.body, v)) != 1 || len(guard.Body.List) == 0 {
		return false
	}
	if _, ends := guard.Body.List[len(guard.Body.List)-1].(*ast.ReturnStmt); !ends {
		return false
	}
	return eachReturn(f.body, func(r *ast.ReturnStmt) bool {
		if len(r.Results) != 1 {
			return false
		}
		e := astq.Unparen(r.Results[0])
		if r.Pos() >= guard.Body.Pos() && r.End() <= guard.Body.End() {
			_, fallback := e.(*ast.CallExpr)
			return isNil(info, e) || fallback && !usesObj(info, e, v)
		}
		return usesObj(info, e, v)
	})
}

// isNilTest reports whether cond is v == nil.
func isNilTest(info *types.Info, cond ast.Expr, v *types.Var) bool {
	b, ok := astq.Unparen(cond).(*ast.BinaryExpr)
	if !ok || b.Op != token.EQL {
		return false
	}
	x, y := astq.Unparen(b.X), astq.Unparen(b.Y)
	if isNil(info, x) {
		x, y = y, x
	}
	id := astq.Ident(x)
	return id != nil && info.ObjectOf(id) == v && isNil(info, y)
}

// returnsResultsOf reports whether every return of f (not of its literals)
// hands back call's results as they are: `return call`, or the variables
// `a, b := call` assigned, in order, when nothing else assigns them.
func returnsResultsOf(info *types.Info, f *fn, call *ast.CallExpr) bool {
	var vars []types.Object
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit {
			return false
		}
		if a, ok := n.(*ast.AssignStmt); ok && len(a.Rhs) == 1 && astq.Unparen(a.Rhs[0]) == call {
			for _, l := range a.Lhs {
				id := astq.Ident(l)
				if id == nil || id.Name == "_" {
					vars = nil
					return false
				}
				vars = append(vars, info.ObjectOf(id))
			}
		}
		return true
	})
	for _, v := range vars {
		if lv, ok := v.(*types.Var); !ok || len(assignedFrom(info, f.body, lv)) != 1 {
			return false
		}
	}
	return eachReturn(f.body, func(r *ast.ReturnStmt) bool {
		if len(r.Results) == 1 && astq.Unparen(r.Results[0]) == call {
			return true
		}
		if len(vars) == 0 || len(r.Results) != len(vars) {
			return false
		}
		for i, e := range r.Results {
			id := astq.Ident(e)
			if id == nil || info.ObjectOf(id) != vars[i] {
				return false
			}
		}
		return true
	})
}

// delegateWrites returns the writes the package's functions make by calling
// an unlocked write helper of unlocked under a lock they take and release
// themselves, in their own terms.
func (c *checker) delegateWrites(decls []*fn, unlocked map[*types.Func][]writeVia) map[*types.Func][]writeVia {
	info := c.pass.TypesInfo
	out := map[*types.Func][]writeVia{}
	for _, f := range decls {
		obj, ok := info.Defs[f.decl.Name].(*types.Func)
		if !ok {
			continue
		}
		for _, call := range f.calls {
			callee := typeutil.StaticCallee(info, call)
			if callee == nil || call.Ellipsis.IsValid() {
				continue
			}
			for _, s := range unlocked[callee] {
				if s.key < 0 || !oneArg(callee, call, s.key) {
					continue
				}
				ri, path, lock, ok := c.wrapped(f, obj, call, s.root, s.path, true)
				if !ok {
					continue
				}
				decidedBy := c.conditionParams(f, obj, op{call: call})
				for _, p := range s.decidedBy {
					if p >= 0 && p < len(call.Args) {
						decidedBy = append(decidedBy, c.derivedParams(f, obj, call.Args[p])...)
					}
				}
				value, holds := -1, -1
				if s.value >= 0 && s.value < len(call.Args) {
					value = c.paramAt(obj, call.Args[s.value])
				}
				if s.holds >= 0 && s.holds < len(call.Args) {
					holds = c.paramAt(obj, call.Args[s.holds])
				}
				for _, k := range c.derivedParams(f, obj, call.Args[s.key]) {
					out[obj] = append(out[obj], writeVia{root: ri, path: path, key: k, write: s.write,
						chain: append([]string{f.decl.Name.Name}, s.chain...), lock: lock, lockedBy: f.decl.Name.Name,
						decidedBy: decidedBy, value: value, holds: holds})
				}
			}
		}
	}
	return out
}
