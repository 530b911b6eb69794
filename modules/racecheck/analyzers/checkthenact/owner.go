package checkthenact

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// Single-goroutine ownership decided from the code. A method R started
// with `go x.R()` once in the package (its only use, not in a loop) runs a
// goroutine per receiver. The methods only that goroutine calls, on its
// own receiver, run nowhere else, and a field of the receiver that only
// they touch belongs to that goroutine: no check-then-act on a map in it
// can interleave with another. go-zero's TimingWheel keeps its timers this
// way: `go tw.run()` in the constructor, and every method touching
// tw.timers is called only from run's select loop. When the go statement
// runs once per process (in init, or in a package-level sync.Once's Do),
// the one goroutine also owns the methods it alone calls on any receiver:
// TarsGo's health-check loop calls checkStatus on every endpoint manager.
//
// The function that starts the goroutine may call those methods, and
// touch those fields, on the variable it starts it on before its go
// statement: the go statement orders them before anything the goroutine
// does. litestream's directory monitor fills its maps and scans its
// directory in the constructor, then starts run with `go dm.run()`. A
// function literal handed to a standard-library function that calls it
// before returning (filepath.WalkDir, sort.Slice, …) runs on the caller's
// goroutine, like the code around it.

// owners is the result: for each method, the root goroutine method that
// alone runs it, and for each field, the root whose goroutine alone
// touches it.
type owners struct {
	method map[*types.Func]*types.Func
	field  map[*types.Var]*types.Func
}

// methodRef is one use of a method of the package.
type methodRef struct {
	in      *types.Func  // the declaration it appears in; nil at package level
	call    bool         // the Fun of a call on the enclosing method's receiver
	goStmt  bool         // that call is a go statement's
	literal bool         // inside a function literal
	loop    bool         // inside a for or range statement
	anyCall bool         // the Fun of a call, on whatever receiver
	once    bool         // a go statement that runs once per process
	on      types.Object // the variable the method is selected on, if one
	pos     token.Pos
}

// fieldRef is one selection of a field.
type fieldRef struct {
	in      *types.Func
	literal bool
	on      types.Object
	pos     token.Pos
}

