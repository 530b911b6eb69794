// Package astq holds the syntax and type queries shared by the racecheck
// analyzers: walking one function body at a time, comparing expressions for
// identity, recognising map-like and mutex-like types, deciding whether an
// expression is free of side effects or a call can return, and reading the
// lock conventions of a function's name and doc comment.
package astq

import (
	"go/ast"
	"go/token"
	"go/types"
	"regexp"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

// Module import paths of the raceproof libraries whose types the analyzers
// recognise by package path and type name.
const (
	SafemapPath  = "github.com/raceproof/raceproof/modules/safemap"
	LockfreePath = "github.com/raceproof/raceproof/modules/lockfree"
)

// Func is one function body: a declared function or a function literal.
type Func struct {
	Name string // declared name; "" for a function literal
	Body *ast.BlockStmt
}

// Funcs returns every function body in files, declared functions and function
// literals alike, in source order.
func Funcs(files []*ast.File) []Func {
	var out []Func
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				if n.Body != nil {
					out = append(out, Func{Name: n.Name.Name, Body: n.Body})
				}
			case *ast.FuncLit:
				out = append(out, Func{Body: n.Body})
			}
			return true
		})
	}
	return out
}

// Walk visits the nodes of body in depth-first order together with their
// ancestors (stack[0] is body, the last element is the node's parent). It
// does not descend into nested function literals: they are separate
// functions, visited through [Funcs]. The literal node itself is visited.
func Walk(body *ast.BlockStmt, f func(n ast.Node, stack []ast.Node)) {
	var stack []ast.Node
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		f(n, stack)
		if _, ok := n.(*ast.FuncLit); ok && len(stack) > 0 {
			return false
		}
		stack = append(stack, n)
		return true
	})
}

// Unparen strips any parentheses around e.
func Unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

// MethodCall reports, for a call of the form x.Name(args), the receiver
// expression, the method name and the method object. ok is false for
// anything that is not a method call (including package-qualified function
// calls and calls of function-typed fields).
func MethodCall(info *types.Info, call *ast.CallExpr) (recv ast.Expr, fn *types.Func, ok bool) {
	sel, isSel := Unparen(call.Fun).(*ast.SelectorExpr)
	if !isSel {
		return nil, nil, false
	}
	s := info.Selections[sel]
	if s == nil || s.Kind() != types.MethodVal {
		return nil, nil, false
	}
	fn, isFn := s.Obj().(*types.Func)
	if !isFn {
		return nil, nil, false
	}
	return sel.X, fn, true
}

// Same reports whether a and b are the same side-effect-free expression:
// identifiers denoting the same object, selections of the same field or
// package member, literals with the same value, and operators applied to
// operands that are the same. Calls, receives and composite literals are
// never the same as anything, since evaluating them twice may differ.
func Same(info *types.Info, a, b ast.Expr) bool {
	a, b = Unparen(a), Unparen(b)
	switch a := a.(type) {
	case *ast.Ident:
		b, ok := b.(*ast.Ident)
		if !ok {
			return false
		}
		oa, ob := info.ObjectOf(a), info.ObjectOf(b)
		return oa != nil && oa == ob
	case *ast.BasicLit:
		b, ok := b.(*ast.BasicLit)
		if !ok {
			return false
		}
		ta, tb := info.Types[a], info.Types[b]
		if ta.Value != nil && tb.Value != nil {
			return ta.Value.ExactString() == tb.Value.ExactString() && a.Kind == b.Kind
		}
		return a.Kind == b.Kind && a.Value == b.Value
	case *ast.SelectorExpr:
		b, ok := b.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		if oa := Origin(info.ObjectOf(a.Sel)); oa == nil || oa != Origin(info.ObjectOf(b.Sel)) {
			return false
		}
		if _, isPkg := info.ObjectOf(Ident(a.X)).(*types.PkgName); isPkg {
			return true
		}
		return Same(info, a.X, b.X)
	case *ast.StarExpr:
		b, ok := b.(*ast.StarExpr)
		return ok && Same(info, a.X, b.X)
	case *ast.UnaryExpr:
		b, ok := b.(*ast.UnaryExpr)
		return ok && a.Op != token.ARROW && a.Op == b.Op && Same(info, a.X, b.X)
	case *ast.BinaryExpr:
		b, ok := b.(*ast.BinaryExpr)
		return ok && a.Op == b.Op && Same(info, a.X, b.X) && Same(info, a.Y, b.Y)
	case *ast.IndexExpr:
		b, ok := b.(*ast.IndexExpr)
		return ok && Same(info, a.X, b.X) && Same(info, a.Index, b.Index)
	}
	return false
}

