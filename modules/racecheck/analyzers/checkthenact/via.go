package checkthenact

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/scanner"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// Writes made by a call. A function of the package that stores into or
// deletes from a map reached from its receiver, a parameter or a
// package-level variable, with a key derived from a parameter, and that
// neither checks nor claims that map itself, writes through every call of
// it; so does one whose only check of that map is an insert-if-absent claim
// (LoadOrStore), a write that matters only where the caller's check found
// the key (see resurrect.go). A check in a caller followed, on the check's
// absent branch, by such a Store is an insert-if-absent split across
// functions: nats-server's lookupAccount → fetchAccount →
// buildInternalAccount stored a newly built account into tmpAccounts
// unconditionally after its caller found none there (fixed with
// LoadOrStore in nats-io/nats-server#5589). Such a Delete is judged as the
// Delete in place would be (kubeedge's getExecutor, then removeExecutor).
//
// Summaries are computed for the functions of the package being analysed,
// to a fixed point over its calls; calls into other packages are not
// followed.

// writeVia says that calling a function writes into the map
// root.path[0].path[1]… under a key derived from parameter key.
type writeVia struct {
	root mapRoot      // where the map is reached from
	path []*ast.Ident // field selectors (and getters) from the root to the map
	// key: the parameter the key derives from, or -1 when the key is the
	// field path keyPath from the receiver (dm.name).
	key     int
	keyPath []*ast.Ident
	write   op       // the Store, Delete or claim at the end of the chain
	chain   []string // the functions called, from the callee to the write
	// lock: for a write on a Go map, the lock the callee takes around it,
	// as a path from the root (see lockAround).
	lock *lockPath
	// lockedBy: the function of the chain that takes lock, when it is not
	// the last (a locked wrapper of an unlocked helper, see delegate.go).
	lockedBy string
	// decidedBy: the parameters the conditions around the write read; a
	// caller handing one of them what its check loaded decides the write
	// by the loaded value (seaweedfs's maybeCleanupInode(inode, il)
	// deleted only when il held no locks).
	decidedBy []int
	// value: the parameter a Store stores as it is (v of set(k, v) {
	// m[k] = v }), or -1: a caller handing it a value computed from what
	// its check loaded stores that value.
	value int
	// holds: the parameter the stored value is, or is built around (seg
	// of m[k] = c.ll.PushFront(&entry{name: k, seg: seg})), or -1: an
	// object handed to the setter that the map then keeps.
	holds int
}

// lockPath is a lock a helper takes and releases itself around its op on a
// Go map, written as the field selections from the map's root to the
// mutex: [mu] for plt.mu.Lock() around plt.inodes[inode], none for an
// embedded mutex's d.Lock() around d.stmts[query].
type lockPath struct {
	path []*ast.Ident
}

// at writes the lock in the terms of a call, from the map's root there.
func (l *lockPath) at(root ast.Expr) string {
	if l == nil {
		return ""
	}
	return types.ExprString(fieldPath(root, l.path))
}

// fieldPath selects the fields of path, in order, from root: root.a.b.
func fieldPath(root ast.Expr, path []*ast.Ident) ast.Expr {
	e := root
	for _, id := range path {
		e = &ast.SelectorExpr{X: e, Sel: id}
	}
	return e
}

// mapPath is fieldPath for a path splitMapPath made: a getter in it is
// called (root.a.Map()).
func (c *checker) mapPath(root ast.Expr, path []*ast.Ident) ast.Expr {
	e := root
	for _, id := range path {
		e = &ast.SelectorExpr{X: e, Sel: id}
		if _, isFunc := c.pass.TypesInfo.Uses[id].(*types.Func); isFunc {
			e = &ast.CallExpr{Fun: e}
		}
	}
	return e
}

// helperMap returns where a helper fn reaches the map m from and the path
// from there (see splitMapPath and rootOf).
func (c *checker) helperMap(fn *types.Func, m ast.Expr) (mapRoot, []*ast.Ident, bool) {
	root, path, ok := c.splitMapPath(m)
	if !ok {
		return mapRoot{}, nil, false
	}
	ri, ok := c.rootOf(fn, root)
	return ri, path, ok
}

// splitMapPath is splitPath for a helper's map, which may also be reached
// through getters: part.Map() is part, [Map].
func (c *checker) splitMapPath(e ast.Expr) (*ast.Ident, []*ast.Ident, bool) {
	sel, ok := getter(c.pass.TypesInfo, e)
	if !ok {
		return c.splitPath(e)
	}
	root, path, ok := c.splitMapPath(sel.X)
	if !ok {
		return nil, nil, false
	}
	return root, append(path, sel.Sel), true
}

// getter returns the selector of a call of a method with no arguments and
// one result whose name does not say it makes something new (see
// freshVerbs): part.Map() reaches the same map each time it is called, as
// part.m would (olric's partitions hand out their sync.Map so).
func getter(info *types.Info, e ast.Expr) (*ast.SelectorExpr, bool) {
	call, ok := astq.Unparen(e).(*ast.CallExpr)
	if !ok || len(call.Args) != 0 {
		return nil, false
	}
	sel, ok := astq.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil, false
	}
	fn, ok := info.Uses[sel.Sel].(*types.Func)
	if !ok || fn.Signature().Recv() == nil || fn.Signature().Results().Len() != 1 {
		return nil, false
	}
	if s := info.Selections[sel]; s != nil && s.Kind() != types.MethodVal {
		return nil, false
	}
	for _, verb := range freshVerbs {
		if strings.HasPrefix(strings.ToLower(fn.Name()), strings.ToLower(verb)) {
			return nil, false
		}
	}
	return sel, true
}

// maxChain bounds how many calls a summary follows.
const maxChain = 5

