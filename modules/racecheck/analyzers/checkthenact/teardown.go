package checkthenact

import (
	"go/ast"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A close-once guard in plain. A method whose receiver's type is built for
// use by several goroutines (it holds a mutex, a WaitGroup, a Cond, a
// Once, a channel or an atomic) and that guards a teardown with a plain
// bool field of the receiver,
//
//	func (f *win32File) closeHandle() {
//		if !f.closing {
//			f.closing = true
//			cancelIoEx(f.handle, nil)
//			f.wg.Wait()
//			syscall.Close(f.handle)
//
// lets two concurrent closes both pass the check and tear down twice
// (microsoft/go-winio, fixed in 73020a3 with an atomic swap: the handle
// closed twice). The receiver counts as shared when no caller in the
// package holds an exclusive lock of it at the call, and the method is
// exported or has such a caller. The guarded code must tear down in a way
// a second run harms: close a channel (which panics) or an operating-system
// handle (see tearsDown). Measured first with any call named Close…,
// Shutdown…, Stop… or cancel… as a teardown, the rule gave four false
// alarms on the projects of docs/vet.md (listeners whose second Close is
// harmless, a Start whose error path closes, a signal loop's shutdown).

// sharedReceiver reports whether the method f, whose receiver's type is
// concurrent (see concurrentType), may run with its receiver shared: no
// caller in the package holds an exclusive lock of the receiver at the
// call, and it is exported or has such a caller.
func (c *checker) sharedReceiver(f *fn) bool {
	obj, ok := c.pass.TypesInfo.Defs[f.decl.Name].(*types.Func)
	if !ok {
		return false
	}
	unlocked := obj.Exported()
	for _, cs := range c.callersOf(obj) {
		sel, isSel := astq.Unparen(cs.call.Fun).(*ast.SelectorExpr)
		if !isSel {
			continue
		}
		g := c.graph(cs.caller)
		at, found := g.calls[cs.call]
		if !found {
			continue
		}
		x := types.ExprString(sel.X)
		for key := range g.heldAt(c.locks, at) {
			// The receiver's lock, or that of an object holding it
			// (store.Lock() around store.expiration.close()), or of the
			// object the receiver belongs to.
			if strings.HasPrefix(key, x+".") || key == x || holds(lockBase(key), x) || exclusive(key) && c.ownersLock(cs.call, key, obj) {
				return false
			}
		}
		unlocked = true
	}
	return unlocked
}

// ownersLock reports whether the lock key, held at the call of the method
// m, is the lock of an object of a type the receiver of m points
// to in a field of its own: nanomsg/mangos's respondent context has a
// field s *socket, and both callers of its close hold a socket's lock
// (s := c.s; s.Lock(), and the socket's Close looping over its
// contexts). The context belongs to that socket, and its socket's lock
// is its own. A lock of an object of the receiver's own type is another
// object's (a.mu.Lock() around b.close()), not this.
func (c *checker) ownersLock(call *ast.CallExpr, key string, m *types.Func) bool {
	path := strings.Split(lockBase(key), ".")
	scope := c.pass.Pkg.Scope().Innermost(call.Pos())
	if scope == nil {
		return false
	}
	_, obj := scope.LookupParent(path[0], call.Pos())
	v, isVar := obj.(*types.Var)
	if !isVar {
		return false
	}
	// The types along the lock's path: the owner is the last object
	// before the mutex field, or the lock's own object when the mutex is
	// embedded.
	along := []types.Type{v.Type()}
	for _, name := range path[1:] {
		f, _, _ := types.LookupFieldOrMethod(along[len(along)-1], true, c.pass.Pkg, name)
		fv, isField := f.(*types.Var)
		if !isField {
			return false
		}
		along = append(along, fv.Type())
	}
	owner := along[len(along)-1]
	if astq.Named(owner, "sync", "Mutex") || astq.Named(owner, "sync", "RWMutex") || astq.Named(owner, "sync", "Locker") {
		if len(along) < 2 {
			return false
		}
		owner = along[len(along)-2]
	}
	recv := m.Signature().Recv().Type()
	if types.Identical(pointee(owner), pointee(recv)) {
		return false
	}
	st, isStruct := pointee(recv).Underlying().(*types.Struct)
	if !isStruct {
		return false
	}
	for i := range st.NumFields() {
		if types.Identical(st.Field(i).Type(), owner) {
			return true
		}
	}
	return false
}

// pointee returns the type t points to, or t.
func pointee(t types.Type) types.Type {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// holds reports whether the lock named base (store for an embedded
// mutex, c.mu for a field) belongs to an object x is reached through.
func holds(base, x string) bool {
	if strings.HasPrefix(x, base+".") {
		return true
	}
	i := strings.LastIndex(base, ".")
	return i > 0 && strings.HasPrefix(x, base[:i]+".")
}

// stopsItself reports whether the method f is exported and also called,
// on its own receiver, by a method of the package that starts a goroutine
// (mailgun/scroll's Run starts the goroutine that shuts its server down
// and then calls app.Stop itself when the server returns): the type stops
// itself while its user may stop it too. A Close that a type's user calls,
// or that a Start calls on its error path, is shown no second caller.
func (c *checker) stopsItself(f *fn) bool {
	if f.decl == nil || f.node != f.decl {
		return false // a literal: not the method its callers call
	}
	obj, ok := c.pass.TypesInfo.Defs[f.decl.Name].(*types.Func)
	if !ok || !obj.Exported() {
		return false
	}
	for _, cs := range c.callersOf(obj) {
		sel, isSel := astq.Unparen(cs.call.Fun).(*ast.SelectorExpr)
		d := cs.caller.decl
		if !isSel || d == nil || cs.caller.node != d || d.Recv == nil || len(d.Recv.List[0].Names) != 1 {
			continue
		}
		if x := astq.Ident(sel.X); x == nil || c.pass.TypesInfo.Uses[x] != c.pass.TypesInfo.Defs[d.Recv.List[0].Names[0]] {
			continue
		}
		if caller, ok := c.pass.TypesInfo.Defs[d.Name].(*types.Func); ok && c.startsGoroutine(caller, 0) != nil {
			return true
		}
	}
	return false
}

// callSite is a call of one of the package's functions, in its caller.
type callSite struct {
	caller *fn
	call   *ast.CallExpr
}

// callersOf returns the calls of fn in the package (not those of go
// statements), computed for every function on first use.
func (c *checker) callersOf(fn *types.Func) []callSite {
	if c.callers == nil {
		c.callers = map[*types.Func][]callSite{}
		for _, f := range c.funcs {
			for _, call := range f.calls {
				if callee := typeutil.StaticCallee(c.pass.TypesInfo, call); callee != nil {
					callee = callee.Origin() // a generic function's instance
					c.callers[callee] = append(c.callers[callee], callSite{f, call})
				}
			}
		}
	}
	return c.callers[fn]
}

// concurrentType reports whether t, or what it points to, is a struct
// with a field that only concurrent use needs: a sync lock, WaitGroup,
// Cond or Once, a channel, or a sync/atomic value.
func concurrentType(t types.Type) bool {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for field := range st.Fields() {
		ft := field.Type()
		if _, isChan := ft.Underlying().(*types.Chan); isChan {
			return true
		}
		named, isNamed := ft.(*types.Named)
		if !isNamed || named.Obj().Pkg() == nil {
			continue
		}
		switch named.Obj().Pkg().Path() {
		case "sync":
			switch named.Obj().Name() {
			case "Mutex", "RWMutex", "WaitGroup", "Cond", "Once":
				return true
			}
		case "sync/atomic":
			return true
		}
	}
	return false
}

// closers are the functions that close an operating-system handle, by
// package path: closing one twice may close a handle the number was given
// to again in between.
var closers = map[string][]string{
	"syscall":                  {"Close", "CloseHandle"},
	"golang.org/x/sys/unix":    {"Close"},
	"golang.org/x/sys/windows": {"Close", "CloseHandle"},
	"internal/syscall/windows": {"CloseHandle"},
}

// tearsDown returns the first teardown among stmts whose second run does
// harm: close of a channel (it panics) or the close of an operating-system
// handle (see closers). A Close method of another type may well be
// idempotent, and is not counted.
func tearsDown(info *types.Info, stmts []ast.Stmt) *ast.CallExpr {
	var found *ast.CallExpr
	for _, st := range stmts {
		ast.Inspect(st, func(n ast.Node) bool {
			if _, isLit := n.(*ast.FuncLit); isLit || found != nil {
				return false
			}
			call, isCall := n.(*ast.CallExpr)
			if !isCall {
				return true
			}
			if isClose(info, call) {
				found = call
				return false
			}
			if fn, isFunc := typeutil.Callee(info, call).(*types.Func); isFunc && fn.Pkg() != nil && fn.Signature().Recv() == nil &&
				slices.Contains(closers[fn.Pkg().Path()], fn.Name()) {
				found = call
			}
			return found == nil
		})
		if found != nil {
			return found
		}
	}
	return nil
}

// isClose reports whether call is of the builtin close.
func isClose(info *types.Info, call *ast.CallExpr) bool {
	return builtinCall(info, call, "close") && len(call.Args) == 1
}
