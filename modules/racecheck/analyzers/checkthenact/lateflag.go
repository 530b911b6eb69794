package checkthenact

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A busy flag tested before a goroutine starts and set only inside it:
//
//	if j.isRunning() {
//		return errBusy
//	}
//	go s.execute(j) // execute begins with j.setRunning(true)
//
// The flag says "a run is under way", but it is set by the goroutine the
// test lets start, once the scheduler runs it; until then the flag still
// says nothing runs, and a second caller passes the same test and starts
// a second goroutine (a job run twice, two invoices per customer). The fix
// sets the flag in the launcher, in the critical section that tests it,
// before the go statement. Reported: a go statement, after an if that
// refuses (ends in a return) when a bool flag is true (the flag, its
// atomic Load, a locking getter of it, or a local copied once from one of
// these, as the whole condition or one of its || terms), whose goroutine
// (a function literal, or a function or method of the package, its
// receiver and parameters read in the launcher's terms) sets that flag to
// true in a statement of its own body (an assignment, an atomic Store, or
// a locking setter of the package handed true), when the launcher does not
// set the flag itself between the test and the go statement. The launcher
// must be callable from many goroutines by what the package shows: an
// exported function or method, or one with two or more callers in the
// package. Not in test files.

// checkLateFlags reports f's go statements whose goroutine sets the busy
// flag f tested before starting it (see above).
func (c *checker) checkLateFlags(f *fn) {
	if f.decl == nil || f.node != f.decl || testFile(c.pass, f.body.Pos()) || c.callerLocked(f) || !c.manyCallers(f.decl) {
		return
	}
	var stack []ast.Node
	ast.Inspect(f.body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if _, isLit := n.(*ast.FuncLit); isLit {
			return false
		}
		stack = append(stack, n)
		gs, isGo := n.(*ast.GoStmt)
		if !isGo {
			return true
		}
		sets := c.goroutineFlagSets(gs)
		if len(sets) == 0 || c.handsOverLock(f, gs) {
			return true
		}
		// The ifs before the go statement in each block around it.
		for i := len(stack) - 2; i >= 0; i-- {
			block, isBlock := stack[i].(*ast.BlockStmt)
			if !isBlock {
				continue
			}
			for j, st := range block.List {
				if !containsNode(st, gs) {
					continue
				}
				for k := j - 1; k >= 0; k-- {
					ifs, isIf := block.List[k].(*ast.IfStmt)
					if !isIf || !refuses(ifs) {
						continue
					}
					for _, term := range orTerms(ifs.Cond) {
						flag := c.flagTested(f, term)
						if flag == "" {
							continue
						}
						set, ok := sets[flag]
						if !ok || c.setsFlagBetween(f, flag, ifs.End(), gs.Pos()) {
							continue
						}
						fset := c.pass.Fset
						started := "go " + render(fset, gs.Call)
						if _, literal := astq.Unparen(gs.Call.Fun).(*ast.FuncLit); literal {
							started = "go func() {…}()"
						}
						c.emit(ruleLateFlag, analysis.Diagnostic{
							Pos: gs.Pos(), End: gs.End(),
							Message: fmt.Sprintf("%s starts a goroutine that sets %s (%s), which the test on line %d refused on, only once it runs: until then another caller can pass the same test and start a second one; set it before the go statement, in the critical section that tests it",
								started, flag, set, fset.Position(ifs.Pos()).Line),
							Related: []analysis.RelatedInformation{{Pos: term.Pos(), End: term.End(), Message: "the test"}},
						})
						return true
					}
				}
			}
		}
		return true
	})
}

// handsOverLock reports whether f holds a lock at the go statement gs and
// never releases it afterwards: the goroutine releases it (neo-go's
// oracle Start locks, tests running and starts start, which sets running
// and unlocks), so a second caller waits on the lock until the flag is
// set.
func (c *checker) handsOverLock(f *fn, gs *ast.GoStmt) bool {
	g := c.graph(f)
	at, ok := nodeSite(g, gs)
	if !ok {
		return false
	}
	held := g.heldAt(c.locks, at)
	if len(held) == 0 {
		return false
	}
	released := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit || released {
			return false
		}
		call, isCall := n.(*ast.CallExpr)
		if !isCall || call.Pos() < gs.End() {
			return true
		}
		if key, acquire, ok := c.locks.call(call); ok && !acquire && held[key] {
			released = true
		}
		return !released
	})
	return !released
}

