package checkthenact

import (
	"go/ast"
	"go/types"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A Store-like method of a map-like type the package declares may look
// the key up again itself and keep an entry it finds: restic's bloblru
// Cache.Add takes the cache's lock, returns when `c.c.Contains(id)`, and
// only then adds. Called after a miss, it cannot replace a value another
// goroutine stored in between; it is an insert-if-absent claim. When the
// value is plain data (numbers, strings, structs and arrays of them, and
// slices of those, such as bytes), the loser's copy going on beside the
// kept one is harmless, and the call is taken as a claim. A value with an identity of
// its own (a pointer, a channel, a connection) is still a write: the loser
// goes on with an object the map does not hold.

// keepsExistingData reports whether method, a Store-like method of a
// map-like type, is declared in the package, keeps an existing entry of
// its key (see keepsExisting), and stores plain data.
func (c *checker) keepsExistingData(method *types.Func) bool {
	decl := c.declOf(method.Origin())
	if decl == nil {
		return false
	}
	params := method.Signature().Params()
	return params.Len() >= 2 && plainData(params.At(1).Type()) && c.keepsExisting(decl)
}

// keepsExisting reports whether decl stores only where its key, its first
// parameter, is absent: its body takes an exclusive lock, then, with the
// lock held (a deferred Unlock, or an Unlock after every later statement
// naming the key), an `if` with no else that returns at once (releasing
// the lock first, if need be) where a lookup of the key in the receiver
// finds it (`c.m.Contains(k)`, `_, ok := c.m[k]; ok`), and statements
// after it name the key.
func (c *checker) keepsExisting(decl *ast.FuncDecl) bool {
	info := c.pass.TypesInfo
	if decl.Body == nil || decl.Recv == nil || len(decl.Recv.List) == 0 || len(decl.Recv.List[0].Names) == 0 ||
		len(decl.Type.Params.List) == 0 || len(decl.Type.Params.List[0].Names) == 0 {
		return false
	}
	recv := info.Defs[decl.Recv.List[0].Names[0]]
	key := info.Defs[decl.Type.Params.List[0].Names[0]]
	if recv == nil || key == nil {
		return false
	}
	list := decl.Body.List
	lock, from := "", -1
	for i, st := range list {
		if k, acquire, ok := lockCallStmt(info, st); ok && acquire && exclusive(k) {
			lock, from = k, i
			break
		}
	}
	if from < 0 {
		return false
	}
	to := len(list) // the lock is held for list[from+1:to]
	for i := from + 1; i < len(list); i++ {
		if d, ok := list[i].(*ast.DeferStmt); ok {
			if k, acquire, ok := astq.LockCall(info, d.Call); ok && !acquire && k == lock {
				break
			}
		}
		if k, acquire, ok := lockCallStmt(info, list[i]); ok && !acquire && k == lock {
			to = i
			break
		}
	}
	guard := -1
	for i := from + 1; i < to && guard < 0; i++ {
		if s, ok := list[i].(*ast.IfStmt); ok && s.Else == nil && returnsAtOnce(info, s.Body.List, lock) && c.foundKey(s, list[from+1:i], recv, key) {
			guard = i
		}
	}
	if guard < 0 {
		return false
	}
	named := false
	for i := guard + 1; i < len(list); i++ {
		if astq.Mentions(info, list[i], map[types.Object]bool{key: true}) {
			if i >= to {
				return false
			}
			named = true
		}
	}
	return named
}

// returnsAtOnce reports whether list is a return, after at most the
// release of lock.
func returnsAtOnce(info *types.Info, list []ast.Stmt, lock string) bool {
	if len(list) == 2 {
		if k, acquire, ok := lockCallStmt(info, list[0]); !ok || acquire || k != lock {
			return false
		}
		list = list[1:]
	}
	if len(list) != 1 {
		return false
	}
	_, ret := list[0].(*ast.ReturnStmt)
	return ret
}

// foundKey reports whether s's condition holds exactly where a lookup of
// key in the receiver finds it: a Has-like method called on a field of the
// receiver with key (`c.c.Contains(id)`), or an ok flag assigned, in s's
// init or in one of before, from an index or a Load-like call of such a
// field with key.
func (c *checker) foundKey(s *ast.IfStmt, before []ast.Stmt, recv, key types.Object) bool {
	info := c.pass.TypesInfo
	if call, ok := astq.Unparen(s.Cond).(*ast.CallExpr); ok {
		return hasNames[calledName(call)] && c.lookupOf(call, recv, key)
	}
	flag := info.Uses[astq.Ident(s.Cond)]
	if flag == nil {
		return false
	}
	stmts := append(append([]ast.Stmt{}, before...), s.Init)
	for _, st := range stmts {
		as, ok := st.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 2 || len(as.Rhs) != 1 || info.ObjectOf(astq.Ident(as.Lhs[1])) != flag {
			continue
		}
		switch r := astq.Unparen(as.Rhs[0]).(type) {
		case *ast.IndexExpr:
			return c.rootedAt(r.X, recv) && usesObj(info, r.Index, key)
		case *ast.CallExpr:
			return loadNames[calledName(r)] && c.lookupOf(r, recv, key)
		}
	}
	return false
}

// lookupOf reports whether call is a method call on a field path of recv
// with key as its only argument.
func (c *checker) lookupOf(call *ast.CallExpr, recv, key types.Object) bool {
	sel, ok := astq.Unparen(call.Fun).(*ast.SelectorExpr)
	return ok && len(call.Args) == 1 && c.pass.TypesInfo.Uses[astq.Ident(call.Args[0])] == key && c.rootedAt(sel.X, recv)
}

// calledName returns the name of the function or method call calls.
func calledName(call *ast.CallExpr) string {
	switch f := astq.Unparen(call.Fun).(type) {
	case *ast.SelectorExpr:
		return f.Sel.Name
	case *ast.Ident:
		return f.Name
	}
	return ""
}

// lockCallStmt reports what a statement `x.Lock()`-like does (see
// astq.LockCall; the package's lock helpers are not known yet while the
// map operations are collected).
func lockCallStmt(info *types.Info, st ast.Stmt) (key string, acquire, ok bool) {
	es, isExpr := st.(*ast.ExprStmt)
	if !isExpr {
		return "", false, false
	}
	call, isCall := es.X.(*ast.CallExpr)
	if !isCall {
		return "", false, false
	}
	return astq.LockCall(info, call)
}

// rootedAt reports whether e is obj or a path of field selections from it.
func (c *checker) rootedAt(e ast.Expr, obj types.Object) bool {
	root, _, ok := c.splitPath(e)
	return ok && c.pass.TypesInfo.Uses[root] == obj
}

// plainData reports whether values of t carry no identity: pointer-free
// values (see pointerFree) and slices of them.
func plainData(t types.Type) bool {
	if sl, ok := t.Underlying().(*types.Slice); ok {
		return pointerFree(sl.Elem())
	}
	return pointerFree(t)
}
