package checkthenact

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// fixableInsert reports whether the insert-if-absent is exactly
//
//	if _, ok := m.Load(k); !ok { m.Store(k, v) }
//
// with a side-effect-free v on a map whose LoadOrStore takes the same
// arguments as Store: then m.LoadOrStore(k, v) is equivalent (it stores v
// when k is absent and does nothing otherwise; evaluating v when k is
// present has no effect), and atomic.
func (c *checker) fixableInsert(ch check, w write, value ast.Expr) bool {
	info := c.pass.TypesInfo
	if ch.helper || w.name != "Store" || ch.name != "Load" || ch.value != nil || ch.ok == nil || value == nil || len(w.call.Args) != 2 || !w.shape.has("LoadOrStore") {
		return false
	}
	if !sameParams(info, w.recv, "Store", "LoadOrStore") {
		return false
	}
	stmt := ch.at.block.Nodes[ch.at.index]
	ifs := c.enclosingIf(ch, stmt)
	if ifs == nil || ifs.Else != nil || len(ifs.Body.List) != 1 {
		return false
	}
	es, ok := ifs.Body.List[0].(*ast.ExprStmt)
	if !ok || astq.Unparen(es.X) != w.call {
		return false
	}
	u, ok := astq.Unparen(ifs.Cond).(*ast.UnaryExpr)
	if !ok || u.Op != token.NOT || astq.Ident(u.X) == nil || info.ObjectOf(astq.Ident(u.X)) != ch.ok {
		return false
	}
	return astq.Pure(info, value) && !astq.Mentions(info, value, map[types.Object]bool{ch.ok: true})
}

// enclosingIf returns the if statement whose Init is stmt.
func (c *checker) enclosingIf(ch check, stmt ast.Node) *ast.IfStmt {
	for _, f := range c.pass.Files {
		if f.Pos() > stmt.Pos() || f.End() < stmt.End() {
			continue
		}
		var found *ast.IfStmt
		ast.Inspect(f, func(n ast.Node) bool {
			if found != nil || n == nil || n.Pos() > stmt.Pos() || n.End() < stmt.End() {
				return false
			}
			if ifs, ok := n.(*ast.IfStmt); ok && ifs.Init == stmt {
				found = ifs
			}
			return true
		})
		return found
	}
	return nil
}

// sameParams reports whether the two methods of recv's type take the same
// parameter types.
func sameParams(info *types.Info, recv ast.Expr, a, b string) bool {
	t := info.TypeOf(recv)
	get := func(name string) *types.Signature {
		obj, _, _ := types.LookupFieldOrMethod(t, true, nil, name)
		fn, ok := obj.(*types.Func)
		if !ok {
			return nil
		}
		return fn.Type().(*types.Signature)
	}
	sa, sb := get(a), get(b)
	if sa == nil || sb == nil || sa.Params().Len() != sb.Params().Len() {
		return false
	}
	for i := range sa.Params().Len() {
		if !types.Identical(sa.Params().At(i).Type(), sb.Params().At(i).Type()) {
			return false
		}
	}
	return true
}

// mechanicalFix returns the LoadOrStore rewrite of a fixable insert.
func (c *checker) mechanicalFix(fd *finding) (analysis.SuggestedFix, bool) {
	if fd.kind != insertIfAbsent || !fd.fixable {
		return analysis.SuggestedFix{}, false
	}
	ch, w := fd.check, fd.write
	ifs := c.enclosingIf(ch, ch.at.block.Nodes[ch.at.index])
	text := fmt.Sprintf("%s.LoadOrStore(%s, %s)", render(c.pass.Fset, ch.recv), render(c.pass.Fset, ch.key), render(c.pass.Fset, w.call.Args[1]))
	return analysis.SuggestedFix{
		Message:   "Replace with LoadOrStore",
		TextEdits: []analysis.TextEdit{{Pos: ifs.Pos(), End: ifs.End(), NewText: []byte(text)}},
	}, true
}