// manyCallers reports whether d can be called from many goroutines by what
// the package shows: it is exported (a method whose type is unexported
// counts as well: an interface or a handler may reach it), or the package
// calls it from two places or more.
func (c *checker) manyCallers(d *ast.FuncDecl) bool {
	if d.Name.IsExported() {
		return true
	}
	obj, ok := c.pass.TypesInfo.Defs[d.Name].(*types.Func)
	return ok && len(c.callersOf(obj)) >= 2
}

// orTerms splits cond into the terms of its top-level ||: each of them
// true makes cond true.
func orTerms(cond ast.Expr) []ast.Expr {
	if b, ok := astq.Unparen(cond).(*ast.BinaryExpr); ok && b.Op == token.LOR {
		return append(orTerms(b.X), orTerms(b.Y)...)
	}
	return []ast.Expr{astq.Unparen(cond)}
}

// flagTested returns the bool flag term is true for, in f's terms (j.running),
// or "": the flag itself, its atomic Load, a locking getter of the package
// answering it, or a local of f assigned once from one of these.
func (c *checker) flagTested(f *fn, term ast.Expr) string {
	info := c.pass.TypesInfo
	if v := c.localVar(f, term); v != nil && astq.Ident(term) == astq.Unparen(term) {
		def := c.onlyAssignment(f, v)
		if def == nil {
			return ""
		}
		term = def
	}
	if t := info.TypeOf(term); t == nil || !isBool(t) {
		return ""
	}
	switch e := astq.Unparen(term).(type) {
	case *ast.SelectorExpr:
		if fieldPathExpr(info, e) {
			return types.ExprString(e)
		}
	case *ast.CallExpr:
		if o, ok := atomicStep(info, e); ok && o.kind == atomicLoad && fieldPathExpr(info, o.v) {
			return types.ExprString(o.v)
		}
		if o, ok := c.lockedAccessor(e); ok && o.kind == atomicLoad && !o.negated {
			return types.ExprString(o.v)
		}
	}
	return ""
}

// goroutineFlagSets returns the flags the goroutine gs starts sets to true
// in a statement of its own body, keyed by the flag in the launcher's
// terms, each with how it sets it.
func (c *checker) goroutineFlagSets(gs *ast.GoStmt) map[string]string {
	info := c.pass.TypesInfo
	var body *ast.BlockStmt
	bound := map[types.Object]ast.Expr{} // a function's receiver and parameters, as the call hands them
	switch fun := astq.Unparen(gs.Call.Fun).(type) {
	case *ast.FuncLit:
		body = fun.Body
	default:
		d := c.declOf(typeutil.StaticCallee(info, gs.Call))
		if d == nil {
			return nil
		}
		body = d.Body
		if d.Recv != nil && len(d.Recv.List[0].Names) == 1 {
			if sel, isSel := astq.Unparen(gs.Call.Fun).(*ast.SelectorExpr); isSel {
				bound[info.Defs[d.Recv.List[0].Names[0]]] = sel.X
			}
		}
		i := 0
		for _, field := range d.Type.Params.List {
			for _, name := range field.Names {
				if i < len(gs.Call.Args) {
					bound[info.Defs[name]] = gs.Call.Args[i]
				}
				i++
			}
		}
	}
	// terms writes a field path of the goroutine's body (x.f, or one a
	// setter's call rebuilt) in the launcher's terms: for a literal, as it
	// is; for a function of the package, its receiver and parameters as
	// the call hands them.
	_, literal := astq.Unparen(gs.Call.Fun).(*ast.FuncLit)
	terms := func(e ast.Expr) string {
		var path []string
		for {
			sel, isSel := astq.Unparen(e).(*ast.SelectorExpr)
			if !isSel {
				break
			}
			path = append([]string{sel.Sel.Name}, path...)
			e = sel.X
		}
		root := astq.Ident(e)
		if len(path) == 0 || root == nil {
			return ""
		}
		v, isVar := info.ObjectOf(root).(*types.Var)
		if !isVar {
			return ""
		}
		if literal {
			if v.Pos() >= body.Pos() && v.Pos() < body.End() {
				return "" // the literal's own
			}
			return root.Name + "." + strings.Join(path, ".")
		}
		onto, ok := bound[v]
		if !ok || !fieldPathExpr(info, onto) && astq.Ident(onto) != astq.Unparen(onto) {
			return ""
		}
		return types.ExprString(onto) + "." + strings.Join(path, ".")
	}
	isTrue := func(e ast.Expr) bool {
		v := info.Types[e].Value
		return v != nil && v.Kind() == constant.Bool && constant.BoolVal(v)
	}
	out := map[string]string{}
	for _, st := range body.List {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok == token.ASSIGN && len(st.Lhs) == 1 && len(st.Rhs) == 1 && isTrue(st.Rhs[0]) {
				if k := terms(st.Lhs[0]); k != "" {
					out[k] = "line " + fmt.Sprint(c.pass.Fset.Position(st.Pos()).Line)
				}
			}
		case *ast.ExprStmt:
			call, isCall := astq.Unparen(st.X).(*ast.CallExpr)
			if !isCall {
				continue
			}
			if o, ok := atomicStep(info, call); ok && o.kind == atomicStore && o.value != nil && isTrue(o.value) {
				if k := terms(o.v); k != "" {
					out[k] = "line " + fmt.Sprint(c.pass.Fset.Position(st.Pos()).Line)
				}
				continue
			}
			if field, value, ok := c.fieldSetter(call); ok && isTrue(value) {
				if k := terms(field); k != "" {
					out[k] = fmt.Sprintf("%s on line %d", shortRender(c.pass.Fset, call), c.pass.Fset.Position(st.Pos()).Line)
				}
			}
		}
	}
	return out
}

