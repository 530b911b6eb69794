package checkthenact

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A package-level variable set on first use with no lock, in a function
// that goroutines of the package run. x-motemen/ghq's localRepositoryRoots
// (fixed in d726be70, ghq#245) cached the root directories so:
//
//	if len(_localRepositoryRoots) != 0 {
//		return _localRepositoryRoots, nil
//	}
//	…
//	_localRepositoryRoots, err = gitconfig.PathAll("ghq.root")
//
// and `ghq import --parallel` resolved repositories in an errgroup's
// goroutines, one per line read: several found the slice empty and set
// it while others read it. The fix computes it once (sync.Once).
//
// Reported: an assignment to a package-level variable after an if that
// tests it for its zero value (V != nil, V != "", len(V) != 0 or
// len(V) > 0 with a body that returns, the assignment after it; V == nil,
// V == "" or len(V) == 0 with the assignment in its body; for a bool, V
// or !V, V == false, …), with no lock held at the test, in a
// function the package runs concurrently: one reached, through static
// calls of the package's functions, from a function a go statement starts,
// or one handed to a method named Go (errgroup.Group's, conc's), inside a
// loop, or from an HTTP handler (a function or method taking an
// http.ResponseWriter and an *http.Request: net/http serves each request on
// a goroutine of its own; ricoberger/script_exporter#157 created its cache
// map on first use so), or from an exported function of a package other
// than main that does not document itself as unsafe for concurrent use:
// importers may call a package's functions from several goroutines at
// once unless told otherwise (kedacore/keda#5299's getRootCAs, reached
// from CreateTLSClientConfig; pariz/gountries#28's NewFromPath, which
// tested and set a bool). Test files are skipped.

// checkLazyGlobals reports f's lazy initialisations of package-level
// variables when goroutines of the package run f (see above).
func (c *checker) checkLazyGlobals(f *fn) {
	if f.decl == nil || f.node != f.decl || testFile(c.pass, f.body.Pos()) || c.callerLocked(f) {
		return
	}
	info := c.pass.TypesInfo
	type lazyTest struct {
		ifs    *ast.IfStmt
		v      *types.Var
		inBody bool
	}
	var tests []lazyTest
	ifs, sets := ifsAndSets(f.body)
	for _, n := range ifs {
		if v, inBody, ok := zeroValueTest(info, n); ok {
			tests = append(tests, lazyTest{n, v, inBody})
		}
	}
	if len(tests) == 0 || len(sets) == 0 {
		return
	}
	obj, _ := info.Defs[f.decl.Name].(*types.Func)
	root := c.concurrentRoot(obj)
	if root == nil {
		return
	}
	g := c.graph(f)
	reported := map[*types.Var]bool{} // one diagnostic per variable: later tests are steps of one initialisation
	for _, t := range tests {
		if reported[t.v] {
			continue
		}
		// Held on some path: the function keeps a lock discipline this
		// reading may not follow to the end (a test helper's sync.Cond
		// loop whose failure path unlocks before require.NoError ends the
		// test).
		cat, ok := nodeSite(g, t.ifs.Cond)
		if !ok || len(g.mayHeldAt(c.locks, cat)) > 0 {
			continue
		}
		for _, a := range sets {
			if !assignsVar(info, a, t.v) || t.inBody != (a.Pos() >= t.ifs.Body.Pos() && a.End() <= t.ifs.Body.End()) || a.Pos() < t.ifs.Pos() {
				continue
			}
			at, ok := nodeSite(g, a)
			if !ok {
				continue
			}
			if _, _, ok := g.condBefore(t.ifs, at); !ok {
				continue
			}
			if d, isDecl := root.(*ast.FuncDecl); isDecl && exportedRoot(info, d) && (!c.lazyGetter(f, t.ifs, t.v) || !c.publishedUnfinished(f, t.ifs, t.v, a)) {
				continue
			}
			if c.declaredSet(t.v) {
				continue // made where it is declared and never cleared: the lazy branch does not run
			}
			fset := c.pass.Fset
			p := fset.Position(root.Pos())
			how, who := "an HTTP handler", "which goroutines of the package run"
			switch root := root.(type) {
			case *ast.GoStmt, *ast.CallExpr:
				how = "started in a loop"
			case *ast.FuncDecl:
				if exportedRoot(info, root) {
					how, who = "the exported "+root.Name.Name, "which the package's importers may call from several goroutines at once"
					if root == f.decl {
						how = "exported"
					}
				}
			}
			c.emit(ruleLazyGlobal, analysis.Diagnostic{
				Pos: a.Pos(), End: a.End(),
				Message: fmt.Sprintf("%s is set here after the test on line %d found it unset, with no lock held, in %s, %s (%s, %s:%d): several can find it unset and set it while others read it; initialise it once (sync.Once, sync.OnceValues)",
					t.v.Name(), fset.Position(t.ifs.Pos()).Line, f.decl.Name.Name, who, how, filepath.Base(p.Filename), p.Line),
				Related: []analysis.RelatedInformation{{Pos: t.ifs.Cond.Pos(), End: t.ifs.Cond.End(), Message: "the test"}},
			})
			reported[t.v] = true
			break
		}
	}
}