// computeOwners finds the single-goroutine owners of the package's methods
// and fields. started lists the methods some go statement starts; without
// one, nothing is owned and no work is done.
func (c *checker) computeOwners(started map[*types.Func]bool) owners {
	o := owners{method: map[*types.Func]*types.Func{}, field: map[*types.Var]*types.Func{}}
	if len(started) == 0 {
		return o
	}
	info := c.pass.TypesInfo
	methods := map[*types.Func][]methodRef{}
	fields := map[*types.Var][]fieldRef{}
	// Names of interface methods the package calls: a method of that
	// name may be called through the interface, where no use names it.
	dynamic := map[string]bool{}
	for _, file := range c.pass.Files {
		var stack []ast.Node
		var decl *types.Func
		var recv types.Object
		ast.Inspect(file, func(n ast.Node) bool {
			if n == nil {
				if d, ok := stack[len(stack)-1].(*ast.FuncDecl); ok && info.Defs[d.Name] == decl {
					decl, recv = nil, nil
				}
				stack = stack[:len(stack)-1]
				return true
			}
			if d, ok := n.(*ast.FuncDecl); ok {
				decl, _ = info.Defs[d.Name].(*types.Func)
				recv = nil
				if decl != nil && decl.Signature().Recv() != nil {
					recv = decl.Signature().Recv()
				}
			}
			if sel, ok := n.(*ast.SelectorExpr); ok {
				switch obj := info.ObjectOf(sel.Sel).(type) {
				case *types.Func:
					if r := obj.Signature().Recv(); r != nil && types.IsInterface(r.Type()) {
						dynamic[obj.Name()] = true
					} else if obj.Pkg() == c.pass.Pkg && r != nil {
						// A generic type's method, as declared (see astq.Origin).
						m := obj.Origin()
						methods[m] = append(methods[m], c.methodRef(stack, sel, decl, recv))
					}
				case *types.Var:
					if obj.IsField() {
						f := obj.Origin()
						fields[f] = append(fields[f], fieldRef{
							in:      decl,
							literal: c.inLiteral(stack),
							on:      info.ObjectOf(astq.Ident(sel.X)),
							pos:     sel.Pos(),
						})
					}
				}
			}
			stack = append(stack, n)
			return true
		})
	}
	// Only unexported methods: other packages can call exported ones.
	private := func(m *types.Func) bool { return !m.Exported() && !dynamic[m.Name()] }
	for root := range started {
		refs := methods[root]
		if !private(root) || len(refs) != 1 || !refs[0].goStmt || refs[0].loop || refs[0].literal {
			continue
		}
		// A root started once per process is the only goroutine that
		// runs what it calls, on any receiver; one started per receiver
		// (in a constructor) owns only what it calls on its own.
		once := refs[0].once
		// What the starting function does on the started variable before
		// its go statement, which is in no loop, is ordered before the
		// goroutine.
		start := refs[0]
		beforeStart := func(in *types.Func, on types.Object, pos token.Pos, literal bool) bool {
			return in != nil && in == start.in && on != nil && on == start.on && pos < start.pos && !literal
		}
		own := map[*types.Func]bool{root: true}
		for changed := true; changed; {
			changed = false
			for m, refs := range methods {
				if own[m] || o.method[m] != nil || len(refs) == 0 || !private(m) {
					continue
				}
				all := true
				for _, r := range refs {
					if r.anyCall && beforeStart(r.in, r.on, r.pos, r.literal) {
						continue
					}
					if !(r.call || once && r.anyCall) || r.goStmt || r.literal || !own[r.in] {
						all = false
						break
					}
				}
				if all {
					own[m], changed = true, true
				}
			}
		}
		for m := range own {
			o.method[m] = root
		}
		for f, refs := range fields {
			all := true
			for _, r := range refs {
				if r.literal || !own[r.in] && !beforeStart(r.in, r.on, r.pos, r.literal) {
					all = false
					break
				}
			}
			if all {
				o.field[f] = root
			}
		}
	}
	return o
}

// methodRef describes the use of a method at sel.
func (c *checker) methodRef(stack []ast.Node, sel *ast.SelectorExpr, decl *types.Func, recv types.Object) methodRef {
	r := methodRef{in: decl, literal: c.inLiteral(stack) && !c.inOnce(stack), pos: sel.Pos()}
	r.loop = within[*ast.ForStmt](stack) || within[*ast.RangeStmt](stack)
	if len(stack) == 0 {
		return r
	}
	call, ok := stack[len(stack)-1].(*ast.CallExpr)
	if !ok || astq.Unparen(call.Fun) != sel {
		return r
	}
	id := astq.Ident(sel.X)
	r.anyCall = true
	if id != nil {
		r.on = c.pass.TypesInfo.ObjectOf(id)
	}
	r.call = id != nil && recv != nil && c.pass.TypesInfo.ObjectOf(id) == recv
	if len(stack) > 1 {
		if g, ok := stack[len(stack)-2].(*ast.GoStmt); ok && g.Call == call {
			r.goStmt = true
			r.call = true // go x.run(): started on whatever receiver
			r.once = c.oncePerProcess(stack, decl)
		}
	}
	return r
}

// oncePerProcess reports whether a go statement, outside loops, runs at
// most once in the process: in a package's init function, or in the one
// literal handed to the Do of a sync.Once that is a package variable
// (`initOnce.Do(func() { …; go m.checkLoop() })`).
func (c *checker) oncePerProcess(stack []ast.Node, decl *types.Func) bool {
	if within[*ast.ForStmt](stack) || within[*ast.RangeStmt](stack) {
		return false
	}
	if !within[*ast.FuncLit](stack) {
		return decl != nil && decl.Name() == "init" && decl.Signature().Recv() == nil
	}
	once := c.onceOf(stack)
	if once == nil {
		return false
	}
	v, ok := c.pass.TypesInfo.ObjectOf(astq.Ident(once)).(*types.Var)
	return ok && !v.IsField() && v.Parent() == c.pass.Pkg.Scope()
}