// summarize computes the writeVia summaries of the package's functions.
func (c *checker) summarize(decls []*fn) {
	c.via = map[*types.Func][]writeVia{}
	byFunc := map[*types.Func]*fn{}
	for _, f := range decls {
		if obj, ok := c.pass.TypesInfo.Defs[f.decl.Name].(*types.Func); ok {
			byFunc[obj] = f
		}
	}
	seen := map[string]bool{}
	add := func(obj *types.Func, s writeVia) bool {
		k := fmt.Sprintf("%p/%d/%p/%d/%p", obj, s.root.param, s.root.global, s.key, s.write.call)
		for _, id := range s.path {
			k += "." + id.Name
		}
		for _, id := range s.keyPath {
			k += "/" + id.Name
		}
		if seen[k] {
			return false
		}
		seen[k] = true
		c.via[obj] = append(c.via[obj], s)
		return true
	}
	unlocked := map[*types.Func][]writeVia{}
	for _, f := range decls {
		obj, ok := c.pass.TypesInfo.Defs[f.decl.Name].(*types.Func)
		if !ok {
			continue
		}
		for _, o := range f.ops {
			insert := o.kind == opClaim && insertsIfAbsent(o.name) && !c.checksMapBesides(f, o.recv, o.call)
			if !insert && (o.kind != opStore && o.kind != opDelete || !o.plain && c.checksMap(f, o.recv)) {
				continue
			}
			var lock *lockPath
			if o.plain {
				// A Go map's write counts when the helper locks around it
				// itself and does not decide it by the entry (what is
				// reported without -plainmaps, see reportedByDefault); a
				// read of the entry only handed back (a swap) decides
				// nothing.
				// A helper that holds no lock at the write is one its
				// callers lock around (see delegate.go).
				if lock = c.lockAround(f, o, true); lock == nil && !c.unlockedAt(f, o) || c.readsEntry(f, o) {
					continue
				}
			}
			ri, path, ok := c.helperMap(obj, o.recv)
			if !ok {
				continue
			}
			decidedBy := c.conditionParams(f, obj, o)
			value := -1
			if o.kind == opStore && len(o.call.Args) >= 2 {
				value = c.paramAt(obj, o.call.Args[1])
			}
			for _, k := range c.keyRefs(f, obj, o.key) {
				holds := -1
				if o.kind == opStore && len(o.call.Args) >= 2 {
					holds = c.heldParam(obj, o.call.Args[1], k.param, 3)
				}
				s := writeVia{root: ri, path: path, key: k.param, keyPath: k.path, write: o, chain: []string{f.decl.Name.Name}, lock: lock, decidedBy: decidedBy, value: value, holds: holds}
				if o.plain && lock == nil {
					if k.param >= 0 {
						unlocked[obj] = append(unlocked[obj], s)
					}
					continue
				}
				add(obj, s)
			}
		}
	}
	for obj, ss := range c.delegateWrites(decls, unlocked) {
		for _, s := range ss {
			add(obj, s)
		}
	}
	for changed, round := true, 0; changed && round < maxChain; round++ {
		changed = false
		for _, f := range decls {
			obj, ok := c.pass.TypesInfo.Defs[f.decl.Name].(*types.Func)
			if !ok {
				continue
			}
			for _, call := range f.calls {
				for _, w := range c.viaWrites(call) {
					if len(w.via.chain) >= maxChain || w.plain || c.checksMap(f, w.recv) {
						continue
					}
					ri, path, ok := c.helperMap(obj, w.recv)
					if !ok {
						continue
					}
					value, holds := -1, -1
					if w.via.value >= 0 && w.via.value < len(w.call.Args) {
						value = c.paramAt(obj, w.call.Args[w.via.value])
					}
					if w.via.holds >= 0 && w.via.holds < len(w.call.Args) {
						holds = c.paramAt(obj, w.call.Args[w.via.holds])
					}
					for _, k := range c.keyRefs(f, obj, w.key) {
						s := writeVia{root: ri, path: path, key: k.param, keyPath: k.path, write: w.via.write, chain: append([]string{f.decl.Name.Name}, w.via.chain...), value: value, holds: holds}
						if add(obj, s) {
							changed = true
						}
					}
				}
			}
		}
	}
}

// conditionParams returns the parameters of f the conditions of the if
// statements around its write o read.
func (c *checker) conditionParams(f *fn, obj *types.Func, o op) []int {
	var at ast.Node = o.call
	if idx, plain := c.synthetic[o.call]; plain {
		at = idx
	}
	var out []int
	ast.Inspect(f.body, func(n ast.Node) bool {
		ifs, ok := n.(*ast.IfStmt)
		if ok && ifs.Body.Pos() <= at.Pos() && at.End() <= ifs.End() {
			out = append(out, c.derivedParams(f, obj, ifs.Cond)...)
		}
		return n == nil || n.Pos() <= at.Pos() && at.End() <= n.End()
	})
	return out
}

// callee returns the function a call runs: its static callee, or, for a
// method called through an interface, the method of the one type of the
// package that implements the interface (a store behind an interface the
// package declares for its own in-memory implementation: r.Store.Exists
// runs memStore's Exists), when there is exactly one.
func (c *checker) callee(call *ast.CallExpr) *types.Func {
	info := c.pass.TypesInfo
	if fn := typeutil.StaticCallee(info, call); fn != nil {
		return fn
	}
	sel, ok := astq.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	s := info.Selections[sel]
	if s != nil && s.Kind() == types.FieldVal {
		field, _ := s.Obj().(*types.Var)
		return c.boundMethod(field)
	}
	if s == nil || s.Kind() != types.MethodVal {
		return nil
	}
	iface, ok := s.Recv().Underlying().(*types.Interface)
	if !ok {
		return nil
	}
	impl, seen := c.implementations[iface]
	if !seen {
		var args *types.TypeList
		if named, isNamed := s.Recv().(*types.Named); isNamed {
			args = named.TypeArgs() // store[string, M]: its generic implementations' instance
		}
		impl = c.soleImplementation(iface, args)
		if c.implementations == nil {
			c.implementations = map[*types.Interface]*types.Named{}
		}
		c.implementations[iface] = impl
	}
	if impl == nil {
		return nil
	}
	obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(impl), false, c.pass.Pkg, sel.Sel.Name)
	fn, _ := obj.(*types.Func)
	if fn != nil {
		fn = fn.Origin() // as the package declares it, as typeutil.Callee answers
	}
	return fn
}

// boundMethod returns the method a function-typed field is bound to: the
// one method whose value (v.M) every assignment of the field in the
// package gives it, in a composite literal (&Arbiter{current:
// table.Current, set: table.Set}) or an assignment, when every
// composite literal that binds it binds its method values from one
// variable (so that fields bound together share a receiver); nil
// otherwise. A call of the field then runs the method, on the receiver
// the literal bound it to, which the caller's terms name by the value
// holding the field.
func (c *checker) boundMethod(field *types.Var) *types.Func {
	if field == nil || !field.IsField() {
		return nil
	}
	if c.boundMethods == nil {
		c.boundMethods = c.computeBoundMethods()
	}
	return c.boundMethods[field.Origin()]
}

