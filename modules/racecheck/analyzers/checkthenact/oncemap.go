package checkthenact

import (
	"go/ast"
	"go/types"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// onceGuarded reports whether f's check-then-acts on the package-level map
// recv run alone: f runs only through Do of one package-level sync.Once
// (every use of it is the argument of once.Do, or it is a literal handed to
// it), and every other function of the package (outside test files) that
// uses the map first calls Do on that Once, in a statement of its body
// before its first use. Do returns only after the function it runs has
// returned, in every goroutine that calls it, so nothing else touches the
// map while f runs. trpc-group/trpc-go's inheritListeners (9b5c63e5,
// transport/server_transport.go:407) fills inheritedListenersMap with
// LoadOrStore, then Store, under once.Do, and getPassedListener calls
// once.Do(inheritListeners) before it reads the map.
func (c *checker) onceGuarded(f *fn, recv ast.Expr) bool {
	info := c.pass.TypesInfo
	id := astq.Ident(recv)
	if id == nil {
		return false
	}
	m, isVar := info.ObjectOf(id).(*types.Var)
	if !isVar || !packageLevel(m) {
		return false
	}
	once := c.onceRunner(f)
	if once == nil {
		return false
	}
	for _, d := range c.sortedDecls() {
		if d.Body == nil || testFile(c.pass, d.Pos()) || f.decl == d {
			continue
		}
		var first ast.Node // the first use of the map
		ast.Inspect(d.Body, func(n ast.Node) bool {
			if u, isID := n.(*ast.Ident); isID && first == nil && info.Uses[u] == m {
				first = u
			}
			return first == nil
		})
		if first == nil {
			continue
		}
		guarded := false
		for _, st := range d.Body.List {
			if st.End() > first.Pos() {
				break
			}
			if es, isExpr := st.(*ast.ExprStmt); isExpr && onceDo(info, es.X) == once {
				guarded = true
			}
		}
		if !guarded {
			return false
		}
	}
	return true
}

// onceRunner returns the package-level sync.Once through whose Do alone f
// runs, or nil.
func (c *checker) onceRunner(f *fn) *types.Var {
	info := c.pass.TypesInfo
	if lit, isLit := f.node.(*ast.FuncLit); isLit {
		if f.parent == nil {
			return nil // a package-level variable's initialiser
		}
		var once *types.Var
		ast.Inspect(f.parent.body, func(n ast.Node) bool {
			if call, isCall := n.(*ast.CallExpr); isCall && len(call.Args) == 1 && astq.Unparen(call.Args[0]) == lit {
				once = onceDo(info, call)
			}
			return once == nil
		})
		return once
	}
	if f.decl == nil || f.decl.Recv != nil {
		return nil
	}
	if c.onceFuncs == nil {
		c.findOnceFuncs()
	}
	fn, _ := info.Defs[f.decl.Name].(*types.Func)
	return c.onceFuncs[fn]
}

// findOnceFuncs finds the package's functions whose every use is as the
// argument of Do of one package-level sync.Once, and that Once.
func (c *checker) findOnceFuncs() {
	info := c.pass.TypesInfo
	c.onceFuncs = map[*types.Func]*types.Var{}
	handed := map[*ast.Ident]*types.Var{} // a function handed to once.Do, and the Once
	for _, file := range c.pass.Files {
		ast.Inspect(file, func(n ast.Node) bool {
			if call, isCall := n.(*ast.CallExpr); isCall && len(call.Args) == 1 {
				if arg := astq.Ident(call.Args[0]); arg != nil {
					if once := onceDo(info, call); once != nil {
						handed[arg] = once
					}
				}
			}
			return true
		})
	}
	other := map[*types.Func]bool{} // used otherwise, or with two Onces
	for u, obj := range info.Uses {
		fn, isFunc := obj.(*types.Func)
		if !isFunc || fn.Pkg() != c.pass.Pkg {
			continue
		}
		once, ok := handed[u]
		if !ok || c.onceFuncs[fn] != nil && c.onceFuncs[fn] != once {
			other[fn] = true
			continue
		}
		c.onceFuncs[fn] = once
	}
	for fn := range other {
		delete(c.onceFuncs, fn)
	}
}

// onceDo returns the package-level sync.Once e calls Do on (once.Do(…)), or
// nil.
func onceDo(info *types.Info, e ast.Expr) *types.Var {
	call, isCall := astq.Unparen(e).(*ast.CallExpr)
	if !isCall {
		return nil
	}
	sel, isSel := astq.Unparen(call.Fun).(*ast.SelectorExpr)
	if !isSel || sel.Sel.Name != "Do" {
		return nil
	}
	id := astq.Ident(sel.X)
	if id == nil {
		return nil
	}
	v, isVar := info.Uses[id].(*types.Var)
	if !isVar || !packageLevel(v) || !astq.Named(v.Type(), "sync", "Once") {
		return nil
	}
	return v
}
