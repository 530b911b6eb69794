package checkthenact

// Races whose every interleaving leaves the map as a correct sequential
// run would: a repair of entries the program never stores, a Store
// skipped only when the map already holds its value, and a call on an
// insert branch that a second equal call would not change.

import (
	"cmp"
	"go/ast"
	"go/token"
	"go/types"
	"iter"
	"maps"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/cfg"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// foreignRepair reports whether a Delete decided by the loaded value is a
// repair of an entry the program never stores: every condition that
// decides it is the failure of a test of the loaded value's type
// (_, ok := v.(T), or a helper of the package that asserts its parameter
// to T and returns (T, bool)), and every store into the map in the
// package's non-test files stores a value whose static type is T or
// implements it (a claim that only deletes, LoadAndDelete or
// CompareAndDelete, stores nothing). The map must be an unexported field
// or package variable used nowhere but as the receiver of its own methods,
// so no other code can store into it. Such a Delete never runs against an
// entry the package stored, so it cannot remove a fresh one (dubbo-go's
// directory drops cached invokers of the wrong type; only its tests store
// them).
func (c *checker) foreignRepair(f *fn, ch check, w write, conds []guardEdge) bool {
	info := c.pass.TypesInfo
	if len(conds) == 0 || ch.value == nil {
		return false
	}
	var asserted types.Type
	for _, gd := range conds {
		// The Delete runs when the test fails: the outcome that skips it
		// is the failure condition (!ok) being false.
		if gd.cond == nil || gd.skipIfTrue {
			return false
		}
		t := c.typeTestFailure(f, ch, gd.cond)
		if t == nil || asserted != nil && !types.Identical(t, asserted) {
			return false
		}
		asserted = t
	}
	m := mapObject(info, w.recv)
	if m == nil || m.Exported() {
		return false
	}
	stores := 0
	for _, o := range c.opsOn(m) {
		if o.kind != opStore && o.kind != opClaim || o.kind == opClaim && strings.Contains(o.name, "Delete") {
			continue
		}
		v := storedValue(o)
		if v == nil {
			return false
		}
		// A concrete type passes the test when it is T or implements it;
		// an interface type only when it implements T.
		tv := info.Types[v]
		if tv.Type == nil || tv.IsNil() || !types.AssignableTo(tv.Type, asserted) {
			return false
		}
		stores++
	}
	return stores > 0 && onlyAsReceiver(c.pass, m)
}

// claimedDelete reports whether a Delete decided by the loaded value runs
// only where a CompareAndSwap on that value succeeded: in place
// (le.unloaded.CompareAndSwap(false, true)) or through a method of the
// package whose body returns the swap (app.tryUnload()). The map must be
// an unexported field or package variable used only as the receiver of its
// own methods, and its every other write in the package's non-test files a
// LoadOrStore-like claim. The swap lets one goroutine through per entry,
// and a LoadOrStore never replaces an entry that is there, so the entry at
// the key when the winner deletes is still the one it loaded
// (asynkron/protoactor-go's endpoint manager, ergo's ApplicationUnload).
// A Store anywhere else could put a fresh entry there for the Delete to
// remove.
func (c *checker) claimedDelete(f *fn, st taintState, w write, conds []guardEdge) bool {
	info := c.pass.TypesInfo
	claimed := false
	for _, gd := range conds {
		claimed = claimed || gd.cond != nil && c.claimIn(f, st, gd.cond, gd.skipIfTrue)
	}
	m := mapObject(info, w.recv)
	if !claimed || m == nil || m.Exported() || !onlyAsReceiver(c.pass, m) {
		return false
	}
	for _, o := range c.opsOn(m) {
		switch {
		case o.call == w.call, o.kind == opLoad, o.kind == opHas:
		case o.kind == opClaim && strings.HasPrefix(o.name, "LoadOr"):
		default:
			return false
		}
	}
	return true
}

// claimIn reports whether the write a guard skips when cond is
// skipIfTrue runs only where a swap swapsLoaded accepts succeeded: the
// swap itself, its negation or comparison with a constant (!won,
// won == false), a local assigned it once (if unloaded := app.tryUnload();
// unloaded == false), or one operand of an && the write needs true or of
// an || it needs false (!exist || !app.tryUnload()).
func (c *checker) claimIn(f *fn, st taintState, cond ast.Expr, skipIfTrue bool) bool {
	info := c.pass.TypesInfo
	switch e := astq.Unparen(cond).(type) {
	case *ast.UnaryExpr:
		return e.Op == token.NOT && c.claimIn(f, st, e.X, !skipIfTrue)
	case *ast.BinaryExpr:
		switch e.Op {
		case token.EQL:
			v, isBool := boolConstant(info, e.Y)
			return isBool && c.claimIn(f, st, e.X, skipIfTrue == v)
		case token.LOR, token.LAND:
			// The write needs every operand false (||, skipped when
			// true) or true (&&, skipped when false).
			if (e.Op == token.LOR) != skipIfTrue {
				return false
			}
			return c.claimIn(f, st, e.X, skipIfTrue) || c.claimIn(f, st, e.Y, skipIfTrue)
		}
	case *ast.Ident:
		if v, isVar := info.Uses[e].(*types.Var); isVar {
			if def := c.onlyAssignment(f, v); def != nil {
				return c.claimIn(f, st, def, skipIfTrue)
			}
		}
		return false
	}
	return !skipIfTrue && c.swapsLoaded(st, cond)
}

// swapsLoaded reports whether cond is a CompareAndSwap on an atomic the
// loaded value holds (le.state.CompareAndSwap(…),
// atomic.CompareAndSwapInt32(&a.state, …)), or a call of a method of the
// package on the loaded value whose body is one return of such a swap on
// the receiver.
func (c *checker) swapsLoaded(st taintState, cond ast.Expr) bool {
	info := c.pass.TypesInfo
	call, ok := astq.Unparen(cond).(*ast.CallExpr)
	if !ok {
		return false
	}
	if op, isAtomic := atomicOpOf(info, call); isAtomic {
		return isSwap(info, call) && st.roles(info, op.v)&fromValue != 0
	}
	d, recv, x, ok := c.packageMethod(call)
	if !ok || len(d.Body.List) != 1 || st.roles(info, x)&fromValue == 0 {
		return false
	}
	ret, isRet := d.Body.List[0].(*ast.ReturnStmt)
	if !isRet || len(ret.Results) != 1 {
		return false
	}
	inner, isCall := astq.Unparen(ret.Results[0]).(*ast.CallExpr)
	if !isCall {
		return false
	}
	op, isAtomic := atomicOpOf(info, inner)
	if !isAtomic || !isSwap(info, inner) {
		return false
	}
	_, onRecv := rebase(info, op.v, recv, x)
	return onRecv
}

// isSwap reports whether call, an atomic step, is a CompareAndSwap.
func isSwap(info *types.Info, call *ast.CallExpr) bool {
	fn := typeutil.Callee(info, call)
	return fn != nil && strings.HasPrefix(fn.Name(), "CompareAndSwap")
}

// opsOn yields the map operations on m (a field or package variable) in
// the package's non-test files, with the function each is in.
func (c *checker) opsOn(m *types.Var) iter.Seq2[*fn, op] {
	return func(yield func(*fn, op) bool) {
		for _, g := range c.funcs {
			for _, o := range g.ops {
				if mapObject(c.pass.TypesInfo, o.recv) == m && !testFile(c.pass, o.call.Pos()) && !yield(g, o) {
					return
				}
			}
		}
	}
}

// typeTestFailure returns T when cond is !ok (or ok == false) for an ok
// that, apart from the check itself, is only ever assigned the result of
// a type test of the loaded value, to T.
func (c *checker) typeTestFailure(f *fn, ch check, cond ast.Expr) types.Type {
	info := c.pass.TypesInfo
	var id *ast.Ident
	switch e := astq.Unparen(cond).(type) {
	case *ast.UnaryExpr:
		if e.Op == token.NOT {
			id = astq.Ident(e.X)
		}
	case *ast.BinaryExpr:
		if e.Op == token.EQL {
			if tv := info.Types[e.Y]; tv.Value != nil && tv.Value.String() == "false" {
				id = astq.Ident(e.X)
			}
		}
	}
	if id == nil {
		return nil
	}
	ok, isVar := info.ObjectOf(id).(*types.Var)
	if !isVar {
		return nil
	}
	var asserted types.Type
	consistent := true // every assignment so far tests the same type
	ast.Inspect(f.body, func(n ast.Node) bool {
		a, isAssign := n.(*ast.AssignStmt)
		if !isAssign || !consistent || len(a.Lhs) != 2 || len(a.Rhs) != 1 {
			return consistent
		}
		if lid := astq.Ident(a.Lhs[1]); lid == nil || info.ObjectOf(lid) != ok {
			return true
		}
		var t types.Type
		switch r := astq.Unparen(a.Rhs[0]).(type) {
		case *ast.CallExpr:
			if r == ch.call {
				return true
			}
			t = c.typeTestHelper(ch, r)
		case *ast.TypeAssertExpr:
			if r.Type != nil && isObj(info, r.X, ch.value) {
				t = info.TypeOf(r.Type)
			}
		}
		if t == nil || asserted != nil && !types.Identical(t, asserted) {
			consistent = false
			return false
		}
		asserted = t
		return true
	})
	if !consistent {
		return nil
	}
	return asserted
}

// typeTestHelper returns T when call is of a function of the package that
// returns (T, bool), is handed the loaded value, and asserts the parameter
// it is handed in to T.
func (c *checker) typeTestHelper(ch check, call *ast.CallExpr) types.Type {
	info := c.pass.TypesInfo
	callee := typeutil.StaticCallee(info, call)
	if callee == nil || callee.Pkg() != c.pass.Pkg {
		return nil
	}
	sig := callee.Signature()
	res := sig.Results()
	if res.Len() != 2 || !types.Identical(res.At(1).Type().Underlying(), types.Typ[types.Bool]) {
		return nil
	}
	t := res.At(0).Type()
	arg := slices.IndexFunc(call.Args, func(e ast.Expr) bool { return isObj(info, e, ch.value) })
	if arg < 0 || arg >= sig.Params().Len() || sig.Variadic() && arg == sig.Params().Len()-1 {
		return nil
	}
	param := sig.Params().At(arg)
	decl := c.declOf(callee)
	if decl == nil {
		return nil
	}
	asserts := false
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		if ta, ok := n.(*ast.TypeAssertExpr); ok && ta.Type != nil && isObj(info, ta.X, param) && types.Identical(info.TypeOf(ta.Type), t) {
			asserts = true
		}
		return !asserts
	})
	if !asserts {
		return nil
	}
	return t
}