// computeBoundMethods finds the fields boundMethod answers for.
func (c *checker) computeBoundMethods() map[*types.Var]*types.Func {
	info := c.pass.TypesInfo
	method := map[*types.Var]*types.Func{}
	bad := map[*types.Var]bool{}
	// methodValue returns the method e is a value of, on a variable.
	methodValue := func(e ast.Expr) (*types.Func, types.Object) {
		sel, ok := astq.Unparen(e).(*ast.SelectorExpr)
		if !ok {
			return nil, nil
		}
		s := info.Selections[sel]
		id := astq.Ident(sel.X)
		if s == nil || s.Kind() != types.MethodVal || id == nil || id != astq.Unparen(sel.X) {
			return nil, nil
		}
		fn, _ := s.Obj().(*types.Func)
		if fn != nil {
			fn = fn.Origin() // a generic type's method as declared
		}
		return fn, info.Uses[id]
	}
	// bound: for each composite literal, the variables it binds method
	// values from, and the fields it binds so.
	bound := map[*ast.CompositeLit]map[types.Object]bool{}
	boundFields := map[*ast.CompositeLit][]*types.Var{}
	for field, values := range c.fieldValues() {
		if _, isFunc := field.Type().Underlying().(*types.Signature); !isFunc {
			continue
		}
		for _, v := range values {
			fn, on := methodValue(v.value)
			switch {
			case fn == nil, method[field] != nil && method[field] != fn:
				bad[field] = true
				continue
			}
			method[field] = fn
			if v.lit != nil {
				if bound[v.lit] == nil {
					bound[v.lit] = map[types.Object]bool{}
				}
				bound[v.lit][on] = true
				boundFields[v.lit] = append(boundFields[v.lit], field)
			}
		}
	}
	for lit, on := range bound {
		if len(on) > 1 {
			for _, f := range boundFields[lit] {
				bad[f] = true
			}
		}
	}
	for f := range bad {
		delete(method, f)
	}
	return method
}

// fieldValue is a value the package gives a struct field: in a composite
// literal (lit), or by an assignment (lit nil).
type fieldValue struct {
	value ast.Expr
	lit   *ast.CompositeLit
}

// fieldValues returns, for each field of the package's struct types (a
// generic type's as it declares it, see types.Var.Origin), the values the
// package gives it by name (positional literals are not followed);
// computed on first use.
func (c *checker) fieldValues() map[*types.Var][]fieldValue {
	if c.fieldVals != nil {
		return c.fieldVals
	}
	info := c.pass.TypesInfo
	out := map[*types.Var][]fieldValue{}
	for _, file := range c.pass.Files {
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				for _, e := range n.Elts {
					kv, ok := e.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					if field, isField := info.ObjectOf(astq.Ident(kv.Key)).(*types.Var); isField && field.IsField() {
						out[field.Origin()] = append(out[field.Origin()], fieldValue{kv.Value, n})
					}
				}
			case *ast.AssignStmt:
				for i, l := range n.Lhs {
					if field := fieldVar(info, l); field != nil && len(n.Lhs) == len(n.Rhs) {
						out[field.Origin()] = append(out[field.Origin()], fieldValue{n.Rhs[i], nil})
					}
				}
			}
			return true
		})
	}
	c.fieldVals = out
	return out
}

// soleImplementation returns the one named non-interface type declared
// in the package whose pointer implements iface, or nil when there is
// none or more than one. A generic type counts instantiated with args, the
// type arguments of a generic interface's instance (lockedMap[K, V] for
// store[string, *Counter]), when it has as many type parameters.
func (c *checker) soleImplementation(iface *types.Interface, args *types.TypeList) *types.Named {
	if iface.NumMethods() == 0 {
		return nil
	}
	var found *types.Named
	scope := c.pass.Pkg.Scope()
	for _, name := range scope.Names() {
		tn, ok := scope.Lookup(name).(*types.TypeName)
		if !ok || tn.IsAlias() {
			continue
		}
		named, ok := tn.Type().(*types.Named)
		if !ok || types.IsInterface(named) {
			continue
		}
		if named.TypeParams().Len() > 0 {
			if args == nil || args.Len() != named.TypeParams().Len() {
				continue
			}
			list := make([]types.Type, args.Len())
			for i := range list {
				list[i] = args.At(i)
			}
			inst, err := types.Instantiate(nil, named, list, true)
			if err != nil {
				continue
			}
			if named, ok = inst.(*types.Named); !ok {
				continue
			}
		}
		if types.Implements(types.NewPointer(named), iface) {
			if found != nil {
				return nil
			}
			found = named
		}
	}
	return found
}

// viaWrites returns the stores a call makes through its callee, with the
// map and key written in the caller's terms.
func (c *checker) viaWrites(call *ast.CallExpr) []write {
	callee := c.callee(call)
	if callee == nil || len(c.via[callee]) == 0 || call.Ellipsis.IsValid() {
		return nil
	}
	var out []write
	for _, s := range c.via[callee] {
		root := s.root.expr(c.pass.TypesInfo, call)
		key := c.keyAt(callee, call, s.key, s.keyPath)
		if root == nil || key == nil {
			continue
		}
		o := s.write
		text := viaKeyText(c.pass.TypesInfo, callee, call, s)
		o.call, o.recv, o.key, o.inside = call, c.mapPath(root, s.path), key, s.lock.at(root)
		out = append(out, write{op: o, via: &s, keyText: text})
	}
	return out
}

// viaKeyText returns the key of a write the callee makes itself from its
// parameter s.key, written in the caller's terms: the callee's key
// expression with each use of the parameter replaced by the argument's
// text; "" when the key is the parameter itself, reads a local of the
// callee (whose name may mean something else in the caller), or is made
// further down the chain, in another function's terms.
// hazelcast-go-client's GetOrConnect looked up connections[address.Host()+
// ":"+strconv.Itoa(address.Port())] and called openNewConnection(address,
// …), which stored under the same expression of its parameter
// (hazelcast/hazelcast-go-client#76).
func viaKeyText(info *types.Info, callee *types.Func, call *ast.CallExpr, s writeVia) string {
	params := callee.Signature().Params()
	if s.key < 0 || len(s.chain) != 1 || s.key >= params.Len() || !oneArg(callee, call, s.key) || astq.Ident(s.write.key) != nil {
		return ""
	}
	param := params.At(s.key)
	onlyParam := true
	ast.Inspect(s.write.key, func(n ast.Node) bool {
		id, isID := n.(*ast.Ident)
		if !isID || !onlyParam {
			return onlyParam
		}
		if v, isVar := info.Uses[id].(*types.Var); isVar && v != param && !v.IsField() && (v.Pkg() == nil || v.Parent() != v.Pkg().Scope()) {
			onlyParam = false
		}
		return onlyParam
	})
	if !onlyParam {
		return ""
	}
	// Every variable the key reads other than the parameter is a field,
	// selected after a dot, or package-level, so each identifier token
	// spelled as the parameter and not after a dot is the parameter.
	src := types.ExprString(s.write.key)
	arg := types.ExprString(call.Args[s.key])
	var out strings.Builder
	var sc scanner.Scanner
	file := token.NewFileSet().AddFile("", -1, len(src))
	sc.Init(file, []byte(src), nil, 0)
	last, prev := 0, token.ILLEGAL
	for {
		pos, tok, lit := sc.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.IDENT && lit == param.Name() && prev != token.PERIOD {
			off := file.Offset(pos)
			out.WriteString(src[last:off])
			out.WriteString(arg)
			last = off + len(lit)
		}
		prev = tok
	}
	out.WriteString(src[last:])
	return out.String()
}

