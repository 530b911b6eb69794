package checkthenact

import (
	"go/ast"
	"go/token"
	"strings"
	"testing"
)

// TestRenderBuiltExpression checks that an expression built from two
// files' identifiers (a helper's key dm.name written in the caller's
// terms: dm from the caller, name from the helper) is rendered on one
// line; the printer lays such an expression out over lines by its
// positions.
func TestRenderBuiltExpression(t *testing.T) {
	fset := token.NewFileSet()
	caller := fset.AddFile("caller.go", -1, 1000)
	caller.SetLinesForContent([]byte(strings.Repeat("x\n", 400)))
	helper := fset.AddFile("helper.go", -1, 1000)
	helper.SetLinesForContent([]byte(strings.Repeat("x\n", 400)))
	e := &ast.SelectorExpr{
		X:   &ast.Ident{Name: "dm", NamePos: caller.Pos(20)},
		Sel: &ast.Ident{Name: "name", NamePos: helper.Pos(600)},
	}
	if got := render(fset, e); got != "dm.name" {
		t.Errorf("render = %q, want %q", got, "dm.name")
	}
}
