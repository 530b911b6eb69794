package checkthenact

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A channel's closed state probed, then the channel closed, in a method of
// a network connection. A non-blocking receive tells whether a channel has
// been closed:
//
//	func closed(c chan struct{}) bool {
//		select {
//		case <-c:
//			return true
//		default:
//			return false
//		}
//	}
//
// and `if !closed(r.readCloseFlag) { close(r.readCloseFlag) }` closes it
// once, as long as one goroutine does it at a time. Two that probe before
// either closes both close, and the second close panics. Jigsaw-Code/Intra
// (fixed in 5c6d68d, Intra#518) did this in its retrying connection's
// CloseRead and CloseWrite, which Close calls too: the reader's CloseRead
// and another goroutine's Close raced.
//
// Whether two goroutines run the method is seldom visible in the code (a
// Stop or Close is mostly called once), so the probe and close are
// reported only where a contract says they do: in a method of a type that
// implements net.Conn, net.PacketConn or net.Listener, whose methods
// "multiple goroutines may invoke simultaneously", or io.ReadCloser, whose
// Close is how another goroutine stops a blocked Read (go-delve/delve's
// DAP connection, fixed in e80e401, delve#3609, closed its channel so,
// from the server's Stop and the connection's own loop). Reported: a close(ch)
// of a field of the receiver in the default case of a select whose other
// case receives from ch, or on the branch where a probe of ch (such a
// select in a function of the package, called directly or through a
// method answering the probe of a field) found it open, with no lock held
// at the close. On the projects measured, the same probe and close in
// services' and registries' Stop methods (go-micro, dubbo-go) were called
// once; they are not reported. The other place where several goroutines
// visibly run a probe and a close is a function literal a loop starts
// again and again (a go statement or a group's Go, see spawnedInLoop): its
// close of a channel captured from outside the literal, one all of them
// share, is reported the same way.

// probe is what a function answers: whether a channel is closed, the
// channel being its parameter param, or, when param is -1, the field
// field of its receiver.
type probe struct {
	param int
	field string
}

// probes returns the functions of the package that answer whether a
// channel is closed by a non-blocking receive, directly or by answering
// another such function's result (func (r *retrier) readClosed() bool {
// return closed(r.readCloseFlag) }).
func (c *checker) probes() map[*types.Func]probe {
	if c.probeFuncs != nil {
		return c.probeFuncs
	}
	c.probeFuncs = map[*types.Func]probe{}
	info := c.pass.TypesInfo
	for pass := 0; pass < 3; pass++ {
		for n := range c.funcs {
			d, ok := n.(*ast.FuncDecl)
			if !ok || d.Body == nil || len(d.Body.List) == 0 {
				continue
			}
			fn, ok := info.Defs[d.Name].(*types.Func)
			if !ok || fn.Signature().Results().Len() != 1 || !types.Identical(fn.Signature().Results().At(0).Type(), types.Typ[types.Bool]) {
				continue
			}
			if _, known := c.probeFuncs[fn]; known {
				continue
			}
			var ch ast.Expr
			switch st := d.Body.List[0].(type) {
			case *ast.SelectStmt:
				ch = selectProbe(st, true)
			case *ast.ReturnStmt:
				if len(d.Body.List) == 1 && len(st.Results) == 1 {
					if call, isCall := astq.Unparen(st.Results[0]).(*ast.CallExpr); isCall {
						ch = c.probedBy(call)
					}
				}
			}
			if ch == nil {
				continue
			}
			if p, ok := paramOrField(info, d, ch); ok {
				c.probeFuncs[fn] = p
			}
		}
	}
	return c.probeFuncs
}

// selectProbe returns ch when s is a non-blocking receive from it: a
// select of two cases, <-ch and default; with answers set, the first
// returns true and the second false (or falls through to a return false
// after the select, which the caller does not check).
func selectProbe(s *ast.SelectStmt, answers bool) ast.Expr {
	if len(s.Body.List) != 2 {
		return nil
	}
	var ch ast.Expr
	var recvBody, defBody []ast.Stmt
	hasDefault := false
	for _, cl := range s.Body.List {
		cc := cl.(*ast.CommClause)
		switch comm := cc.Comm.(type) {
		case nil:
			defBody, hasDefault = cc.Body, true
		case *ast.ExprStmt:
			if u, ok := astq.Unparen(comm.X).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
				ch, recvBody = u.X, cc.Body
			}
		}
	}
	if ch == nil || !hasDefault && !answers {
		return nil
	}
	if answers && !(returnsBool(recvBody, true) && (defBody == nil || returnsBool(defBody, false))) {
		return nil
	}
	return ch
}