// sameKeyText reports whether the check's key, an expression sameKey
// holds the same as itself (no call that may answer anew each time), is
// written as text: a key a callee computes alike (see viaKeyText).
func sameKeyText(info *types.Info, checked ast.Expr, text string) bool {
	return text != "" && types.ExprString(checked) == text && sameKey(info, checked, checked)
}

// oneArg reports whether call hands callee's parameter i one argument,
// call.Args[i]: a variadic parameter only when it gets exactly one element.
func oneArg(callee *types.Func, call *ast.CallExpr, i int) bool {
	if i >= len(call.Args) {
		return false
	}
	sig := callee.Signature()
	return !sig.Variadic() || i < sig.Params().Len()-1 || len(call.Args) == i+1 && !call.Ellipsis.IsValid()
}

// checksMap reports whether f checks or claims the map m itself: then it
// decides atomicity on its own (or is reported on its own).
func (c *checker) checksMap(f *fn, m ast.Expr) bool {
	return c.checksMapBesides(f, m, nil)
}

// checksMapBesides reports whether f checks or claims the map m other than
// with the call except.
func (c *checker) checksMapBesides(f *fn, m ast.Expr, except *ast.CallExpr) bool {
	for _, o := range f.ops {
		if o.call != except && o.kind != opStore && o.kind != opDelete && sameMap(c.pass.TypesInfo, o.recv, m) {
			return true
		}
	}
	return false
}

// splitPath splits a map expression into the variable it starts from and
// the field selections leading to the map: s.gw.outsim is s, [gw outsim].
func (c *checker) splitPath(e ast.Expr) (*ast.Ident, []*ast.Ident, bool) {
	switch e := astq.Unparen(e).(type) {
	case *ast.Ident:
		return e, nil, true
	case *ast.StarExpr:
		return c.splitPath(e.X)
	case *ast.UnaryExpr:
		if e.Op == token.AND {
			return c.splitPath(e.X)
		}
	case *ast.SelectorExpr:
		// A selector viaWrites built has no Selections entry; its field
		// identifier comes from the callee's source.
		if sel := c.pass.TypesInfo.Selections[e]; sel != nil && sel.Kind() != types.FieldVal {
			return nil, nil, false
		}
		if v, ok := c.pass.TypesInfo.ObjectOf(e.Sel).(*types.Var); !ok || !v.IsField() {
			return nil, nil, false
		}
		root, path, ok := c.splitPath(e.X)
		if !ok {
			return nil, nil, false
		}
		return root, append(path, e.Sel), true
	}
	return nil, nil, false
}

// mapRoot is where a helper's map is reached from: its receiver (param -1),
// its param-th parameter, or, when global is set, a package-level variable
// (global is the variable's identifier in the helper's source).
type mapRoot struct {
	param  int
	global *ast.Ident
}

// rootOf returns where the map of a path starting at root is reached from
// in fn.
func (c *checker) rootOf(fn *types.Func, root *ast.Ident) (mapRoot, bool) {
	v := c.pass.TypesInfo.ObjectOf(root)
	if i, ok := paramIndex(fn, v); ok {
		return mapRoot{param: i}, true
	}
	if pv, ok := v.(*types.Var); ok && pv.Pkg() == c.pass.Pkg && pv.Parent() == pv.Pkg().Scope() {
		return mapRoot{global: root}, true
	}
	return mapRoot{}, false
}

// expr returns the root in the terms of a call of the helper, or nil.
func (r mapRoot) expr(info *types.Info, call *ast.CallExpr) ast.Expr {
	switch {
	case r.global != nil:
		return r.global
	case r.param < 0:
		sel, ok := astq.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok || info.Selections[sel] == nil {
			return nil
		}
		return sel.X
	case r.param < len(call.Args):
		return call.Args[r.param]
	}
	return nil
}

// paramIndex returns -1 when v is fn's receiver, i when it is its i-th
// parameter, and false otherwise (a variadic parameter does not count).
func paramIndex(fn *types.Func, v types.Object) (int, bool) {
	sig := fn.Signature()
	if v == nil {
		return 0, false
	}
	if sig.Recv() != nil && sig.Recv() == v {
		return -1, true
	}
	for i := range sig.Params().Len() {
		if sig.Params().At(i) == v && !(sig.Variadic() && i == sig.Params().Len()-1) {
			return i, true
		}
	}
	return 0, false
}

// paramAt returns the index of the parameter of fn that e names, or -1
// when e is not a parameter (or is the receiver).
func (c *checker) paramAt(fn *types.Func, e ast.Expr) int {
	id := astq.Ident(e)
	if id == nil {
		return -1
	}
	if i, ok := paramIndex(fn, c.pass.TypesInfo.ObjectOf(id)); ok {
		return i
	}
	return -1
}

// heldParam returns the parameter of fn, other than the key's (key), that
// e is, or that e is built around within depth steps: an element of a
// composite literal, or its address, or an argument of a call
// (c.ll.PushFront(&entry{name: name, seg: seg}) holds seg); -1 when there
// is none, or more than one.
func (c *checker) heldParam(fn *types.Func, e ast.Expr, key, depth int) int {
	if i := c.paramAt(fn, e); i >= 0 || depth == 0 {
		if i == key {
			return -1
		}
		return i
	}
	var parts []ast.Expr
	switch e := astq.Unparen(e).(type) {
	case *ast.UnaryExpr:
		if e.Op == token.AND {
			parts = []ast.Expr{e.X}
		}
	case *ast.CompositeLit:
		for _, el := range e.Elts {
			if kv, isKV := el.(*ast.KeyValueExpr); isKV {
				el = kv.Value
			}
			parts = append(parts, el)
		}
	case *ast.CallExpr:
		parts = e.Args
	}
	held := -1
	for _, p := range parts {
		if i := c.heldParam(fn, p, key, depth-1); i >= 0 {
			if held >= 0 && held != i {
				return -1
			}
			held = i
		}
	}
	return held
}

// keyRef is where a helper's key comes from: a parameter it derives from
// (param ≥ 0), or the field path from the receiver it is (param -1).
type keyRef struct {
	param int
	path  []*ast.Ident
}