// isObj reports whether e is an identifier for o.
func isObj(info *types.Info, e ast.Expr, o types.Object) bool {
	id := astq.Ident(e)
	return id != nil && o != nil && info.ObjectOf(id) == o
}

// mapObject returns the variable a map expression names: a struct field
// (x.f) or a package-level variable; nil otherwise.
func mapObject(info *types.Info, e ast.Expr) *types.Var {
	switch e := astq.Unparen(e).(type) {
	case *ast.SelectorExpr:
		if v, ok := info.ObjectOf(e.Sel).(*types.Var); ok && v.IsField() {
			return v
		}
	case *ast.Ident:
		if v, ok := info.ObjectOf(e).(*types.Var); ok && v.Parent() == v.Pkg().Scope() {
			return v
		}
	}
	return nil
}

// onlyAsReceiver reports whether every use of m in the package's non-test
// files is as the receiver of a method call (m.Store(…), x.m.Range(…)) or
// its initialisation with a new empty map (m: &sync.Map{}, x.m =
// new(T)) or its reset to nil: its address is never taken or handed on,
// and nothing else is put in it.
func onlyAsReceiver(pass *analysis.Pass, m *types.Var) bool {
	info := pass.TypesInfo
	uses := 0
	for id, o := range info.Uses {
		if o == m && !testFile(pass, id.Pos()) {
			uses++
		}
	}
	allowed := 0
	for _, file := range pass.Files {
		if testFile(pass, file.Pos()) {
			continue
		}
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if sel, ok := astq.Unparen(n.Fun).(*ast.SelectorExpr); ok && mapObject(info, sel.X) == m {
					allowed++
				}
			case *ast.KeyValueExpr:
				if id, ok := n.Key.(*ast.Ident); ok && info.Uses[id] == m && emptyMap(n.Value) {
					allowed++
				}
			case *ast.AssignStmt:
				for i, l := range n.Lhs {
					if len(n.Rhs) == len(n.Lhs) && mapObject(info, l) == m && (emptyMap(n.Rhs[i]) || info.Types[n.Rhs[i]].IsNil()) {
						allowed++
					}
				}
			}
			return true
		})
	}
	return uses == allowed
}

