package checkthenact

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A store whose answer the caller adopts. A Store-like method that returns
// a value of the type it stores, called as
//
//	mtags = r.tagCache.Set(key, mtags)
//
// (or returned, return c.Set(k, v)), is used as a get-or-set: the caller
// goes on with what the call answers, not with what it handed in, and a
// Set documented as "returning either tslice or the pre-existing value"
// (uber-go/tally's TagCache, m3/reporter.go:672 at 12d200cf, a false alarm
// of the thirtieth precision set) keeps the entry it finds. The call is a
// claim, as LoadOrStore is, when the method is of another package (its body
// is not known here) or, in this package, returns something other than the
// value it was handed on some path. A Set that hands back its own argument
// (return v) stores and is still a write.

// noteAdoptedResult records in c.adopted the Store-like call n adopts:
// x = m.M(k, x), or return m.M(k, v), where M's one result has the type of
// its second parameter.
func (c *checker) noteAdoptedResult(n ast.Node) {
	info := c.pass.TypesInfo
	valueCall := func(e ast.Expr) *ast.CallExpr {
		call, isCall := astq.Unparen(e).(*ast.CallExpr)
		if !isCall || len(call.Args) < 2 {
			return nil
		}
		sig, isSig := info.TypeOf(call.Fun).(*types.Signature)
		if !isSig || sig.Results().Len() != 1 || sig.Params().Len() < 2 || !types.Identical(sig.Results().At(0).Type(), sig.Params().At(1).Type()) {
			return nil
		}
		return call
	}
	switch n := n.(type) {
	case *ast.AssignStmt:
		if n.Tok != token.ASSIGN || len(n.Lhs) != 1 || len(n.Rhs) != 1 {
			return
		}
		call := valueCall(n.Rhs[0])
		if call == nil {
			return
		}
		lhs, arg := astq.Ident(n.Lhs[0]), astq.Ident(call.Args[1])
		if lhs != nil && arg != nil && info.ObjectOf(lhs) != nil && info.ObjectOf(lhs) == info.ObjectOf(arg) {
			c.adopted[call] = true
		}
	case *ast.ReturnStmt:
		if len(n.Results) == 1 {
			if call := valueCall(n.Results[0]); call != nil {
				c.adopted[call] = true
			}
		}
	}
}

// mayAnswerExisting reports whether method may return something other than
// the value it is handed (its second parameter): always for a method of
// another package, whose body is not known here.
func (c *checker) mayAnswerExisting(method *types.Func) bool {
	if method.Pkg() != c.pass.Pkg {
		return true
	}
	decl := c.declOf(method)
	if decl == nil || decl.Body == nil {
		return false
	}
	params := method.Signature().Params()
	if params.Len() < 2 {
		return false
	}
	value := params.At(1) // the value's parameter, as declared
	other := false
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit || other {
			return false
		}
		if r, isRet := n.(*ast.ReturnStmt); isRet && len(r.Results) == 1 {
			if id := astq.Ident(r.Results[0]); id == nil || c.pass.TypesInfo.ObjectOf(id) != value {
				other = true
			}
		}
		return !other
	})
	return other
}