// keyRefs returns where the key e of f's map operation comes from: the
// parameters it derives from (see derivedParams) or, when there are none,
// the receiver's field it is (dm.name: a method keyed by its receiver's
// name, called with the same receiver as the caller's check).
func (c *checker) keyRefs(f *fn, obj *types.Func, e ast.Expr) []keyRef {
	var out []keyRef
	for _, k := range c.derivedParams(f, obj, e) {
		out = append(out, keyRef{param: k})
	}
	if len(out) == 0 {
		if path := c.receiverKey(obj, e); path != nil {
			out = append(out, keyRef{param: -1, path: path})
		}
	}
	return out
}

// receiverKey returns the fields that select e from fn's receiver (dm.name
// is [name]), or nil when e is not such a selection.
func (c *checker) receiverKey(fn *types.Func, e ast.Expr) []*ast.Ident {
	root, path, ok := c.splitPath(e)
	if !ok || len(path) == 0 {
		return nil
	}
	if i, isParam := paramIndex(fn, c.pass.TypesInfo.ObjectOf(root)); !isParam || i >= 0 {
		return nil
	}
	return path
}

// keyAt returns a helper's key in the terms of a call of it: the argument
// of parameter key, or keyPath from the call's receiver when key is -1; nil
// when the call hands the parameter no single argument or has no receiver.
func (c *checker) keyAt(callee *types.Func, call *ast.CallExpr, key int, keyPath []*ast.Ident) ast.Expr {
	if key >= 0 {
		if !oneArg(callee, call, key) {
			return nil
		}
		return call.Args[key]
	}
	recv := mapRoot{param: -1}.expr(c.pass.TypesInfo, call)
	if recv == nil {
		return nil
	}
	return fieldPath(recv, keyPath)
}

// derivedParams returns the parameters of f an expression derives from:
// directly, through field selections, calls and index expressions, or
// through locals assigned from such expressions (the key ac.Subject of a
// parameter ac, or claims.Subject where claims, _ := fetch(name)). A
// variadic parameter counts too (ttlcache's evict(reason, elems
// ...*list.Element) deletes each element's key): a call's argument for it
// is its only element (see oneArg).
func (c *checker) derivedParams(f *fn, obj *types.Func, e ast.Expr) []int {
	info := c.pass.TypesInfo
	var out []int
	seen := map[types.Object]bool{}
	var visit func(e ast.Node, depth int)
	visit = func(e ast.Node, depth int) {
		if depth < 0 {
			return
		}
		ast.Inspect(e, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.Ident:
				v, ok := info.Uses[n].(*types.Var)
				if !ok || seen[v] {
					return true
				}
				seen[v] = true
				if i, ok := paramIndex(obj, v); ok {
					if i >= 0 {
						out = append(out, i)
					}
					return true
				}
				if sig := obj.Signature(); sig.Variadic() && sig.Params().At(sig.Params().Len()-1) == v {
					// Counted only at calls that hand it one element
					// (see oneArg).
					out = append(out, sig.Params().Len()-1)
					return true
				}
				if v.Pos() >= f.body.Pos() && v.Pos() < f.body.End() {
					for _, rhs := range assignedFrom(info, f.body, v) {
						visit(rhs, depth-1)
					}
				}
			}
			return true
		})
	}
	visit(e, 3)
	return out
}

// assignedFrom returns the expressions a local variable is assigned from
// in body (the whole call for x, err := f()).
func assignedFrom(info *types.Info, body *ast.BlockStmt, v *types.Var) []ast.Expr {
	var out []ast.Expr
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if id := astq.Ident(l); id != nil && info.ObjectOf(id) == v {
					if len(n.Rhs) == len(n.Lhs) {
						out = append(out, n.Rhs[i])
					} else {
						out = append(out, n.Rhs[0])
					}
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if info.ObjectOf(id) == v {
					if len(n.Values) == len(n.Names) {
						out = append(out, n.Values[i])
					} else if len(n.Values) == 1 {
						out = append(out, n.Values[0])
					}
				}
			}
		}
		return true
	})
	return out
}

// describeVia names the functions a call stores through and where the
// Store is.
func (c *checker) describeVia(s *writeVia) string {
	pos := c.pass.Fset.Position(s.write.call.Pos())
	return fmt.Sprintf("%s (%s:%d)", strings.Join(s.chain, " → "), filepath.Base(pos.Filename), pos.Line)
}

// checkVia says that calling a function checks the map root.path… under
// the key in parameter key and returns what the check found: the ok flag
// as its last result (kind opLoad when the loaded value is the result
// before it, opHas otherwise), the value found and an error that is nil
// exactly when there was one (errAbsent), or the value found alone, nil
// when there was none. A caller's `if !r.has(k) { r.m.Store(k, v) }`
// is then a check-then-act like `if _, ok := r.m.Load(k); !ok`.
type checkVia struct {
	root mapRoot
	path []*ast.Ident
	// key: the parameter the key is, or -1 when it is the field path
	// keyPath from the receiver.
	key     int
	keyPath []*ast.Ident
	kind    opKind
	check   op
	// errAbsent: the last result is an error, non-nil when the key was
	// absent.
	errAbsent bool
	// lock: for a check of a Go map, the lock the helper takes around it.
	lock *lockPath
}