// emptyMap reports whether e makes a new, empty value: T{}, &T{} or new(T).
func emptyMap(e ast.Expr) bool {
	e = astq.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = astq.Unparen(u.X)
	}
	switch e := e.(type) {
	case *ast.CompositeLit:
		return len(e.Elts) == 0
	case *ast.CallExpr:
		id, ok := astq.Unparen(e.Fun).(*ast.Ident)
		return ok && id.Name == "new" && len(e.Args) == 1
	}
	return false
}

// storedValue returns the value a store or claim writes, when its method
// is one whose value argument is known.
func storedValue(o op) ast.Expr {
	switch {
	case storeNames[o.name] && len(o.call.Args) >= 2, strings.HasPrefix(o.name, "LoadOrStore") && len(o.call.Args) >= 2:
		return o.call.Args[1]
	case strings.HasPrefix(o.name, "CompareAndSwap") && len(o.call.Args) >= 3:
		return o.call.Args[2]
	}
	return nil
}

// guardEdge is a value guard: a branch on what the check returned with an
// outcome after which the write cannot run.
type guardEdge struct {
	// cond is the branch's boolean condition; nil for a switch, a range
	// or a condition that is not a plain expression.
	cond ast.Expr
	// skipIfTrue: the outcome that skips the write is cond being true.
	skipIfTrue bool
}