// Origin returns the field or method o is an instance of: in each method
// of a generic type, the receiver's type parameters are the method's own,
// so its fields and methods are other objects than the type declares.
func Origin(o types.Object) types.Object {
	switch o := o.(type) {
	case *types.Var:
		return o.Origin()
	case *types.Func:
		return o.Origin()
	}
	return o
}

// Ident returns e as an identifier, or nil.
func Ident(e ast.Expr) *ast.Ident {
	id, _ := Unparen(e).(*ast.Ident)
	return id
}

// Root returns the variable at the root of an lvalue-like expression built
// from field selections, array indexing and parentheses (x, x.f, x.f[i].g),
// or nil when the root is not a variable or the path dereferences a pointer,
// slice or map (the memory then belongs to something other than the
// variable).
func Root(info *types.Info, e ast.Expr) *types.Var {
	for {
		switch x := Unparen(e).(type) {
		case *ast.Ident:
			v, _ := info.ObjectOf(x).(*types.Var)
			return v
		case *ast.SelectorExpr:
			s := info.Selections[x]
			if s == nil || s.Kind() != types.FieldVal || s.Indirect() {
				return nil
			}
			if _, isPtr := info.TypeOf(x.X).Underlying().(*types.Pointer); isPtr {
				return nil
			}
			e = x.X
		case *ast.IndexExpr:
			if _, isArr := info.TypeOf(x.X).Underlying().(*types.Array); !isArr {
				return nil
			}
			e = x.X
		default:
			return nil
		}
	}
}

// Mentions reports whether any identifier inside n refers to an object in set.
func Mentions(info *types.Info, n ast.Node, set map[types.Object]bool) bool {
	if n == nil || len(set) == 0 {
		return false
	}
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if found {
			return false
		}
		if id, ok := n.(*ast.Ident); ok && set[info.ObjectOf(id)] {
			found = true
		}
		return true
	})
	return found
}

// Pure reports whether evaluating e has no side effects and cannot panic, so
// that evaluating it unconditionally instead of conditionally changes nothing
// but the time spent: identifiers, constants, fields of struct values,
// composite literals and their addresses, conversions and the arithmetic
// that cannot panic.
func Pure(info *types.Info, e ast.Expr) bool {
	switch e := Unparen(e).(type) {
	case *ast.Ident, *ast.BasicLit, *ast.FuncLit:
		return true
	case *ast.SelectorExpr:
		if _, isPkg := info.ObjectOf(Ident(e.X)).(*types.PkgName); isPkg {
			return true
		}
		s := info.Selections[e]
		if s == nil || s.Kind() != types.FieldVal || s.Indirect() {
			return false
		}
		if _, isPtr := info.TypeOf(e.X).Underlying().(*types.Pointer); isPtr {
			return false
		}
		return Pure(info, e.X)
	case *ast.CompositeLit:
		for _, elt := range e.Elts {
			if kv, ok := elt.(*ast.KeyValueExpr); ok {
				if !Pure(info, kv.Key) || !Pure(info, kv.Value) {
					return false
				}
				continue
			}
			if !Pure(info, elt) {
				return false
			}
		}
		return true
	case *ast.UnaryExpr:
		switch e.Op {
		case token.AND:
			_, isLit := Unparen(e.X).(*ast.CompositeLit)
			return isLit && Pure(info, e.X) || Ident(e.X) != nil
		case token.SUB, token.ADD, token.NOT, token.XOR:
			return Pure(info, e.X)
		}
		return false
	case *ast.BinaryExpr:
		if e.Op == token.QUO || e.Op == token.REM || e.Op == token.SHL || e.Op == token.SHR {
			return info.Types[e].Value != nil
		}
		return Pure(info, e.X) && Pure(info, e.Y)
	case *ast.CallExpr:
		tv := info.Types[e.Fun]
		if !tv.IsType() || len(e.Args) != 1 {
			return false
		}
		if _, isIface := tv.Type.Underlying().(*types.Interface); isIface {
			return Pure(info, e.Args[0])
		}
		if _, isBasic := tv.Type.Underlying().(*types.Basic); isBasic {
			return Pure(info, e.Args[0])
		}
		return false
	}
	return false
}