// summarizeChecks finds the package's check helpers: functions whose every
// return hands back what one check of a map found (its ok flag or its Has
// result, or false), with the key taken from a parameter as it is.
func (c *checker) summarizeChecks(decls []*fn) {
	info := c.pass.TypesInfo
	c.checkVia = map[*types.Func]checkVia{}
	unlocked := map[*types.Func]checkVia{}
	for _, f := range decls {
		obj, ok := info.Defs[f.decl.Name].(*types.Func)
		if !ok {
			continue
		}
		res := obj.Signature().Results()
		if res.Len() == 0 || res.Len() > 3 {
			continue
		}
		last := res.At(res.Len() - 1).Type()
		var shape resultShape
		switch {
		case types.Identical(last.Underlying(), types.Typ[types.Bool]) && res.Len() <= 2:
			shape = okLast
		case res.Len() == 2 && types.Identical(last, types.Universe.Lookup("error").Type()) && types.Identical(res.At(0).Type().Underlying(), types.Typ[types.Bool]):
			shape = okErr
		case res.Len() >= 2 && types.Identical(last, types.Universe.Lookup("error").Type()):
			shape = errLast
		case res.Len() == 1:
			// A value that cannot be nil says nothing of the key's
			// presence; only a Go map's entry returned as it is counts
			// (see returnsFound), read as the value found.
			shape = valueOnly
		default:
			continue
		}
		var found, plainWrites []op
		for _, o := range f.ops {
			switch {
			case o.kind == opLoad || o.kind == opHas:
				found = append(found, o)
			case o.plain:
				plainWrites = append(plainWrites, o)
			}
		}
		if len(found) != 1 {
			continue
		}
		o := found[0]
		// An expired entry dropped where the getter answers that there
		// is none (if ok && expired { delete(m, k); return nil, false })
		// is a miss, not a write its callers make.
		plainWrites = slices.DeleteFunc(plainWrites, func(w op) bool { return c.dropsExpired(f, o, w) })
		var lock *lockPath
		creates := false
		if o.plain {
			// A Go map's check counts when the helper locks around it
			// itself; it may also store a new entry when there was none
			// and hand that back (a get-or-create).
			// A helper that holds no lock at the check is one its
			// callers lock around (see delegate.go).
			if lock = c.lockAround(f, o, false); lock == nil && !c.unlockedAt(f, o) {
				continue
			}
			if creates = len(plainWrites) > 0; creates && (lock == nil || !c.createsEntry(f, o, plainWrites)) {
				continue
			}
		}
		ri, path, ok := c.helperMap(obj, o.recv)
		if !ok {
			continue
		}
		ki, kpath := -1, []*ast.Ident(nil)
		if kid := astq.Ident(o.key); kid != nil {
			if i, ok := paramIndex(obj, info.ObjectOf(kid)); ok && i >= 0 {
				ki = i
			}
		}
		if ki < 0 {
			if kpath = c.receiverKey(obj, o.key); kpath == nil {
				continue
			}
		}
		into := c.checkVia
		if o.plain && lock == nil {
			if ki < 0 {
				continue
			}
			into = unlocked
		}
		switch shape {
		case okLast:
			if kind, ok := c.returnsCheck(f, o, res.Len()); ok && !creates {
				into[obj] = checkVia{root: ri, path: path, key: ki, keyPath: kpath, kind: kind, check: o, lock: lock}
			}
		case okErr:
			if c.returnsCheckOrError(f, o) && !creates {
				into[obj] = checkVia{root: ri, path: path, key: ki, keyPath: kpath, kind: opHas, check: o, lock: lock}
			}
		default:
			switch {
			case c.returnsFound(f, o, shape, creates):
				into[obj] = checkVia{root: ri, path: path, key: ki, keyPath: kpath, kind: opLoad, check: o, errAbsent: shape == errLast && !creates, lock: lock}
			case shape == errLast && !creates && c.returnsEntry(f, o):
				into[obj] = checkVia{root: ri, path: path, key: ki, keyPath: kpath, kind: opLoad, check: o, lock: lock}
			}
		}
	}
	c.delegateChecks(decls, unlocked)
}

// dropsExpired reports whether w, in the getter f, deletes the entry its
// check o read as a statement of its own, and the next statement returns
// only nils, zero values and false: the getter drops an expired entry and
// answers that there is none.
func (c *checker) dropsExpired(f *fn, o op, w op) bool {
	info := c.pass.TypesInfo
	if w.kind != opDelete || !sameMap(info, w.recv, o.recv) || !sameKey(info, w.key, o.key) {
		return false
	}
	answersNone := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		block, isBlock := n.(*ast.BlockStmt)
		if !isBlock || answersNone {
			return !answersNone
		}
		for i, st := range block.List[:max(len(block.List)-1, 0)] {
			es, isExpr := st.(*ast.ExprStmt)
			if !isExpr || astq.Unparen(es.X) != ast.Expr(w.call) {
				continue
			}
			ret, isRet := block.List[i+1].(*ast.ReturnStmt)
			if !isRet || len(ret.Results) == 0 {
				return false
			}
			answersNone = true
			for _, r := range ret.Results {
				answersNone = answersNone && (isNil(info, r) || zeroLiteral(info, r))
			}
		}
		return true
	})
	return answersNone
}

// lockAround returns the lock f takes and releases itself and holds at
// its op o on a Go map, exclusively when writing is set, when the lock is
// reached from the map's root: plt.mu around plt.inodes[inode]. It is nil
// when there is none.
func (c *checker) lockAround(f *fn, o op, writing bool) *lockPath {
	return c.lockAroundCall(f, o.call, o.recv, writing)
}

// lockAroundCall is lockAround for a call in f that reads or writes the Go
// map m.
func (c *checker) lockAroundCall(f *fn, call *ast.CallExpr, m ast.Expr, writing bool) *lockPath {
	info := c.pass.TypesInfo
	g := c.graph(f)
	at, ok := g.calls[call]
	if !ok {
		return nil
	}
	mapRoot, _, ok := c.splitPath(m)
	if !ok {
		return nil
	}
	held := g.anyHeldAt(c.locks, at)
	taken := map[string]*lockPath{}
	released := map[string]bool{}
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit {
			return false
		}
		call, isCall := n.(*ast.CallExpr)
		if !isCall {
			return true
		}
		key, acquire, isLock := astq.LockCall(info, call)
		if !isLock {
			return true
		}
		base := lockBase(key)
		if !acquire {
			released[base] = true
			return true
		}
		if !held[key] || writing && !exclusive(key) {
			return true
		}
		mutex, _, _ := astq.MethodCall(info, call)
		if root, path, ok := c.splitPath(mutex); ok && info.ObjectOf(root) == info.ObjectOf(mapRoot) {
			taken[base] = &lockPath{path: path}
		}
		return true
	})
	for base, l := range taken {
		if released[base] {
			return l
		}
	}
	return nil
}