// guardEdgeOf describes the guard of a branch whose successor edge skip
// skips the write. In a control-flow graph a condition's first successor
// is taken when it is true.
func guardEdgeOf(info *types.Info, cond, tag ast.Node, skip int) guardEdge {
	e, ok := cond.(ast.Expr)
	if tag != nil || !ok {
		return guardEdge{}
	}
	t := info.TypeOf(e)
	if t == nil {
		return guardEdge{}
	}
	if b, isBasic := t.Underlying().(*types.Basic); !isBasic || b.Info()&types.IsBoolean == 0 {
		return guardEdge{}
	}
	return guardEdge{cond: e, skipIfTrue: skip == 0}
}

// testFile reports whether pos is in a _test.go file: tests may put
// anything into a map to see how the code copes.
func testFile(pass *analysis.Pass, pos token.Pos) bool {
	return strings.HasSuffix(pass.Fset.File(pos).Name(), "_test.go")
}

// storeIfChanged reports whether a Store decided by the loaded value is
// skipped only when the loaded value already equals what it would store
// (change detection: if prev == content { continue }; m.Store(k, content)).
// Whatever another goroutine does in between, the map ends as an
// unconditional Store, which is atomic, would leave it: skipping leaves
// the equal value there, and storing puts the same value. The stored value
// must be a local assigned once, compared as loaded or as a type
// assertion of it.
func (c *checker) storeIfChanged(f *fn, ch check, value ast.Expr, conds []guardEdge) bool {
	info := c.pass.TypesInfo
	vid := astq.Ident(value)
	if vid == nil || ch.value == nil || len(conds) == 0 {
		return false
	}
	v, ok := info.ObjectOf(vid).(*types.Var)
	if !ok || len(assignedFrom(info, f.body, v)) != 1 || addressTaken(info, f.body, v) {
		return false
	}
	for _, gd := range conds {
		// Skipped only when a conjunct (skipped when true) or a disjunct
		// (skipped when false) says the loaded value equals the stored
		// one; the other terms only make skipping rarer.
		join, cmp := token.LOR, token.NEQ
		if gd.skipIfTrue {
			join, cmp = token.LAND, token.EQL
		}
		if gd.cond == nil || !slices.ContainsFunc(terms(gd.cond, join), func(t ast.Expr) bool {
			return c.comparesLoaded(f, ch, v, t, cmp)
		}) {
			return false
		}
	}
	return true
}