// publishedUnfinished reports whether the variable v, set by a after the
// test ifs, is seen by other goroutines before its initialisation is over:
// f goes on after a to change what v holds (calls a method named as a
// change on it, see mutatorName, sets a field or an element of it, appends
// to it or deletes from it: keda's
// getRootCAs set rootCAs and then appended the custom certificates to the
// pool), or v is a bool flag whose if does more than set it (gountries
// built the singleton's maps under queryInited == false). A value computed
// whole and then stored, as a namespace read from a file, is one that
// racing first callers compute alike; that is left to the race detector
// where only the package's importers show the concurrency.
func (c *checker) publishedUnfinished(f *fn, ifs *ast.IfStmt, v *types.Var, a *ast.AssignStmt) bool {
	info := c.pass.TypesInfo
	if types.Identical(v.Type().Underlying(), types.Typ[types.Bool]) {
		return len(ifs.Body.List) > 1 && a.Pos() >= ifs.Body.Pos() && a.End() <= ifs.Body.End()
	}
	isV := func(e ast.Expr) bool {
		id := rootIdent(e)
		return id != nil && info.ObjectOf(id) == v
	}
	changed := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit || changed {
			return false
		}
		if n == nil || n.Pos() < a.End() {
			return true
		}
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if _, isID := astq.Unparen(l).(*ast.Ident); !isID && isV(l) {
					changed = true
				}
				if id := astq.Ident(l); id != nil && info.ObjectOf(id) == v && len(n.Rhs) == len(n.Lhs) {
					if call, isCall := astq.Unparen(n.Rhs[i]).(*ast.CallExpr); isCall && builtinCall(info, call, "append") && len(call.Args) > 0 && isV(call.Args[0]) {
						changed = true
					}
				}
			}
		case *ast.IncDecStmt:
			changed = isV(n.X)
		case *ast.CallExpr:
			if sel, isSel := astq.Unparen(n.Fun).(*ast.SelectorExpr); isSel && isV(sel.X) && mutatorName(sel.Sel.Name) {
				if selection := info.Selections[sel]; selection != nil && selection.Kind() == types.MethodVal {
					changed = true
				}
			}
			if builtinCall(info, n, "delete") && len(n.Args) > 0 && isV(n.Args[0]) {
				changed = true
			}
		}
		return !changed
	})
	return changed
}

// declaredSet reports whether the package-level variable v is initialised
// where it is declared, with something other than nil or a constant
// (var DefaultServer = newRpcServer()), and no non-test file of the package
// sets it to nil or a constant. Set anywhere else, by an initialiser
// reading a configuration, it may well be left unset.
func (c *checker) declaredSet(v *types.Var) bool {
	info := c.pass.TypesInfo
	declared, cleared := false, false
	for _, file := range c.pass.Files {
		if testFile(c.pass, file.Pos()) {
			continue
		}
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				for k, name := range n.Names {
					if info.Defs[name] == v && len(n.Values) == len(n.Names) && !isNil(info, n.Values[k]) && info.Types[n.Values[k]].Value == nil {
						declared = true
					}
				}
			case *ast.AssignStmt:
				for k, l := range n.Lhs {
					if id := astq.Ident(l); id != nil && info.ObjectOf(id) == v && len(n.Rhs) == len(n.Lhs) && (isNil(info, n.Rhs[k]) || info.Types[n.Rhs[k]].Value != nil) {
						cleared = true
					}
				}
			}
			return true
		})
	}
	return declared && !cleared
}