// recvReturns reports whether the receive case of a probing select ends
// in a return and its default case does not: the statements after the
// select run only where the probe found the channel open.
func recvReturns(s *ast.SelectStmt) bool {
	returns := func(body []ast.Stmt) bool {
		if len(body) == 0 {
			return false
		}
		_, ok := body[len(body)-1].(*ast.ReturnStmt)
		return ok
	}
	recv := false
	for _, cl := range s.Body.List {
		cc := cl.(*ast.CommClause)
		if cc.Comm == nil && returns(cc.Body) {
			return false
		}
		if cc.Comm != nil {
			recv = returns(cc.Body)
		}
	}
	return recv
}

// returnsBool reports whether body ends in return b.
func returnsBool(body []ast.Stmt, b bool) bool {
	if len(body) == 0 {
		return false
	}
	ret, ok := body[len(body)-1].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return false
	}
	id := astq.Ident(ret.Results[0])
	return id != nil && (b && id.Name == "true" || !b && id.Name == "false")
}

// paramOrField says which parameter of d, or which field of its receiver,
// ch is.
func paramOrField(info *types.Info, d *ast.FuncDecl, ch ast.Expr) (probe, bool) {
	ch = astq.Unparen(ch)
	if id := astq.Ident(ch); id != nil {
		i := 0
		for _, f := range d.Type.Params.List {
			for _, name := range f.Names {
				if info.Defs[name] == info.Uses[id] {
					return probe{param: i}, true
				}
				i++
			}
			if len(f.Names) == 0 {
				i++
			}
		}
		return probe{}, false
	}
	sel, ok := ch.(*ast.SelectorExpr)
	if !ok || d.Recv == nil || len(d.Recv.List[0].Names) != 1 {
		return probe{}, false
	}
	if x := astq.Ident(sel.X); x != nil && info.Uses[x] == info.Defs[d.Recv.List[0].Names[0]] {
		return probe{param: -1, field: sel.Sel.Name}, true
	}
	return probe{}, false
}

// probedBy returns the channel a call of a probe function asks about, in
// the caller's terms, or nil.
func (c *checker) probedBy(call *ast.CallExpr) ast.Expr {
	fn := typeutil.StaticCallee(c.pass.TypesInfo, call)
	if fn == nil {
		return nil
	}
	p, ok := c.probeFuncs[fn]
	if !ok {
		return nil
	}
	if p.param >= 0 {
		if p.param < len(call.Args) {
			return call.Args[p.param]
		}
		return nil
	}
	sel, ok := astq.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	return &ast.SelectorExpr{X: sel.X, Sel: &ast.Ident{Name: p.field, NamePos: sel.Sel.Pos()}}
}

