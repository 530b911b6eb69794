// Package callbackreentry defines an analyzer that reports a safemap.Map
// callback calling back into the same map.
//
// # Analyzer callbackreentry
//
// callbackreentry: report safemap.Map callbacks that call the same map
//
// Compute, LoadOrCompute and Update run their callback while the map holds
// the locks of the affected keys, and safemap documents that the callback
// must not call write methods, Snapshot, Clear or Update of the same map:
// doing so can deadlock on those locks (Load, Range and the iterators are
// allowed). The analyzer reports such a call on the same map expression
// inside a callback passed as a function literal, including in function
// literals the callback calls directly or defers, but not in goroutines it
// starts. Calls on the *Batch that Update passes to its callback are the
// intended way to read and write the batch's keys and are not reported.
package callbackreentry

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// Analyzer reports safemap.Map callbacks that call a method of the same map.
var Analyzer = &analysis.Analyzer{
	Name: "callbackreentry",
	Doc:  "report Compute/LoadOrCompute/Update callbacks on a safemap.Map that call a method of the same map",
	URL:  "https://github.com/raceproof/raceproof/tree/main/modules/racecheck/analyzers/callbackreentry",
	Run:  run,
}

func run(pass *analysis.Pass) (any, error) {
	info := pass.TypesInfo
	for _, f := range pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			recv, fn, ok := astq.MethodCall(info, call)
			if !ok || !astq.Named(info.TypeOf(recv), astq.SafemapPath, "Map") {
				return true
			}
			switch fn.Name() {
			case "Compute", "LoadOrCompute", "Update":
			default:
				return true
			}
			lit, ok := astq.Unparen(call.Args[len(call.Args)-1]).(*ast.FuncLit)
			if !ok {
				return true
			}
			checkCallback(pass, recv, fn.Name(), lit.Body)
			return true
		})
	}
	return nil, nil
}

// checkCallback reports calls of methods of recv's map that run while the
// callback body runs.
func checkCallback(pass *analysis.Pass, recv ast.Expr, outer string, body *ast.BlockStmt) {
	info := pass.TypesInfo
	direct := map[*ast.FuncLit]bool{}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			return false
		case *ast.FuncLit:
			return direct[n]
		case *ast.CallExpr:
			if lit, ok := astq.Unparen(n.Fun).(*ast.FuncLit); ok {
				direct[lit] = true
			}
			inner, fn, ok := astq.MethodCall(info, n)
			if ok && astq.Same(info, inner, recv) && isForbidden(fn) {
				astq.Reportf(pass, n.Pos(), "%s.%s called inside the %s callback on the same map: the callback runs while %s holds the key's lock, so this call can deadlock (safemap allows only Load, Range and the iterators there); use the callback's arguments%s, or call the map after %s returns",
					types.ExprString(recv), fn.Name(), outer, types.ExprString(recv), batchHint(outer), outer)
			}
		}
		return true
	})
}

// forbidden lists the methods safemap documents as not allowed inside
// Compute, LoadOrCompute and Update callbacks: every write, Snapshot, Clear
// and Update. Load, Range, the iterators and the statistics are lock-free
// reads and are allowed.
var forbidden = map[string]bool{
	"Store": true, "LoadOrStore": true, "LoadAndDelete": true, "Delete": true,
	"Swap": true, "CompareAndSwap": true, "CompareAndDelete": true,
	"Compute": true, "LoadOrCompute": true, "DeleteFunc": true,
	"Snapshot": true, "Clear": true, "Update": true,
}

func isForbidden(fn *types.Func) bool {
	sig, ok := fn.Type().(*types.Signature)
	return ok && sig.Recv() != nil && forbidden[fn.Name()] && astq.Named(sig.Recv().Type(), astq.SafemapPath, "Map")
}

func batchHint(outer string) string {
	if outer == "Update" {
		return " (the *Batch)"
	}
	return ""
}
