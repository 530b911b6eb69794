package checkthenact

import (
	"fmt"
	"go/ast"
	"go/types"
	"path/filepath"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// Eager claims. LoadOrStore(k, v) evaluates v before it knows whether k is
// there: when another goroutine stored k first, v is dropped. A v built by
// a function of the package that starts a goroutine leaves that goroutine
// running for a value nothing holds: OpenTelemetry's batch processor made
// a shard per metadata set with LoadOrStore(aset, mb.newShard(md)), and
// each losing shard's goroutine ran until shutdown, the data it was meant
// to export going nowhere (open-telemetry/opentelemetry-collector#9739). A
// value held in a local that the function uses after the claim (stops it
// when loaded, say) is the function's to clean up, and is left alone.

// checkEagerClaims reports the insert-if-absent claims of f whose value
// starts a goroutine that is lost with the value when the claim loses.
func (c *checker) checkEagerClaims(f *fn) {
	info := c.pass.TypesInfo
	for _, o := range f.ops {
		if o.kind != opClaim || !insertsIfAbsent(o.name) || len(o.call.Args) != 2 || c.localMap(f, o.recv) || c.sequentialTest(f, o.recv) {
			continue
		}
		if _, lazy := types.Unalias(info.TypeOf(o.call.Args[1])).Underlying().(*types.Signature); lazy {
			continue // LoadOrCompute(k, func() V): built only on a miss
		}
		v := astq.Unparen(o.call.Args[1])
		if local := c.localVar(f, v); local != nil {
			from := assignedFrom(info, f.body, local)
			if len(from) != 1 || c.readAfter(f, local, o.call, true) {
				continue
			}
			v = astq.Unparen(from[0])
		}
		call, ok := v.(*ast.CallExpr)
		if !ok {
			continue
		}
		callee, ok := typeutil.Callee(info, call).(*types.Func)
		if !ok {
			continue
		}
		start := c.startsGoroutine(callee, 2)
		if start == nil {
			continue
		}
		recv, key := render(c.pass.Fset, o.recv), render(c.pass.Fset, o.key)
		pos := c.pass.Fset.Position(start.Go)
		c.emit(ruleEagerClaim, analysis.Diagnostic{
			Pos: o.call.Pos(),
			End: o.call.End(),
			Message: fmt.Sprintf("%s.%s(%s, …) builds its value before it knows whether the key is there, and %s starts a goroutine (%s:%d): when another goroutine stored %s first, this value is dropped with its goroutine still running; look the key up first and build the value only on a miss, or stop the value when %s reports the key was there",
				recv, o.name, key, callee.Name(), filepath.Base(pos.Filename), pos.Line, key, o.name),
			Related: []analysis.RelatedInformation{{Pos: start.Go, End: start.End(), Message: "the goroutine"}},
		})
	}
}

// startsGoroutine returns a go statement a call of fn runs: one in fn's
// body (outside function literals), or, up to depth calls deep, in a
// function of the package fn calls; or nil. fn must be declared in this
// package.
func (c *checker) startsGoroutine(fn *types.Func, depth int) *ast.GoStmt {
	d := c.declOf(fn)
	if d == nil || d.Body == nil {
		return nil
	}
	var found *ast.GoStmt
	var callees []*types.Func
	ast.Inspect(d.Body, func(n ast.Node) bool {
		if found != nil {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.GoStmt:
			found = n
			return false
		case *ast.CallExpr:
			if next := typeutil.StaticCallee(c.pass.TypesInfo, n); next != nil && next != fn {
				callees = append(callees, next)
			}
		}
		return true
	})
	if found != nil || depth == 0 {
		return found
	}
	for _, next := range callees {
		if g := c.startsGoroutine(next, depth-1); g != nil {
			return g
		}
	}
	return nil
}

// readAfter reports whether f reads v after the node at; inside function
// literals and go statements too when inLiterals is set.
func (c *checker) readAfter(f *fn, v *types.Var, at ast.Node, inLiterals bool) bool {
	used := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.FuncLit, *ast.GoStmt:
			if !inLiterals {
				return false
			}
		}
		if used {
			return false
		}
		if id, ok := n.(*ast.Ident); ok && id.Pos() >= at.End() && c.pass.TypesInfo.Uses[id] == v {
			used = true
		}
		return !used
	})
	return used
}