// mutatorName reports whether a method named name reads as one that changes
// its receiver (AppendCertsFromPEM, Add, set, Register, …), as a call of a
// client's Do does not.
func mutatorName(name string) bool {
	lower := strings.ToLower(name)
	for _, verb := range []string{"add", "append", "set", "put", "store", "insert", "register", "delete", "remove", "init", "update", "push", "load"} {
		if strings.HasPrefix(lower, verb) {
			return true
		}
	}
	return false
}

// lazyGetter reports whether f hands out what it initialises: a return of
// v, or, for a bool flag v, of a package-level variable the if ifs sets.
// A getter is called wherever the value is needed (keda's getRootCAs,
// gountries' NewFromPath); a function that only sets up or registers
// (tinode's push.Register, neo-go's HandleLoggingParams, sing-box's
// RegisterPlugin) is called by a program's start, once, or from init.
func (c *checker) lazyGetter(f *fn, ifs *ast.IfStmt, v *types.Var) bool {
	if c.returned(f, v) {
		return true
	}
	if !types.Identical(v.Type().Underlying(), types.Typ[types.Bool]) {
		return false
	}
	_, sets := ifsAndSets(ifs.Body)
	for _, a := range sets {
		for _, l := range a.Lhs {
			if id := astq.Ident(l); id != nil {
				if gv, isVar := c.pass.TypesInfo.ObjectOf(id).(*types.Var); isVar && packageLevel(gv) && gv != v && c.returned(f, gv) {
					return true
				}
			}
		}
	}
	return false
}

// builtinCall reports whether call is of the builtin named name.
func builtinCall(info *types.Info, call *ast.CallExpr, name string) bool {
	b, isBuiltin := info.Uses[astq.Ident(call.Fun)].(*types.Builtin)
	return isBuiltin && b.Name() == name
}

// ifsAndSets returns the if statements and the plain assignments (=) of
// body, outside its function literals.
func ifsAndSets(body *ast.BlockStmt) (ifs []*ast.IfStmt, sets []*ast.AssignStmt) {
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.IfStmt:
			ifs = append(ifs, n)
		case *ast.AssignStmt:
			if n.Tok == token.ASSIGN {
				sets = append(sets, n)
			}
		}
		return true
	})
	return ifs, sets
}

// zeroValueTest reports whether ifs tests a package-level variable for its
// zero value so that code setting it runs where it was unset (see
// unsetTest).
func zeroValueTest(info *types.Info, ifs *ast.IfStmt) (v *types.Var, inBody, ok bool) {
	global := func(e ast.Expr) *types.Var {
		if id, isID := e.(*ast.Ident); isID {
			if gv, isVar := info.ObjectOf(id).(*types.Var); isVar && packageLevel(gv) {
				return gv
			}
		}
		return nil
	}
	// A bool flag: !V or V == false, with the set in the body; V or V ==
	// true in an if whose body refuses, with the set after it.
	cond := astq.Unparen(ifs.Cond)
	flag := func(e ast.Expr) *types.Var {
		if gv := global(astq.Unparen(e)); gv != nil && types.Identical(gv.Type().Underlying(), types.Typ[types.Bool]) {
			return gv
		}
		return nil
	}
	boolConst := func(e ast.Expr) (bool, bool) {
		if c := info.Types[e].Value; c != nil && c.Kind() == constant.Bool {
			return constant.BoolVal(c), true
		}
		return false, false
	}
	switch e := cond.(type) {
	case *ast.UnaryExpr:
		if v := flag(e.X); v != nil && e.Op == token.NOT {
			return v, true, true
		}
	case *ast.Ident:
		if v := flag(e); v != nil {
			return v, false, refuses(ifs)
		}
	case *ast.BinaryExpr:
		x, y := e.X, e.Y
		if flag(x) == nil {
			x, y = y, x
		}
		if v, want := flag(x), e.Op == token.EQL; v != nil && (e.Op == token.EQL || e.Op == token.NEQ) {
			if b, isConst := boolConst(y); isConst {
				if b == want {
					return v, false, refuses(ifs) // V == true, V != false
				}
				return v, true, true // V == false, V != true
			}
		}
	}
	x, inBody, ok := unsetTest(info, ifs, func(e ast.Expr) bool { return global(e) != nil })
	if !ok {
		return nil, false, false
	}
	return global(x), inBody, true
}