// fieldSetter recognises a call of a method of the package that sets a
// field of its receiver, in a statement of its body's own list with a lock
// held, to one of its parameters or a constant: it returns the field in
// the caller's terms and the value the call sets it to
// (j.setRunning(true, now) sets j.running to true).
func (c *checker) fieldSetter(call *ast.CallExpr) (ast.Expr, ast.Expr, bool) {
	info := c.pass.TypesInfo
	d, recv, x, ok := c.packageMethod(call)
	if !ok || len(d.Body.List) < 2 || !c.lockStep(d.Body.List[0], true) {
		return nil, nil, false
	}
	obj := info.Defs[d.Name].(*types.Func)
	for _, st := range d.Body.List[1:] {
		a, isAssign := st.(*ast.AssignStmt)
		if !isAssign || a.Tok != token.ASSIGN || len(a.Lhs) != 1 || len(a.Rhs) != 1 {
			continue
		}
		field, ok := rebase(info, a.Lhs[0], recv, x)
		if !ok || astq.Unparen(a.Lhs[0]) == ast.Expr(astq.Ident(a.Lhs[0])) {
			continue
		}
		value := a.Rhs[0]
		if info.Types[value].Value == nil {
			i := c.paramAt(obj, value)
			if i < 0 || i >= len(call.Args) {
				continue
			}
			value = call.Args[i]
		}
		return field, value, true
	}
	return nil, nil, false
}

// setsFlagBetween reports whether f sets the flag (in f's terms), between
// from and to, by an assignment, an atomic Store or a setter of the
// package: the launcher then marks the run itself.
func (c *checker) setsFlagBetween(f *fn, flag string, from, to token.Pos) bool {
	info := c.pass.TypesInfo
	found := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		if found || n == nil || n.End() < from || n.Pos() > to {
			return false
		}
		if _, isLit := n.(*ast.FuncLit); isLit {
			return false
		}
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if fieldPathExpr(info, l) && types.ExprString(l) == flag {
					found = true
				}
			}
		case *ast.CallExpr:
			if o, ok := atomicStep(info, n); ok && o.kind == atomicStore && types.ExprString(o.v) == flag {
				found = true
			} else if field, _, ok := c.fieldSetter(n); ok && types.ExprString(field) == flag {
				found = true
			}
		}
		return !found
	})
	return found
}
