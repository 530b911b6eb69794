package checkthenact

import (
	"fmt"
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A get-or-create whose create refuses a key that exists: the function
// answers the entry its check finds, and where the check finds none it
// calls a creator of the package that looks again under its own lock and
// fails when the key is there (AlreadyExists), and hands that error back.
// Two goroutines both miss, both call the creator, and the one that comes
// second fails, where a moment later its check would have found the entry
// (gcpug/handy-spanner#77: getOrCreateDatabase answered AlreadyExists to
// concurrent first callers; the fix looks again on that error).
//
//	if db, ok := s.lookup(name); ok { return db, nil }
//	db, err := s.create(name)   // refuses name when it finds it
//	if err != nil { return nil, err }
//	return db, nil
//
// The creator is a function of the package whose last result is an error,
// that checks a map by a key handed to it as a parameter, answers an
// error of its own where it finds the key (see refusesPresent), and
// stores into the same map under that key; or claims the key with a
// LoadOrStore-like call and answers its error when the claim finds it. The creation is atomic; the
// caller's decision to create is not.

// refuser says that calling a function creates an entry in the map
// root.path… under the key in parameter key, and fails when the key
// exists.
type refuser struct {
	root mapRoot
	path []*ast.Ident
	key  int
}

// summarizeRefusers finds the package's creators that refuse a key that
// exists.
func (c *checker) summarizeRefusers(decls []*fn) {
	info := c.pass.TypesInfo
	c.refusers = map[*types.Func][]refuser{}
	for _, f := range decls {
		obj, ok := info.Defs[f.decl.Name].(*types.Func)
		if !ok {
			continue
		}
		res := obj.Signature().Results()
		if res.Len() == 0 || !isError(res.At(res.Len()-1).Type()) {
			continue
		}
		for _, o := range f.ops {
			claim := o.kind == opClaim && getOrSet(info, o) && insertsIfAbsent(o.name)
			if o.kind != opLoad && o.kind != opHas && !claim {
				continue
			}
			kid := astq.Ident(o.key)
			if kid == nil {
				continue
			}
			ki, isParam := paramIndex(obj, info.ObjectOf(kid))
			if !isParam || ki < 0 || !claim && !c.insertsKey(f, o) {
				continue
			}
			at, ok := c.graph(f).calls[o.call]
			if !ok {
				continue
			}
			ch, ok := asCheck(info, o, at)
			if !ok || !c.refusesPresent(f, ch) {
				continue
			}
			ri, path, ok := c.helperMap(obj, o.recv)
			if !ok {
				continue
			}
			c.refusers[obj] = append(c.refusers[obj], refuser{root: ri, path: path, key: ki})
			break
		}
	}
}

// insertsKey reports whether f stores into the map of its check o under
// o's key.
func (c *checker) insertsKey(f *fn, o op) bool {
	info := c.pass.TypesInfo
	for _, w := range f.ops {
		if (w.kind == opStore || w.kind == opClaim && insertsIfAbsent(w.name)) && sameMap(info, w.recv, o.recv) && sameKey(info, w.key, o.key) {
			return true
		}
	}
	return false
}

// checkLostCreates reports f's calls of refusing creators made only where
// a check of the same map and key found nothing, with no lock held across,
// when f answers the entry its check found with a nil error and hands the
// creator's error back.
func (c *checker) checkLostCreates(f *fn) {
	if len(c.refusers) == 0 || f.decl == nil || testFile(c.pass, f.body.Pos()) || c.callerLocked(f) {
		return
	}
	info := c.pass.TypesInfo
	type creation struct {
		call *ast.CallExpr
		m    ast.Expr
		key  ast.Expr
		name string
	}
	var creations []creation
	for _, call := range f.calls {
		callee := typeutil.StaticCallee(info, call)
		for _, r := range c.refusers[callee] {
			root := r.root.expr(info, call)
			if root == nil || r.key >= len(call.Args) {
				continue
			}
			creations = append(creations, creation{call: call, m: c.mapPath(root, r.path), key: call.Args[r.key], name: callee.Name()})
		}
	}
	if len(creations) == 0 {
		return
	}
	g := c.graph(f)
	var checks []check
	var claims []op
	ops := f.ops
	for _, call := range f.calls {
		if o, ok := c.viaCheck(call); ok {
			ops = append(ops, o)
		}
	}
	for _, o := range ops {
		at, ok := g.calls[o.call]
		if !ok {
			continue
		}
		if o.kind == opClaim {
			claims = append(claims, o)
		}
		if o.kind == opLoad || o.kind == opHas {
			if ch, ok := asCheck(info, o, at); ok {
				checks = append(checks, ch)
			}
		}
	}
	for _, cr := range creations {
		at, ok := g.calls[cr.call]
		if !ok || !c.handsBackError(f, cr.call) || c.looksAfter(f, ops, cr.call, cr.m, cr.key) {
			continue
		}
		for _, ch := range checks {
			if !sameMap(info, ch.recv, cr.m) || !sameKey(info, ch.key, cr.key) || !c.answersFound(f, ch) {
				continue
			}
			bt, ok := g.between(ch.at, at)
			if !ok {
				continue
			}
			w := write{op: op{call: cr.call, kind: opStore, name: cr.name, shape: ch.shape, recv: cr.m, key: cr.key}, at: at, via: &writeVia{key: -1, holds: -1}}
			fd := c.analyzePair(f, g, ch, w, bt)
			if fd == nil || fd.kind != insertIfAbsent && fd.kind != nothing || c.atomicBetween(g, bt, ch, claims) {
				continue
			}
			key := render(c.pass.Fset, cr.key)
			c.emit(ruleLostCreate, analysis.Diagnostic{
				Pos: cr.call.Pos(), End: cr.call.End(),
				Message: fmt.Sprintf("%s after %s on line %d runs only when the check found no entry, and fails when it finds %s: another goroutine can create %s in between, and this call fails where the function answers the entry its check finds; on that error, look again and answer the entry there",
					shortRender(c.pass.Fset, cr.call), c.checkText(ch), c.pass.Fset.Position(ch.call.Pos()).Line, key, key),
				Related: []analysis.RelatedInformation{{Pos: ch.call.Pos(), End: ch.call.End(), Message: "the check"}},
			})
			break
		}
	}
}

// looksAfter reports whether f looks at the key again after the call: a
// check of the same map and key later in f (directly or through a check
// helper), or a call of f itself (the fix of handy-spanner#77 calls
// getOrCreateDatabase again on AlreadyExists).
func (c *checker) looksAfter(f *fn, ops []op, call *ast.CallExpr, m, key ast.Expr) bool {
	info := c.pass.TypesInfo
	for _, o := range ops {
		if (o.kind == opLoad || o.kind == opHas) && o.call.Pos() > call.End() && sameMap(info, o.recv, m) && sameKey(info, o.key, key) {
			return true
		}
	}
	self := info.Defs[f.decl.Name]
	for _, other := range f.calls {
		if other.Pos() > call.End() && typeutil.StaticCallee(info, other) == self {
			return true
		}
	}
	return false
}

// handsBackError reports whether f returns the error call answers: call
// is returned as it is, or its last result is assigned to a variable a
// return statement of f reads.
func (c *checker) handsBackError(f *fn, call *ast.CallExpr) bool {
	info := c.pass.TypesInfo
	var errVar types.Object
	found := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			for _, r := range n.Results {
				if astq.Unparen(r) == ast.Expr(call) {
					found = true
				}
			}
		case *ast.AssignStmt:
			if len(n.Rhs) == 1 && astq.Unparen(n.Rhs[0]) == ast.Expr(call) && len(n.Lhs) > 0 {
				if id := astq.Ident(n.Lhs[len(n.Lhs)-1]); id != nil && id.Name != "_" {
					errVar = info.ObjectOf(id)
				}
			}
		}
		return !found
	})
	if found || errVar == nil {
		return found
	}
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit || found {
			return false
		}
		if r, ok := n.(*ast.ReturnStmt); ok && r.Pos() > call.End() {
			for _, e := range r.Results {
				if usesObj(info, e, errVar) {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// answersFound reports whether f returns the value its check ch found
// with a nil error: a get-or-create, not a create that refuses too.
func (c *checker) answersFound(f *fn, ch check) bool {
	info := c.pass.TypesInfo
	if ch.value == nil {
		return false
	}
	found := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit || found {
			return false
		}
		r, ok := n.(*ast.ReturnStmt)
		if !ok || len(r.Results) < 2 || !isNil(info, r.Results[len(r.Results)-1]) {
			return true
		}
		for _, e := range r.Results[:len(r.Results)-1] {
			if usesObj(info, e, ch.value) {
				found = true
			}
		}
		return !found
	})
	return found
}