// hasMethod reports whether the method set of t (or of *t when t is
// addressable in practice) holds a method name with nParams parameters and
// nResults results.
func hasMethod(t types.Type, name string, nParams, nResults int) bool {
	if _, isPtr := t.Underlying().(*types.Pointer); !isPtr && !types.IsInterface(t) {
		// A named non-interface type: its pointer has the methods of
		// both receivers. A pointer to an interface has none.
		if _, isNamed := types.Unalias(t).(*types.Named); isNamed {
			t = types.NewPointer(t)
		}
	}
	obj, _, _ := types.LookupFieldOrMethod(t, true, nil, name)
	fn, ok := obj.(*types.Func)
	if !ok {
		return false
	}
	sig := fn.Type().(*types.Signature)
	return sig.Params().Len() == nParams && sig.Results().Len() == nResults
}

// Named reports whether t, or the type t points to, is the named type
// pkgPath.name (any instantiation of it, when generic).
func Named(t types.Type, pkgPath, name string) bool {
	if t == nil {
		return false
	}
	if p, ok := t.Underlying().(*types.Pointer); ok {
		if _, isNamed := types.Unalias(t).(*types.Named); !isNamed {
			t = p.Elem()
		}
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return false
	}
	return n.Obj().Pkg().Path() == pkgPath && n.Obj().Name() == name
}

// LockCall reports whether call acquires (acquire true) or releases a lock:
// x.Lock(), x.RLock(), x.Unlock() or x.RUnlock() with no arguments on a value
// whose type has the matching Lock/Unlock pair. It returns a key naming the
// locked expression and the mode (read or write), so that RUnlock matches
// RLock and Unlock matches Lock.
func LockCall(info *types.Info, call *ast.CallExpr) (key string, acquire, ok bool) {
	recv, fn, isMethod := MethodCall(info, call)
	if !isMethod || len(call.Args) != 0 {
		return "", false, false
	}
	t := info.TypeOf(recv)
	switch fn.Name() {
	case "Lock":
		ok, acquire = hasMethod(t, "Unlock", 0, 0), true
	case "RLock":
		ok, acquire = hasMethod(t, "RUnlock", 0, 0), true
	case "Unlock":
		ok = hasMethod(t, "Lock", 0, 0)
	case "RUnlock":
		ok = hasMethod(t, "RLock", 0, 0)
	}
	if !ok {
		return "", false, false
	}
	mode := ".r"
	if fn.Name() == "Lock" || fn.Name() == "Unlock" {
		mode = ".w"
	}
	return types.ExprString(recv) + mode, acquire, true
}

// Terminates reports whether the statement list ends by leaving the
// enclosing block for good: return, panic, goto, break, continue, or a call
// to os.Exit, log.Fatal* or a testing Fatal/Skip method.
func Terminates(info *types.Info, list []ast.Stmt) bool {
	if len(list) == 0 {
		return false
	}
	switch s := list[len(list)-1].(type) {
	case *ast.ReturnStmt, *ast.BranchStmt:
		return true
	case *ast.ExprStmt:
		call, ok := s.X.(*ast.CallExpr)
		if !ok {
			return false
		}
		if id := Ident(call.Fun); id != nil {
			if b, isBuiltin := info.ObjectOf(id).(*types.Builtin); isBuiltin && b.Name() == "panic" {
				return true
			}
		}
		if sel, isSel := Unparen(call.Fun).(*ast.SelectorExpr); isSel {
			switch sel.Sel.Name {
			case "Exit", "Fatal", "Fatalf", "Fatalln", "Panic", "Panicf", "Panicln", "FailNow", "Skip", "Skipf", "SkipNow":
				return true
			}
		}
	case *ast.BlockStmt:
		return Terminates(info, s.List)
	}
	return false
}