// inOnce reports whether the innermost function literal on the stack is
// the only one in its declaration and is handed to a sync.Once's Do, which
// runs it once: `s.startOnce.Do(func() { go s.start() })` starts one
// goroutine per Once, like a go statement outside any literal.
func (c *checker) inOnce(stack []ast.Node) bool {
	return c.onceOf(stack) != nil
}

// onceOf returns the sync.Once whose Do runs the innermost function literal
// on the stack, when that literal is the only one in its declaration; nil
// otherwise.
func (c *checker) onceOf(stack []ast.Node) ast.Expr {
	lit := -1
	for i := len(stack) - 1; i >= 0; i-- {
		if _, ok := stack[i].(*ast.FuncDecl); ok {
			break
		}
		if _, ok := stack[i].(*ast.FuncLit); ok {
			if lit >= 0 {
				return nil // a literal inside another
			}
			lit = i
		}
	}
	if lit < 1 {
		return nil
	}
	call, ok := stack[lit-1].(*ast.CallExpr)
	if !ok || len(call.Args) != 1 || call.Args[0] != stack[lit] {
		return nil
	}
	recv, fn, ok := astq.MethodCall(c.pass.TypesInfo, call)
	if !ok || fn.Name() != "Do" || !astq.Named(c.pass.TypesInfo.TypeOf(recv), "sync", "Once") {
		return nil
	}
	return recv
}

// inLiteral reports whether the stack, up to its innermost function
// declaration, holds a function literal that may run on another goroutine:
// one neither called or deferred where it is written nor handed straight
// to a standard-library function that calls it before returning.
func (c *checker) inLiteral(stack []ast.Node) bool {
	for i := len(stack) - 1; i >= 0; i-- {
		switch n := stack[i].(type) {
		case *ast.FuncDecl:
			return false
		case *ast.FuncLit:
			if i == 0 || !c.callsInline(stack[i-1], n) && !calledHere(stack[:i], n) {
				return true
			}
		}
	}
	return false
}

// calledHere reports whether lit, whose enclosing nodes are stack, is
// called where it is written, by the goroutine that reaches it: `func()
// {…}()` or `defer func() {…}()`, not `go func() {…}()`.
func calledHere(stack []ast.Node, lit *ast.FuncLit) bool {
	n := len(stack)
	call, ok := stack[n-1].(*ast.CallExpr)
	if !ok || astq.Unparen(call.Fun) != lit {
		return false
	}
	if n > 1 {
		if g, ok := stack[n-2].(*ast.GoStmt); ok && g.Call == call {
			return false
		}
	}
	return true
}

// inlineCallers are the standard-library functions that call a function
// argument only before they return, on the caller's goroutine.
var inlineCallers = map[string][]string{
	"path/filepath": {"Walk", "WalkDir"},
	"io/fs":         {"WalkDir"},
	"sort":          {"Slice", "SliceStable", "Search"},
	"slices":        {"SortFunc", "SortStableFunc", "IndexFunc", "ContainsFunc", "DeleteFunc"},
}

// callsInline reports whether parent is a call of one of inlineCallers
// with lit as an argument.
func (c *checker) callsInline(parent ast.Node, lit *ast.FuncLit) bool {
	call, ok := parent.(*ast.CallExpr)
	if !ok || !slices.Contains(call.Args, ast.Expr(lit)) {
		return false
	}
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Signature().Recv() != nil {
		return false
	}
	return slices.Contains(inlineCallers[fn.Pkg().Path()], fn.Name())
}

// within reports whether the stack, up to its innermost function
// declaration, holds a node of type T.
func within[T ast.Node](stack []ast.Node) bool {
	for i := len(stack) - 1; i >= 0; i-- {
		if _, ok := stack[i].(T); ok {
			return true
		}
		if _, ok := stack[i].(*ast.FuncDecl); ok {
			return false
		}
	}
	return false
}