// checkProbeCloses reports the probe-then-close of f (see above).
func (c *checker) checkProbeCloses(f *fn) {
	if testFile(c.pass, f.body.Pos()) {
		return
	}
	c.probes()
	info := c.pass.TypesInfo
	var who string                        // who runs f in several goroutines, and why
	var sameChan func(a, b ast.Expr) bool // whether two expressions name the one shared channel
	switch n := f.node.(type) {
	case *ast.FuncDecl:
		if n.Recv == nil || len(n.Recv.List[0].Names) != 1 {
			return
		}
		recv := info.Defs[n.Recv.List[0].Names[0]]
		if recv == nil {
			return
		}
		if contract := c.streamContract(recv.Type()); contract != "" {
			who = render(c.pass.Fset, n.Recv.List[0].Names[0]) + " is " + contract
		} else if doc := c.concurrentDoc(f); doc != "" {
			who = "its documentation says: " + quoteDoc(doc)
		} else if started, called := c.startedAndCalled(info.Defs[n.Name].(*types.Func)); started != nil {
			who = fmt.Sprintf("%s on line %d runs it in a goroutine of its own, and line %d calls it too", shortRender(c.pass.Fset, started), c.pass.Fset.Position(started.Pos()).Line, c.pass.Fset.Position(called.Pos()).Line)
		} else {
			return
		}
		sameChan = func(a, b ast.Expr) bool {
			sa, okA := astq.Unparen(a).(*ast.SelectorExpr)
			sb, okB := astq.Unparen(b).(*ast.SelectorExpr)
			if !okA || !okB || sa.Sel.Name != sb.Sel.Name {
				return false
			}
			xa, xb := astq.Ident(sa.X), astq.Ident(sb.X)
			return xa != nil && xb != nil && info.Uses[xa] == recv && info.Uses[xb] == recv
		}
	case *ast.FuncLit:
		start := spawnedInLoop(f)
		if start == nil {
			return
		}
		starter := "the go statement"
		if _, isGo := start.(*ast.GoStmt); !isGo {
			starter = "the call of Go"
		}
		who = fmt.Sprintf("the function literal runs in every goroutine %s on line %d starts in a loop", starter, c.pass.Fset.Position(start.Pos()).Line)
		sameChan = func(a, b ast.Expr) bool {
			v, ok := info.Uses[astq.Ident(a)].(*types.Var)
			return ok && info.Uses[astq.Ident(b)] == v && (v.Pos() < n.Pos() || v.Pos() >= n.End())
		}
	default:
		return
	}
	var g *graph
	report := func(probeAt ast.Node, closeCall *ast.CallExpr) {
		if g == nil {
			g = c.graph(f)
		}
		if at, ok := g.calls[closeCall]; !ok || len(g.heldAt(c.locks, at)) > 0 {
			return
		}
		c.emitf(ruleProbeClose, closeCall.Pos(), "%s after the probe on line %d found it open is not atomic with it: %s, and two that probe before either closes both close, the second with a panic; close it in a sync.Once, or decide with an atomic CompareAndSwap",
			render(c.pass.Fset, closeCall), c.pass.Fset.Position(probeAt.Pos()).Line, who)
	}
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.SelectStmt:
			ch := selectProbe(n, false)
			if ch == nil {
				return true
			}
			for _, cl := range n.Body.List {
				if cc := cl.(*ast.CommClause); cc.Comm == nil {
					if call := closeIn(info, cc.Body, ch, sameChan); call != nil {
						report(n, call)
					}
				}
			}
		case *ast.BlockStmt:
			for i, st := range n.List {
				if sel, isSelect := st.(*ast.SelectStmt); isSelect {
					// select { case <-ch: return; default: }; close(ch),
					// up to the next probe, which answers for what follows.
					if ch := selectProbe(sel, false); ch != nil && recvReturns(sel) {
						open := n.List[i+1:]
						for j, next := range open {
							if later, isSelect := next.(*ast.SelectStmt); isSelect && selectProbe(later, false) != nil {
								open = open[:j]
								break
							}
						}
						if cl := closeIn(info, open, ch, sameChan); cl != nil {
							report(sel, cl)
						}
					}
					continue
				}
				ifs, ok := st.(*ast.IfStmt)
				if !ok || ifs.Init != nil {
					continue
				}
				cond := astq.Unparen(ifs.Cond)
				negated := false
				if u, ok := cond.(*ast.UnaryExpr); ok && u.Op == token.NOT {
					cond, negated = astq.Unparen(u.X), true
				}
				call, ok := cond.(*ast.CallExpr)
				if !ok {
					continue
				}
				ch := c.probedBy(call)
				if ch == nil {
					continue
				}
				var open []ast.Stmt // where the probe found the channel open
				switch {
				case negated:
					open = ifs.Body.List
				case ifs.Else == nil && len(ifs.Body.List) > 0:
					if _, returns := ifs.Body.List[len(ifs.Body.List)-1].(*ast.ReturnStmt); returns {
						open = n.List[i+1:]
					}
				}
				if cl := closeIn(info, open, ch, sameChan); cl != nil {
					report(ifs.Cond, cl)
				}
			}
		}
		return true
	})
}

// spawnedInLoop returns the go statement, or the call of a method named Go
// (errgroup's, a WaitGroup's), that runs the literal f inside a loop of the
// function f is written in, or nil: every iteration starts another
// goroutine running it (golangci-lint's analyze starts one per analysis
// action, and each probed and closed the one stop channel they share,
// golangci/golangci-lint#5929).
func spawnedInLoop(f *fn) ast.Node {
	if f.parent == nil {
		return nil
	}
	var start ast.Node
	ast.Inspect(f.parent.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			if astq.Unparen(n.Call.Fun) == f.node && inLoop(f.parent.body, n) {
				start = n
			}
		case *ast.CallExpr:
			if sel, ok := astq.Unparen(n.Fun).(*ast.SelectorExpr); ok && sel.Sel.Name == "Go" && slices.ContainsFunc(n.Args, func(a ast.Expr) bool { return astq.Unparen(a) == f.node }) && inLoop(f.parent.body, n) {
				start = n
			}
		}
		return start == nil
	})
	return start
}