// storesUnlessEqual reports whether f, from the check on, puts value under
// the key on every path but those that skip because the loaded value
// equals it, and answers the same whichever it does: the function as a
// whole is an unconditional Store that leaves out a write of an equal
// value, which is atomic however the check is interleaved
// (go-chassis's circuit breaker config is stored when the cache has
// none, has one of another type, or has another one, and skipped only
// when the cached one equals it). value must be a local assigned once,
// or a parameter never assigned, whose address is not taken; the equality
// is read as storeIfChanged reads it.
func (c *checker) storesUnlessEqual(f *fn, g *graph, ch check, w write, value ast.Expr) bool {
	info := c.pass.TypesInfo
	vid := astq.Ident(value)
	if vid == nil || ch.value == nil || w.via != nil || !c.sameAnswers(f, ch) {
		return false
	}
	v, ok := info.ObjectOf(vid).(*types.Var)
	if !ok || addressTaken(info, f.body, v) {
		return false
	}
	switch n := len(assignedFrom(info, f.body, v)); {
	case n > 1, n == 0 && !param(f, v):
		return false
	}
	// The blocks that store value under the key, from which index on.
	stores := map[*cfg.Block]int{}
	for _, o := range f.ops {
		at, reached := g.calls[o.call]
		if !reached || o.kind != opStore || !sameMap(info, o.recv, w.recv) || !sameKey(info, o.key, w.key) || !isObj(info, storedArg(write{op: o}), v) {
			continue
		}
		if i, seen := stores[at.block]; !seen || at.index < i {
			stores[at.block] = at.index
		}
	}
	seen := map[*cfg.Block]bool{}
	stack := []site{{ch.at.block, ch.at.index + 1}}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if i, stored := stores[p.block]; stored && i >= p.index {
			continue
		}
		if len(p.block.Succs) == 0 {
			if g.aborts(info, p.block) {
				continue
			}
			return false // a path that neither stores nor found an equal value
		}
		cond, tag, isCond := g.cond(p.block)
		for i, s := range p.block.Succs {
			if isCond && tag == nil && c.skipsEqual(f, ch, v, guardEdgeOf(info, cond, tag, i)) {
				continue
			}
			if s == ch.at.block || seen[s] {
				continue // the check again: a new decision
			}
			seen[s] = true
			stack = append(stack, site{s, 0})
		}
	}
	return true
}

// skipsEqual reports whether taking gd's edge means the loaded value equals
// v: a conjunct of a condition taken when true, or a disjunct of one taken
// when false, compares them.
func (c *checker) skipsEqual(f *fn, ch check, v *types.Var, gd guardEdge) bool {
	join, cmp := token.LOR, token.NEQ
	if gd.skipIfTrue {
		join, cmp = token.LAND, token.EQL
	}
	return gd.cond != nil && slices.ContainsFunc(terms(gd.cond, join), func(t ast.Expr) bool {
		return c.comparesLoaded(f, ch, v, t, cmp)
	})
}

// sameAnswers reports whether every return of f after the check returns
// the same expressions, so that what the check found changes no result.
func (c *checker) sameAnswers(f *fn, ch check) bool {
	ftype := f.funcType()
	if ftype == nil {
		return false
	}
	results := ftype.Results != nil && len(ftype.Results.List) > 0
	answer, same := "", true
	first := true
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			if n.Pos() < ch.call.Pos() {
				return true
			}
			if results && len(n.Results) == 0 {
				same = false // named results, set anywhere
			}
			var b strings.Builder
			for _, r := range n.Results {
				if c.setFromCheckOn(f, ch, r) {
					same = false
				}
				b.WriteString(render(c.pass.Fset, r))
				b.WriteString(", ")
			}
			if !first && b.String() != answer {
				same = false
			}
			answer, first = b.String(), false
		}
		return same
	})
	return same
}

// setFromCheckOn reports whether e reads what the check found or a local
// assigned at or after the check.
func (c *checker) setFromCheckOn(f *fn, ch check, e ast.Expr) bool {
	info := c.pass.TypesInfo
	set := false
	ast.Inspect(e, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return !set
		}
		o := info.ObjectOf(id)
		if o != nil && (o == ch.value || o == ch.ok) {
			set = true
		}
		if v, isVar := o.(*types.Var); isVar && v.Pos() >= f.body.Pos() && v.Pos() < f.body.End() {
			ast.Inspect(f.body, func(m ast.Node) bool {
				if a, isAssign := m.(*ast.AssignStmt); isAssign && a.End() > ch.call.Pos() {
					for _, l := range a.Lhs {
						set = set || isObj(info, l, v)
					}
				}
				return !set
			})
		}
		return !set
	})
	return set
}

// param reports whether v is a parameter of f.
func param(f *fn, v *types.Var) bool {
	ftype := f.funcType()
	return ftype != nil && v.Pos() >= ftype.Params.Pos() && v.Pos() < ftype.Params.End()
}

// terms splits e into the operands of a chain of op (&& or ||).
func terms(e ast.Expr, op token.Token) []ast.Expr {
	if b, ok := astq.Unparen(e).(*ast.BinaryExpr); ok && b.Op == op {
		return append(terms(b.X, op), terms(b.Y, op)...)
	}
	return []ast.Expr{e}
}