// Reach returns the end of the code that can run after the node whose
// ancestors are stack, within body: the end of the innermost enclosing block
// that ends by leaving it (return, break, continue, panic), or the end of
// body. Code after such a block does not run after the node, at least not in
// the same loop iteration.
func Reach(info *types.Info, stack []ast.Node, body *ast.BlockStmt) token.Pos {
	for i := len(stack) - 1; i >= 0; i-- {
		list, ok := StmtList(stack[i])
		if !ok {
			continue
		}
		if Terminates(info, list) {
			return stack[i].End()
		}
	}
	return body.End()
}

// StmtList returns the statements n holds directly when it is a block or a
// case or select clause.
func StmtList(n ast.Node) ([]ast.Stmt, bool) {
	switch n := n.(type) {
	case *ast.BlockStmt:
		return n.List, true
	case *ast.CaseClause:
		return n.Body, true
	case *ast.CommClause:
		return n.Body, true
	}
	return nil, false
}

// MayReturn reports whether a call can return: false for panic, os.Exit,
// runtime.Goexit, log.Fatal*/Panic* and the testing Fatal/FailNow/Skip
// family.
func MayReturn(info *types.Info, call *ast.CallExpr) bool {
	if id := Ident(call.Fun); id != nil {
		if b, ok := info.ObjectOf(id).(*types.Builtin); ok && b.Name() == "panic" {
			return false
		}
	}
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok || fn.Pkg() == nil {
		return true
	}
	switch fn.Pkg().Path() {
	case "os":
		return fn.Name() != "Exit"
	case "runtime":
		return fn.Name() != "Goexit"
	case "log", "testing":
		switch fn.Name() {
		case "Fatal", "Fatalf", "Fatalln", "Panic", "Panicf", "Panicln", "FailNow", "Skip", "Skipf", "SkipNow":
			return false
		}
	}
	return true
}

// lockedSuffixes are function-name endings that by convention mean
// "the caller holds the lock": fooLocked, fooNoLock, fooLockHeld,
// fooUnderLock.
var lockedSuffixes = []string{"Locked", "NoLock", "Nolock", "LockHeld", "UnderLock"}

// lockedDoc matches doc comments that say the caller holds a lock:
// "mu must be held", "must be called with c.mu locked", "the caller must
// hold the lock", "assumes the lock is held", "requires mu".
var lockedDoc = regexp.MustCompile(`(?i)\b(must|should)\s+be\s+(held|locked)\b|` +
	`\b(lock|mutex|mu)\b(?:[^.]|\.\w){0,40}\b(is|are|must be|should be)\s+(held|locked|acquired)\b|` +
	`\bcaller[s]?\s+(must\s+|should\s+)?(hold|holds|have|has|already\s+holds?|acquires?d?)\b(?:[^.]|\.\w){0,40}\b(lock|mutex|mu)|` +
	`\bcalled\s+(with|while|under)\b(?:[^.]|\.\w){0,40}\b(lock|locked|mutex|mu|held)\b|` +
	`\b(while|when)\s+holding\b|` +
	`\bassumes?\b(?:[^.]|\.\w){0,40}\b(lock|locked|held)\b|` +
	`\brequires?\b(?:[^.]|\.\w){0,20}\b(lock|mutex|mu)\b(?:[^.]|\.\w){0,20}\b(held|locked|to be held)\b`)

// CallerHoldsLock reports whether the declaration says, by its name or its
// doc comment, that its caller already holds a lock.
func CallerHoldsLock(decl *ast.FuncDecl) bool {
	name := decl.Name.Name
	for _, s := range lockedSuffixes {
		if strings.HasSuffix(name, s) && !strings.HasSuffix(name, "Un"+strings.ToLower(s[:1])+s[1:]) {
			return true
		}
	}
	return DocSaysLockHeld(decl)
}

// DocSaysLockHeld reports whether the declaration's doc comment says that
// its caller already holds a lock ("Lock should be held", "must be called
// with c.mu locked").
func DocSaysLockHeld(decl *ast.FuncDecl) bool {
	return decl.Doc != nil && lockedDoc.MatchString(decl.Doc.Text())
}