// ownedByGoroutine reports whether f is a method only its receiver's one
// goroutine runs, and the map m is in a field of the receiver only that
// goroutine touches.
func (c *checker) ownedByGoroutine(f *fn, m ast.Expr) bool {
	obj := c.declared(f)
	if obj == nil || c.owners.method[obj] == nil {
		return false
	}
	root, path, ok := c.splitPath(m)
	if !ok || len(path) == 0 || c.pass.TypesInfo.ObjectOf(root) != recvObj(c.pass.TypesInfo, f) {
		return false
	}
	field, ok := c.pass.TypesInfo.ObjectOf(path[0]).(*types.Var)
	return ok && c.owners.field[field.Origin()] == c.owners.method[obj]
}

// keyedRoot reports whether f is a root goroutine (see owners) handed the
// key it checks: `go pm.unregisterProcess(p)`, keyed by p.Name, starts one
// goroutine per call of the function holding the go statement, not one per
// receiver, and two calls for one key start two. What such a root does
// with the key is not its alone. longhorn/longhorn-instance-manager#76:
// ProcessDelete, a request handler, started unregisterProcess for the
// process it found, and two deletes of one process released its ports
// twice.
func (c *checker) keyedRoot(f *fn, key ast.Expr) bool {
	in := c.runsIn(f)
	return in != nil && c.owners.method[in] == in && f.decl != nil && key != nil && c.paramRooted(f, key, 2)
}

// soleTaker reports whether f, a method only one goroutine of its receiver
// runs (see owners), is the only place that takes from the map w deletes
// from: every Delete-like call and claim (LoadAndDelete, CompareAndDelete,
// …) of that field in the package's non-test files is in a method the same
// goroutine alone runs, outside function literals. Two goroutines cannot
// then both take one entry. (What a Delete of a present entry does to an
// entry stored in between is left alone for every take, as for a Delete
// whose value is not used.) rpcx's file transfer takes a one-time token in
// its accept loop, started once, while other goroutines add tokens.
func (c *checker) soleTaker(f *fn, w write) bool {
	return c.onlyOwnerDoes(f, w, opDelete, opClaim)
}

// soleInserter reports whether f, a method only one goroutine runs (see
// owners), is where every Store-like call and claim on the map w writes
// is: only that goroutine inserts, so no two can race to insert one key,
// and another goroutine's Delete between the check and the Store removes
// nothing. TarsGo's endpoint manager queues an endpoint for a health check
// this way from the loop a package-level sync.Once starts.
func (c *checker) soleInserter(f *fn, w write) bool {
	return c.onlyOwnerDoes(f, w, opStore, opClaim)
}

// onlyOwnerDoes reports whether f is a method only one goroutine runs and
// every operation of the kinds given on w's map, an unexported field (other
// packages cannot reach it), is in the package's non-test code in a method
// only that goroutine runs, outside function literals; not for a root
// handed the key (see keyedRoot).
func (c *checker) onlyOwnerDoes(f *fn, w write, kinds ...opKind) bool {
	root := c.owners.method[c.runsIn(f)]
	m := mapObject(c.pass.TypesInfo, w.recv)
	if root == nil || m == nil || !m.IsField() || m.Exported() || c.keyedRoot(f, w.key) {
		return false
	}
	for g, o := range c.opsOn(m) {
		if !slices.Contains(kinds, o.kind) {
			continue
		}
		if in := c.runsIn(g); in == nil || c.owners.method[in] != root {
			return false
		}
	}
	return true
}

// runsIn returns the declared function whose goroutine runs f: the one f
// declares, or for the literal a Range runs, the one the Range is called
// in; nil for other literals.
func (c *checker) runsIn(f *fn) *types.Func {
	if lit, ok := f.node.(*ast.FuncLit); ok && f.parent != nil {
		if _, isRange := c.ranges[lit]; isRange {
			return c.runsIn(f.parent)
		}
	}
	return c.declared(f)
}

// declared returns the function f declares, or nil when f is a literal.
func (c *checker) declared(f *fn) *types.Func {
	if f.decl == nil || f.node != f.decl {
		return nil
	}
	obj, _ := c.pass.TypesInfo.Defs[f.decl.Name].(*types.Func)
	return obj
}