// closeIn returns a close(ch) among stmts (not in function literals), or
// nil.
func closeIn(info *types.Info, stmts []ast.Stmt, ch ast.Expr, same func(a, b ast.Expr) bool) *ast.CallExpr {
	var found *ast.CallExpr
	for _, st := range stmts {
		ast.Inspect(st, func(n ast.Node) bool {
			if found != nil {
				return false
			}
			if _, isLit := n.(*ast.FuncLit); isLit {
				return false
			}
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 1 {
				return true
			}
			if isClose(info, call) && same(call.Args[0], ch) {
				found = call
			}
			return true
		})
	}
	return found
}

// startedAndCalled returns, for a method of the package, a call that runs
// it in a goroutine of its own (time.AfterFunc(d, t.Cancel), or go
// t.Cancel()) and another call of it made where it is (an HTTP handler's
// t.Cancel()): two goroutines can then run it at once. Nil when either is
// missing; test files do not count. One pass over the package's files
// finds both for every method, on first use.
func (c *checker) startedAndCalled(method *types.Func) (started, called *ast.CallExpr) {
	if c.methodRuns == nil {
		c.methodRuns = map[*types.Func]*[2]*ast.CallExpr{}
		info := c.pass.TypesInfo
		note := func(fn *types.Func, i int, call *ast.CallExpr) {
			if fn == nil || fn.Pkg() != c.pass.Pkg || fn.Signature().Recv() == nil {
				return
			}
			r := c.methodRuns[fn]
			if r == nil {
				r = &[2]*ast.CallExpr{}
				c.methodRuns[fn] = r
			}
			if r[i] == nil {
				r[i] = call
			}
		}
		for _, file := range c.pass.Files {
			if testFile(c.pass, file.Pos()) {
				continue
			}
			goCalls := map[*ast.CallExpr]bool{}
			ast.Inspect(file, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.GoStmt:
					goCalls[n.Call] = true
					note(typeutil.StaticCallee(info, n.Call), 0, n.Call)
				case *ast.CallExpr:
					if goCalls[n] {
						return true
					}
					if fn, ok := typeutil.Callee(info, n).(*types.Func); ok && fn.Pkg() != nil && fn.Pkg().Path() == "time" && fn.Name() == "AfterFunc" && len(n.Args) == 2 {
						if sel, isSel := astq.Unparen(n.Args[1]).(*ast.SelectorExpr); isSel {
							m, _ := info.Uses[sel.Sel].(*types.Func)
							note(m, 0, n)
						}
					}
					note(typeutil.StaticCallee(info, n), 1, n)
				}
				return true
			})
		}
	}
	r := c.methodRuns[method]
	if r == nil || r[0] == nil || r[1] == nil {
		return nil, nil
	}
	return r[0], r[1]
}

// streamContract says why goroutines share the methods of t (or *t): it
// implements net.Conn, net.PacketConn or net.Listener, whose methods
// "multiple goroutines may invoke simultaneously", or io.ReadCloser, whose
// Close is how another goroutine stops a blocked Read. "" when neither.
func (c *checker) streamContract(t types.Type) string {
	if !c.ioLooked {
		c.netPkg = findPackage(c.pass.Pkg, "net", map[*types.Package]bool{})
		c.ioPkg = findPackage(c.pass.Pkg, "io", map[*types.Package]bool{})
		c.ioLooked = true
	}
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	implements := func(pkg *types.Package, name string) bool {
		if pkg == nil {
			return false
		}
		obj, ok := pkg.Scope().Lookup(name).(*types.TypeName)
		if !ok {
			return false
		}
		iface, ok := obj.Type().Underlying().(*types.Interface)
		return ok && (types.Implements(t, iface) || types.Implements(types.NewPointer(t), iface))
	}
	for _, name := range []string{"Conn", "PacketConn", "Listener"} {
		if implements(c.netPkg, name) {
			return "a net." + name + ", whose methods several goroutines may call at once"
		}
	}
	if implements(c.ioPkg, "ReadCloser") {
		return "an io.ReadCloser, whose Close another goroutine calls to stop a Read"
	}
	return ""
}

// findPackage finds the package of the given path among p's imports,
// transitively.
func findPackage(p *types.Package, path string, seen map[*types.Package]bool) *types.Package {
	if seen[p] {
		return nil
	}
	seen[p] = true
	for _, imp := range p.Imports() {
		if imp.Path() == path {
			return imp
		}
		if found := findPackage(imp, path, seen); found != nil {
			return found
		}
	}
	return nil
}
