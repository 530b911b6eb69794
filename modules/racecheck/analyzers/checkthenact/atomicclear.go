package checkthenact

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A clear-if-mine split in two: an atomic variable loaded and compared
// for equality with a value the function holds, then cleared where it
// was equal. megaease/easegress's AutoCertManager.Close (fixed in
// 3f1c559c, easegress#546) did
//
//	if globalACM.Load() == acm {
//		globalACM.Store((*AutoCertManager)(nil))
//	}
//
// while a new generation's reload stored itself in globalACM: a store
// between the test and the clear is wiped, and the new manager is lost.
// The test says what the clear means, "only if it is still this one",
// which is CompareAndSwap(acm, nil) in one step.
//
// Reported: a Store of nil (or a nil converted to a pointer type) or of
// a constant zero into an atomic variable (a sync/atomic type's Store, or
// atomic.StorePointer and the like), in the body of an if whose
// condition is a Load of the same variable compared with == to an
// expression that is not a constant; with no exclusive lock held from the
// test to the Store; not in test files or in functions whose callers hold
// a lock by convention.

// checkAtomicClears reports f's clears of an atomic variable after a test
// that it still holds a value (see above).
func (c *checker) checkAtomicClears(f *fn) {
	if testFile(c.pass, f.body.Pos()) || c.callerLocked(f) {
		return
	}
	info := c.pass.TypesInfo
	var g *graph
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit {
			return false
		}
		ifs, isIf := n.(*ast.IfStmt)
		if !isIf {
			return true
		}
		load, other, ok := c.loadComparedEqual(ifs.Cond)
		if !ok {
			return true
		}
		for _, st := range ifs.Body.List {
			es, isExpr := st.(*ast.ExprStmt)
			if !isExpr {
				continue
			}
			call, isCall := astq.Unparen(es.X).(*ast.CallExpr)
			if !isCall {
				continue
			}
			s, isOp := atomicOpOf(info, call)
			if !isOp || s.kind != atomicStore || s.value == nil || !zeroValue(info, s.value) || !astq.Same(info, s.v, load.v) {
				continue
			}
			if g == nil {
				g = c.graph(f)
			}
			lat, okL := g.calls[load.call]
			sat, okS := g.calls[call]
			if !okL || !okS {
				continue
			}
			bt, okB := g.between(lat, sat)
			if !okB {
				continue
			}
			held := false
			for key := range g.heldAt(c.locks, lat) {
				if exclusive(key) && !bt.released(c.locks, key) {
					held = true
				}
			}
			if held {
				continue
			}
			fset := c.pass.Fset
			c.emit(ruleAtomicClear, analysis.Diagnostic{
				Pos: call.Pos(), End: call.End(),
				Message: fmt.Sprintf("%s after the test on line %d that %s still holds %s is not atomic with it: another goroutine can store its own in between, and this clears it; use %s.CompareAndSwap(%s, %s)",
					render(fset, call), fset.Position(ifs.Pos()).Line, render(fset, load.v), render(fset, other), render(fset, load.v), render(fset, other), render(fset, s.value)),
				Related: []analysis.RelatedInformation{{Pos: ifs.Cond.Pos(), End: ifs.Cond.End(), Message: "the test"}},
			})
		}
		return true
	})
}

// loadComparedEqual recognises x.Load() == e (or e == x.Load()), x an
// atomic variable and e no constant, and returns the Load and e.
func (c *checker) loadComparedEqual(cond ast.Expr) (atomicOp, ast.Expr, bool) {
	info := c.pass.TypesInfo
	b, isBin := astq.Unparen(cond).(*ast.BinaryExpr)
	if !isBin || b.Op != token.EQL {
		return atomicOp{}, nil, false
	}
	for _, side := range [][2]ast.Expr{{b.X, b.Y}, {b.Y, b.X}} {
		call, isCall := astq.Unparen(side[0]).(*ast.CallExpr)
		if !isCall {
			continue
		}
		o, isOp := atomicOpOf(info, call)
		if !isOp || o.kind != atomicLoad {
			continue
		}
		if tv := info.Types[side[1]]; tv.Value != nil || tv.IsNil() {
			return atomicOp{}, nil, false
		}
		return o, side[1], true
	}
	return atomicOp{}, nil, false
}

// zeroValue reports whether e is nil, nil converted to a type
// ((*T)(nil)), or a zero literal (see zeroLiteral).
func zeroValue(info *types.Info, e ast.Expr) bool {
	e = astq.Unparen(e)
	if isNil(info, e) {
		return true
	}
	if call, isCall := e.(*ast.CallExpr); isCall && len(call.Args) == 1 && info.Types[call.Fun].IsType() {
		return zeroValue(info, call.Args[0])
	}
	return zeroLiteral(info, e)
}