// readsEntry reports whether f decides or computes its write o on a Go
// map by the entry it writes: it reads that entry, other than by the write
// itself, in a condition, in the value stored, or into a variable one of
// those reads (`if plt.inodes[inode] == il` decides the write on what is
// there under the lock; m[k] = m[k] + 1 updates it there). A read only
// handed back (vault's connPut returned the connection it replaced)
// decides nothing, and neither does a test of presence before a delete
// (`if elem == nil { return }`, `if _, ok := m[k]; ok`): deleting what is
// there is deleting the key (ttlcache's Delete looks the key up and evicts
// the element it found).
func (c *checker) readsEntry(f *fn, o op) bool {
	info := c.pass.TypesInfo
	own := c.synthetic[o.call]
	entry := func(n ast.Node) bool {
		idx, ok := n.(*ast.IndexExpr)
		return ok && idx != own && sameMap(info, idx.X, o.recv) && sameKey(info, idx.Index, o.key)
	}
	held := map[types.Object]bool{}  // variables assigned the entry
	found := map[types.Object]bool{} // the ok flags of those reads
	ast.Inspect(f.body, func(n ast.Node) bool {
		if a, ok := n.(*ast.AssignStmt); ok && len(a.Rhs) == 1 && entry(astq.Unparen(a.Rhs[0])) {
			for i, l := range a.Lhs {
				if id := astq.Ident(l); id != nil && id.Name != "_" {
					held[info.ObjectOf(id)] = true
					found[info.ObjectOf(id)] = i == 1
				}
			}
		}
		return true
	})
	presence := func(n ast.Node) bool {
		if o.kind != opDelete {
			return false
		}
		if id, ok := n.(*ast.Ident); ok {
			return found[info.ObjectOf(id)]
		}
		b, ok := n.(*ast.BinaryExpr)
		if !ok || b.Op != token.EQL && b.Op != token.NEQ {
			return false
		}
		for _, pair := range [][2]ast.Expr{{b.X, b.Y}, {b.Y, b.X}} {
			id := astq.Ident(pair[0])
			if isNil(info, pair[1]) && (id != nil && held[info.ObjectOf(id)] || entry(astq.Unparen(pair[0]))) {
				return true
			}
		}
		return false
	}
	decides := false
	inCond := func(e ast.Node) {
		if e == nil {
			return
		}
		ast.Inspect(e, func(n ast.Node) bool {
			if presence(n) {
				return false
			}
			if id, ok := n.(*ast.Ident); ok && held[info.ObjectOf(id)] || entry(n) {
				decides = true
			}
			return !decides
		})
	}
	if o.kind == opStore && len(o.call.Args) >= 2 {
		inCond(o.call.Args[1]) // m[k] = m[k] + 1: an update made under the lock
	}
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit || decides {
			return false
		}
		switch n := n.(type) {
		case *ast.IfStmt:
			inCond(n.Cond)
		case *ast.ForStmt:
			inCond(n.Cond)
		case *ast.SwitchStmt:
			inCond(n.Tag)
		case *ast.CaseClause:
			for _, e := range n.List {
				inCond(e)
			}
		}
		return !decides
	})
	return decides
}

// createsEntry reports whether each of f's writes on a Go map is the
// store of a new value into the variable its check o loaded, under o's
// key: `il, ok := m[k]; if !ok { il = &inodeLocks{}; m[k] = il }`.
func (c *checker) createsEntry(f *fn, o op, writes []op) bool {
	info := c.pass.TypesInfo
	value, _ := c.loadedVars(f.body, o)
	if value == nil {
		return false
	}
	for _, w := range writes {
		v := w.call.Args[len(w.call.Args)-1]
		if w.kind != opStore || !sameMap(info, w.recv, o.recv) || !sameKey(info, w.key, o.key) || astq.Ident(v) == nil || info.ObjectOf(astq.Ident(v)) != value {
			return false
		}
	}
	return true
}

// returnsCheck reports whether every return of f (not of its literals)
// hands back what the check o found, and as what kind of check.
func (c *checker) returnsCheck(f *fn, o op, results int) (opKind, bool) {
	info := c.pass.TypesInfo
	value, okVar := c.loadedVars(f.body, o)
	kind := opHas
	constant := func(e ast.Expr, name string) bool {
		id := astq.Ident(e)
		return id != nil && id.Name == name && info.Types[e].Value != nil
	}
	found, answers := false, false // a constant true; an answer that can be false
	good := eachReturn(f.body, func(r *ast.ReturnStmt) bool {
		if len(r.Results) != results {
			return false
		}
		last := astq.Unparen(r.Results[results-1])
		switch {
		case last == o.call && o.kind == opHas:
			answers = true
		case okVar != nil && astq.Ident(last) != nil && info.ObjectOf(astq.Ident(last)) == okVar:
			answers = true
			if results == 2 && value != nil && usesObj(info, r.Results[0], value) {
				kind = opLoad
			}
		case constant(last, "false"):
			answers = true
		case results == 2 && value != nil && usesObj(info, r.Results[0], value) && constant(last, "true"):
			// return v.(T), true: the value the check found.
			found, kind = true, opLoad
		case results == 1 && constant(last, "true") && okVar != nil && afterMissReturn(info, f.body, okVar, r):
			// if !ok { return false }; <-ch; return true: true only
			// where the check found the key (geche's waitInFlight).
			answers = true
		default:
			return false
		}
		return true
	})
	return kind, good && (answers || !found)
}

// returnsCheckOrError reports whether every return of f, a helper
// answering (bool, error), hands back what the check o found (its Has
// result or ok flag, or false) with a nil error, or false with an error
// (a store whose lookup can fail: Exists(ctx, name) (bool, error)), and
// answers the check at least once.
func (c *checker) returnsCheckOrError(f *fn, o op) bool {
	info := c.pass.TypesInfo
	_, okVar := c.loadedVars(f.body, o)
	answers := false
	good := eachReturn(f.body, func(r *ast.ReturnStmt) bool {
		if len(r.Results) != 2 {
			return false
		}
		first := astq.Unparen(r.Results[0])
		if v, isConst := boolConstant(info, first); isConst && !v {
			return true
		}
		if !isNil(info, r.Results[1]) {
			return false
		}
		switch {
		case first == o.call && o.kind == opHas:
		case okVar != nil && astq.Ident(first) != nil && info.ObjectOf(astq.Ident(first)) == okVar:
		default:
			return false
		}
		answers = true
		return true
	})
	return good && answers
}

// afterMissReturn reports whether r follows, in body's own statement list,
// an `if !ok { …; return … }` for the check's ok flag, which nothing else
// assigns: r is reached only where the check found the key.
func afterMissReturn(info *types.Info, body *ast.BlockStmt, ok types.Object, r *ast.ReturnStmt) bool {
	guarded := false
	for _, st := range body.List {
		if st.Pos() > r.Pos() {
			break
		}
		is, isIf := st.(*ast.IfStmt)
		if !isIf || is.Init != nil || is.Else != nil || len(is.Body.List) == 0 {
			continue
		}
		u, isNot := astq.Unparen(is.Cond).(*ast.UnaryExpr)
		if !isNot || u.Op != token.NOT || !isObj(info, u.X, ok) {
			continue
		}
		if _, returns := is.Body.List[len(is.Body.List)-1].(*ast.ReturnStmt); returns {
			guarded = true
		}
	}
	if !guarded {
		return false
	}
	assigned := 0
	ast.Inspect(body, func(n ast.Node) bool {
		if a, isAssign := n.(*ast.AssignStmt); isAssign {
			for _, l := range a.Lhs {
				if isObj(info, l, ok) {
					assigned++
				}
			}
		}
		return true
	})
	return assigned == 1
}