// unsetTest reports whether ifs tests an expression subject accepts (with
// parentheses removed) for its zero value (nil, "", 0, or a length of 0)
// so that code setting it runs where it was unset: x == nil or len(x) ==
// 0, for the body (inBody); x != nil, len(x) != 0 or len(x) > 0 in an if
// whose body returns, for what follows it. It returns x.
func unsetTest(info *types.Info, ifs *ast.IfStmt, subject func(ast.Expr) bool) (x ast.Expr, inBody, ok bool) {
	b, isBin := astq.Unparen(ifs.Cond).(*ast.BinaryExpr)
	if !isBin {
		return nil, false, false
	}
	tested := func(e ast.Expr) ast.Expr {
		e = astq.Unparen(e)
		if call, isCall := e.(*ast.CallExpr); isCall && len(call.Args) == 1 {
			if bi, isB := typeutil.Callee(info, call).(*types.Builtin); isB && bi.Name() == "len" {
				e = astq.Unparen(call.Args[0])
			}
		}
		if !subject(e) {
			return nil
		}
		return e
	}
	zero := func(e ast.Expr) bool {
		if isNil(info, e) {
			return true
		}
		c := info.Types[e].Value
		return c != nil && (c.Kind() == constant.Int && constant.Sign(c) == 0 || c.Kind() == constant.String && constant.StringVal(c) == "")
	}
	left, y := b.X, b.Y
	if tested(left) == nil {
		left, y = y, left
	}
	if x = tested(left); x == nil || !zero(y) {
		return nil, false, false
	}
	switch b.Op {
	case token.EQL:
		return x, true, true
	case token.NEQ, token.GTR:
		if b.Op == token.GTR && left != b.X {
			return nil, false, false // 0 > len(V)
		}
		return x, false, refuses(ifs)
	}
	return nil, false, false
}

// assignsVar reports whether a sets v.
func assignsVar(info *types.Info, a *ast.AssignStmt, v *types.Var) bool {
	for _, l := range a.Lhs {
		if id := astq.Ident(l); id != nil && info.ObjectOf(id) == v {
			return true
		}
	}
	return false
}

// concurrentRoot returns where goroutines of the package start that run
// fn (see checkLazyGlobals): a go statement, or a call of a method named
// Go handed a function, inside a loop, or an HTTP handler, whose function
// reaches fn through static calls of the package's functions; or nil.
func (c *checker) concurrentRoot(fn *types.Func) ast.Node {
	if fn == nil {
		return nil
	}
	if c.goRoots == nil {
		c.computeGoRoots()
	}
	return c.goRoots[fn]
}