// comparesLoaded reports whether e is loaded cmp v (either way round).
func (c *checker) comparesLoaded(f *fn, ch check, v *types.Var, e ast.Expr, cmp token.Token) bool {
	info := c.pass.TypesInfo
	b, ok := astq.Unparen(e).(*ast.BinaryExpr)
	if !ok || b.Op != cmp {
		return false
	}
	x, y := b.X, b.Y
	if isObj(info, x, v) {
		x, y = y, x
	}
	return isObj(info, y, v) && c.loadedAs(f, ch, x)
}

// loadedAs reports whether e is the loaded value, or a variable assigned
// only from a type assertion of it.
func (c *checker) loadedAs(f *fn, ch check, e ast.Expr) bool {
	info := c.pass.TypesInfo
	id := astq.Ident(e)
	if id == nil {
		return false
	}
	if info.ObjectOf(id) == ch.value {
		return true
	}
	v, ok := info.ObjectOf(id).(*types.Var)
	if !ok {
		return false
	}
	from := assignedFrom(info, f.body, v)
	if len(from) != 1 {
		return false
	}
	ta, ok := astq.Unparen(from[0]).(*ast.TypeAssertExpr)
	if !ok {
		return false
	}
	return isObj(info, ta.X, ch.value)
}

// addressTaken reports whether &v appears in body.
func addressTaken(info *types.Info, body *ast.BlockStmt, v *types.Var) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if u, ok := n.(*ast.UnaryExpr); ok && u.Op == token.AND {
			if isObj(info, u.X, v) {
				found = true
			}
		}
		return !found
	})
	return found
}

// sortedDecls returns the package's function declarations in source
// order, so that what a rule names first is the same on every run.
func (c *checker) sortedDecls() []*ast.FuncDecl {
	c.declOf(nil)
	return slices.SortedFunc(maps.Values(c.decls), func(a, b *ast.FuncDecl) int { return cmp.Compare(a.Pos(), b.Pos()) })
}

// declOf returns the declaration of a function of the package, or nil.
func (c *checker) declOf(fn *types.Func) *ast.FuncDecl {
	if c.decls == nil {
		c.decls = map[*types.Func]*ast.FuncDecl{}
		for _, file := range c.pass.Files {
			for _, d := range file.Decls {
				if d, ok := d.(*ast.FuncDecl); ok && d.Body != nil {
					if f, ok := c.pass.TypesInfo.Defs[d.Name].(*types.Func); ok {
						c.decls[f] = d
					}
				}
			}
		}
	}
	return c.decls[fn]
}

// idempotentCall reports whether call, a statement on an insert branch
// whose racing goroutines store equal values, does nothing a second
// equal call would change: a function of the package handed only the
// stored value, the key and constants, whose body only stores into maps
// reached from its receiver or a package variable (Store-like methods,
// directly or in range loops over what it was handed). rocketmq's
// AddBroker(routeData), storing each broker of a route just fetched,
// leaves the same brokers whether one racing goroutine runs it or both.
func (c *checker) idempotentCall(call *ast.CallExpr, w write, value ast.Expr) bool {
	info := c.pass.TypesInfo
	callee := typeutil.StaticCallee(info, call)
	if callee == nil || callee.Pkg() != c.pass.Pkg || value == nil {
		return false
	}
	for _, a := range call.Args {
		if tv := info.Types[a]; tv.Value == nil && !astq.Same(info, a, value) && !astq.Same(info, a, w.key) {
			return false
		}
	}
	d := c.declOf(callee)
	if d == nil {
		return false
	}
	var onlyStores func(list []ast.Stmt) bool
	onlyStores = func(list []ast.Stmt) bool {
		for _, st := range list {
			switch st := st.(type) {
			case *ast.RangeStmt:
				if !onlyStores(st.Body.List) {
					return false
				}
			case *ast.ExprStmt:
				call, ok := astq.Unparen(st.X).(*ast.CallExpr)
				if !ok {
					return false
				}
				o, ok := c.mapOp(call)
				if !ok || o.kind != opStore || mapObject(info, o.recv) == nil {
					return false
				}
			default:
				return false
			}
		}
		return true
	}
	return len(d.Body.List) > 0 && onlyStores(d.Body.List)
}