// resultShape is how a check helper's results say what its check found.
type resultShape uint8

const (
	okLast    resultShape = iota // (…, ok bool)
	okErr                        // (ok bool, err error): ok says found where err is nil
	errLast                      // (value, …, error): the error is nil exactly when found
	valueOnly                    // (value): nil when not found
)

// returnsFound reports whether every return of f (not of its literals)
// hands back either the value the Load o found (with a nil error, for
// errLast) or nothing (nil, with a non-nil error for errLast), and each
// kind at least once: then the caller's nil test of the value or the
// error is a check of the key. A Go map's value read and returned as it is
// (`return plt.inodes[inode]`) is both. When the helper creates the entry
// it did not find (creates), it never answers nothing.
func (c *checker) returnsFound(f *fn, o op, shape resultShape, creates bool) bool {
	info := c.pass.TypesInfo
	value, _ := c.loadedVars(f.body, o)
	idx, plain := c.synthetic[o.call]
	if o.kind != opLoad || value == nil && !plain {
		return false
	}
	want := 1
	if shape == errLast {
		want = f.decl.Type.Results.NumFields()
	}
	found, absent := 0, 0
	good := eachReturn(f.body, func(r *ast.ReturnStmt) bool {
		if len(r.Results) != want {
			return false
		}
		first := r.Results[0]
		errNil := shape != errLast || isNil(info, r.Results[want-1])
		switch {
		case plain && astq.Unparen(first) == idx && shape == valueOnly:
			found++
			absent++
		case value != nil && usesObj(info, first, value) && errNil:
			found++
		case (isNil(info, first) || shape == errLast && zeroLiteral(info, first)) && (shape != errLast || !errNil) && !creates:
			// Beside an error, any zero value says nothing was found:
			// return 0, ErrNotFound.
			absent++
		default:
			return false
		}
		return true
	})
	return good && found > 0 && (absent > 0 || creates)
}

// returnsEntry reports whether every return of f (not of its literals)
// hands back the Go map's entry o reads, as it is, with a nil error
// (`return m.leases[name], nil`): the value found, or the zero value when
// there is none, which the caller tells apart only by the value itself.
func (c *checker) returnsEntry(f *fn, o op) bool {
	info := c.pass.TypesInfo
	idx, plain := c.synthetic[o.call]
	want := f.decl.Type.Results.NumFields()
	if o.kind != opLoad || !plain || want != 2 {
		return false
	}
	return eachReturn(f.body, func(r *ast.ReturnStmt) bool {
		return len(r.Results) == want && astq.Unparen(r.Results[0]) == idx && isNil(info, r.Results[1])
	})
}

// zeroLiteral reports whether e is written as its type's zero value: a
// constant 0, "" or false, or an empty composite literal (T{}).
func zeroLiteral(info *types.Info, e ast.Expr) bool {
	if lit, ok := astq.Unparen(e).(*ast.CompositeLit); ok {
		return len(lit.Elts) == 0
	}
	tv, ok := info.Types[e]
	if !ok || tv.Value == nil {
		return false
	}
	switch tv.Value.Kind() {
	case constant.Bool:
		return !constant.BoolVal(tv.Value)
	case constant.String:
		return constant.StringVal(tv.Value) == ""
	case constant.Int, constant.Float:
		return constant.Sign(tv.Value) == 0
	}
	return false
}

// loadedVars returns the variables the check o assigns in body: value and
// ok of `value, ok := m.Load(k)` or `value, ok := m[k]`, value of
// `value := m[k]` (nil for a blank or missing one).
func (c *checker) loadedVars(body *ast.BlockStmt, o op) (value, ok types.Object) {
	info := c.pass.TypesInfo
	idx, plain := c.synthetic[o.call]
	if !plain {
		return loadedVars(info, body, o.call)
	}
	obj := func(e ast.Expr) types.Object {
		if id := astq.Ident(e); id != nil && id.Name != "_" {
			return info.ObjectOf(id)
		}
		return nil
	}
	ast.Inspect(body, func(n ast.Node) bool {
		if a, isAssign := n.(*ast.AssignStmt); isAssign && len(a.Rhs) == 1 && astq.Unparen(a.Rhs[0]) == idx {
			value = obj(a.Lhs[0])
			if len(a.Lhs) == 2 {
				ok = obj(a.Lhs[1])
			}
		}
		return true
	})
	return value, ok
}

// loadedVars returns the variables the statement `value, ok := call` in
// body assigns (nil for a blank or missing one).
func loadedVars(info *types.Info, body *ast.BlockStmt, call *ast.CallExpr) (value, ok types.Object) {
	ast.Inspect(body, func(n ast.Node) bool {
		if a, isAssign := n.(*ast.AssignStmt); isAssign && len(a.Rhs) == 1 && astq.Unparen(a.Rhs[0]) == call {
			if id := astq.Ident(a.Lhs[len(a.Lhs)-1]); id != nil && id.Name != "_" {
				ok = info.ObjectOf(id)
			}
			if len(a.Lhs) == 2 {
				if id := astq.Ident(a.Lhs[0]); id != nil && id.Name != "_" {
					value = info.ObjectOf(id)
				}
			}
		}
		return true
	})
	return value, ok
}

// eachReturn calls visit for each return statement of body (not of its
// function literals) until visit answers false, and reports whether there
// was at least one and every visit answered true.
func eachReturn(body *ast.BlockStmt, visit func(*ast.ReturnStmt) bool) bool {
	returns, good := 0, true
	ast.Inspect(body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit || !good {
			return false
		}
		r, isReturn := n.(*ast.ReturnStmt)
		if !isReturn {
			return true
		}
		returns++
		good = visit(r)
		return false
	})
	return good && returns > 0
}

// usesObj reports whether e mentions obj.
func usesObj(info *types.Info, e ast.Node, obj types.Object) bool {
	used := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && info.Uses[id] == obj {
			used = true
		}
		return !used
	})
	return used
}

// viaCheck returns the check a call of a check helper makes, in the
// caller's terms.
func (c *checker) viaCheck(call *ast.CallExpr) (op, bool) {
	callee := c.callee(call)
	if callee == nil {
		return op{}, false
	}
	s, ok := c.checkVia[callee]
	if !ok {
		return op{}, false
	}
	root := s.root.expr(c.pass.TypesInfo, call)
	key := c.keyAt(callee, call, s.key, s.keyPath)
	if root == nil || key == nil {
		return op{}, false
	}
	o := s.check
	o.call, o.recv, o.key, o.kind, o.helper, o.errAbsent, o.inside = call, c.mapPath(root, s.path), key, s.kind, true, s.errAbsent, s.lock.at(root)
	return o, true
}