// computeGoRoots finds, for each function of the package, a start of
// goroutines in a loop that reaches it (see concurrentRoot).
func (c *checker) computeGoRoots() {
	info := c.pass.TypesInfo
	c.goRoots = map[*types.Func]ast.Node{}
	var queue []*types.Func
	reach := func(body ast.Node, root ast.Node) {
		ast.Inspect(body, func(n ast.Node) bool {
			if call, isCall := n.(*ast.CallExpr); isCall {
				if callee := typeutil.StaticCallee(info, call); callee != nil && c.declOf(callee) != nil && c.goRoots[callee] == nil {
					c.goRoots[callee] = root
					queue = append(queue, callee)
				}
			}
			return true
		})
	}
	started := func(e ast.Expr, root ast.Node) {
		switch e := astq.Unparen(e).(type) {
		case *ast.FuncLit:
			reach(e.Body, root)
		default:
			if fn, isFunc := info.ObjectOf(astq.Ident(e)).(*types.Func); isFunc && c.declOf(fn) != nil && c.goRoots[fn] == nil {
				c.goRoots[fn] = root
				queue = append(queue, fn)
			}
		}
	}
	for _, d := range c.sortedDecls() {
		if d.Body == nil || testFile(c.pass, d.Pos()) {
			continue
		}
		// net/http serves each request on a goroutine of its own.
		if fn, isFunc := info.Defs[d.Name].(*types.Func); isFunc && httpHandler(fn.Signature()) && c.goRoots[fn] == nil {
			c.goRoots[fn] = d
			queue = append(queue, fn)
		}
		ast.Inspect(d.Body, func(n ast.Node) bool {
			if lit, isLit := n.(*ast.FuncLit); isLit {
				if sig, isSig := info.TypeOf(lit).(*types.Signature); isSig && httpHandler(sig) {
					reach(lit.Body, lit)
				}
			}
			return true
		})
		var walk func(n ast.Node, loops int)
		walk = func(n ast.Node, loops int) {
			ast.Inspect(n, func(m ast.Node) bool {
				switch m := m.(type) {
				case *ast.ForStmt:
					if m != n {
						walk(m.Body, loops+1)
						return false
					}
				case *ast.RangeStmt:
					if m != n {
						walk(m.Body, loops+1)
						return false
					}
				case *ast.FuncLit:
					if m != n {
						walk(m.Body, 0)
						return false
					}
				case *ast.GoStmt:
					if loops > 0 {
						if callee := typeutil.StaticCallee(info, m.Call); callee != nil && c.declOf(callee) != nil {
							if c.goRoots[callee] == nil {
								c.goRoots[callee] = m
								queue = append(queue, callee)
							}
						} else {
							started(m.Call.Fun, m)
						}
					}
				case *ast.CallExpr:
					if sel, isSel := astq.Unparen(m.Fun).(*ast.SelectorExpr); isSel && sel.Sel.Name == "Go" && loops > 0 {
						for _, arg := range m.Args {
							if _, isSig := info.TypeOf(arg).Underlying().(*types.Signature); isSig {
								started(arg, m)
							}
						}
					}
				}
				return true
			})
		}
		walk(d.Body, 0)
	}
	drain := func() {
		for len(queue) > 0 {
			fn := queue[0]
			queue = queue[1:]
			if d := c.declOf(fn); d != nil && d.Body != nil {
				reach(d.Body, c.goRoots[fn])
			}
		}
	}
	drain()
	// What is left reached from an exported function of a library
	// package: its importers may call it from several goroutines at once,
	// as they may any function of a package that does not say otherwise
	// (see exportedRoot).
	if c.pass.Pkg.Name() == "main" {
		return
	}
	for _, d := range c.sortedDecls() {
		if d.Body == nil || d.Recv != nil || !d.Name.IsExported() || testFile(c.pass, d.Pos()) || docSaysUnsynchronized(d) {
			continue
		}
		if fn, isFunc := info.Defs[d.Name].(*types.Func); isFunc && c.goRoots[fn] == nil {
			c.goRoots[fn] = d
			queue = append(queue, fn)
		}
	}
	drain()
}

// exportedRoot reports whether d, a root of goroutines (see
// computeGoRoots), is an exported function of the package rather than an
// HTTP handler.
func exportedRoot(info *types.Info, d *ast.FuncDecl) bool {
	fn, isFunc := info.Defs[d.Name].(*types.Func)
	return isFunc && d.Recv == nil && d.Name.IsExported() && !httpHandler(fn.Signature())
}

// httpHandler reports whether sig is an HTTP handler's:
// func(http.ResponseWriter, *http.Request).
func httpHandler(sig *types.Signature) bool {
	p := sig.Params()
	if p.Len() != 2 || sig.Results().Len() != 0 || !astq.Named(p.At(0).Type(), "net/http", "ResponseWriter") {
		return false
	}
	ptr, isPtr := p.At(1).Type().(*types.Pointer)
	return isPtr && astq.Named(ptr.Elem(), "net/http", "Request")
}
