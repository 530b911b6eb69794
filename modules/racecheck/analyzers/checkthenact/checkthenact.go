// Package checkthenact defines an analyzer that reports a Load from a
// concurrent map followed by a write of the same key that depends on what the
// Load returned: a check-then-act sequence that is not atomic even though
// every single call is.
//
// # Analyzer checkthenact
//
// checkthenact: report non-atomic Load-then-write sequences on concurrent maps
//
// On sync.Map, safemap.Map, safemap.SyncMap and any type with the method set
// of sync.Map, it reports a Store, Swap or Delete of key k that follows a
// Load of the same key expression k in the same function when the write
// depends on the Load's result (it is guarded by a condition on the loaded
// value or its ok flag, including an early return, or the stored value is
// computed from the loaded value), no lock is held from the Load to the
// write, and no atomic claim of the same key (LoadOrStore, CompareAndSwap,
// CompareAndDelete, LoadAndDelete, Compute, LoadOrCompute) lies between
// them. A lock counts as held when the function (or, for a closure, an
// enclosing function before the closure) acquires it without releasing it
// on the way to the write; functions named ...Locked are skipped, since by
// convention their caller holds the lock. Two goroutines can both observe the same state and both write: a
// lost update, a duplicate insertion or a delete of an entry stored in
// between. The diagnostic names the atomic operation to use instead. The
// mechanical case
//
//	if _, ok := m.Load(k); !ok { m.Store(k, v) }
//
// with a side-effect-free v comes with a suggested fix: m.LoadOrStore(k, v).
package checkthenact

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// Analyzer reports non-atomic Load-then-write sequences on concurrent maps.
var Analyzer = &analysis.Analyzer{
	Name: "checkthenact",
	Doc:  "report non-atomic Load-then-Store/Swap/Delete sequences on sync.Map-like maps",
	URL:  "https://github.com/raceproof/raceproof/tree/main/modules/racecheck/analyzers/checkthenact",
	Run:  run,
}

// load is one `v, ok := m.Load(k)` site.
type load struct {
	stmt  ast.Node // the assignment or value spec
	call  *ast.CallExpr
	recv  ast.Expr
	key   ast.Expr
	value types.Object // nil when blank
	ok    types.Object // nil when blank or absent
	safe  bool         // receiver is a safemap.Map
}

// write is one m.Store/Swap/Delete call with the ancestors of the call.
type write struct {
	call  *ast.CallExpr
	name  string
	recv  ast.Expr
	key   ast.Expr
	value ast.Expr // nil for Delete
	stack []ast.Node
}

func run(pass *analysis.Pass) (any, error) {
	funcs := astq.Funcs(pass.Files)
	var acquired []token.Pos
	for _, f := range pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if _, acquire, ok := astq.LockCall(pass.TypesInfo, call); ok && acquire {
					acquired = append(acquired, call.Pos())
				}
			}
			return true
		})
	}
	for _, fn := range funcs {
		if strings.HasSuffix(fn.Name, "Locked") && !strings.HasSuffix(fn.Name, "Unlocked") {
			// By convention the caller holds the lock that makes the sequence atomic.
			continue
		}
		if fn.Name == "" && lockedAround(funcs, acquired, fn.Body) {
			// A closure created after its enclosing function took a lock
			// typically runs under it (a helper called while locked).
			continue
		}
		checkFunc(pass, fn.Body)
	}
	return nil, nil
}

// lockedAround reports whether a function enclosing the literal body takes a
// lock before the literal.
func lockedAround(funcs []astq.Func, acquired []token.Pos, body *ast.BlockStmt) bool {
	for _, outer := range funcs {
		if outer.Body.Pos() >= body.Pos() || outer.Body.End() <= body.End() {
			continue
		}
		for _, p := range acquired {
			if p > outer.Body.Pos() && p < body.Pos() {
				return true
			}
		}
	}
	return false
}

func checkFunc(pass *analysis.Pass, body *ast.BlockStmt) {
	info := pass.TypesInfo
	var loads []load
	var writes []write
	var locks []lockEvent
	var claims []claim
	astq.Walk(body, func(n ast.Node, stack []ast.Node) {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Rhs) == 1 && len(n.Lhs) <= 2 {
				if l, ok := asLoad(info, n, n.Lhs, n.Rhs[0]); ok {
					loads = append(loads, l)
				}
			}
		case *ast.ValueSpec:
			if len(n.Values) == 1 && len(n.Names) <= 2 {
				lhs := make([]ast.Expr, len(n.Names))
				for i, id := range n.Names {
					lhs[i] = id
				}
				if l, ok := asLoad(info, n, lhs, n.Values[0]); ok {
					loads = append(loads, l)
				}
			}
		case *ast.CallExpr:
			if key, acquire, ok := astq.LockCall(info, n); ok {
				_, deferred := stack[len(stack)-1].(*ast.DeferStmt)
				if !deferred {
					locks = append(locks, lockEvent{key: key, acquire: acquire, pos: n.Pos(), stack: append([]ast.Node(nil), stack...)})
				}
				return
			}
			recv, fn, ok := astq.MethodCall(info, n)
			if !ok || !astq.MapLike(info.TypeOf(recv)) {
				return
			}
			if claiming[fn.Name()] && len(n.Args) > 0 {
				claims = append(claims, claim{pos: n.Pos(), recv: recv, key: n.Args[0]})
				return
			}
			w := write{call: n, name: fn.Name(), recv: recv, stack: append([]ast.Node(nil), stack...)}
			switch {
			case (fn.Name() == "Store" || fn.Name() == "Swap") && len(n.Args) == 2:
				w.key, w.value = n.Args[0], n.Args[1]
			case fn.Name() == "Delete" && len(n.Args) == 1:
				w.key = n.Args[0]
			default:
				return
			}
			writes = append(writes, w)
		}
	})
	for _, l := range loads {
		var taint map[types.Object]bool
		for _, w := range writes {
			if w.call.Pos() < l.stmt.End() || !astq.Same(info, l.recv, w.recv) || !astq.Same(info, l.key, w.key) {
				continue
			}
			if claimedBetween(info, claims, l, w) {
				continue
			}
			if taint == nil {
				taint = tainted(info, body, l)
			}
			checkPair(pass, l, w, taint, locks)
		}
	}
}

// claiming lists the atomic read-modify-write operations. One of them on the
// same key between the Load and the write decides atomically which goroutine
// proceeds (the usual "LoadOrStore a placeholder, then Store the real value"
// idiom), so the write no longer depends on the Load alone.
var claiming = map[string]bool{
	"LoadOrStore": true, "LoadAndDelete": true, "CompareAndSwap": true, "CompareAndDelete": true,
	"Compute": true, "LoadOrCompute": true,
}

// claim is a call of a claiming operation.
type claim struct {
	pos  token.Pos
	recv ast.Expr
	key  ast.Expr
}

// claimedBetween reports whether a claiming operation on the same map and
// key lies between the load and the write.
func claimedBetween(info *types.Info, claims []claim, l load, w write) bool {
	for _, c := range claims {
		if c.pos > l.stmt.End() && c.pos < w.call.Pos() && astq.Same(info, c.recv, l.recv) && astq.Same(info, c.key, l.key) {
			return true
		}
	}
	return false
}

// asLoad recognises lhs = recv.Load(key) on a map-like receiver.
func asLoad(info *types.Info, stmt ast.Node, lhs []ast.Expr, rhs ast.Expr) (load, bool) {
	call, ok := astq.Unparen(rhs).(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return load{}, false
	}
	recv, fn, ok := astq.MethodCall(info, call)
	if !ok || fn.Name() != "Load" || !astq.MapLike(info.TypeOf(recv)) {
		return load{}, false
	}
	l := load{stmt: stmt, call: call, recv: recv, key: call.Args[0], safe: astq.Named(info.TypeOf(recv), astq.SafemapPath, "Map")}
	obj := func(e ast.Expr) types.Object {
		id := astq.Ident(e)
		if id == nil || id.Name == "_" {
			return nil
		}
		return info.ObjectOf(id)
	}
	l.value = obj(lhs[0])
	if len(lhs) == 2 {
		l.ok = obj(lhs[1])
	}
	if l.value == nil && l.ok == nil {
		return load{}, false
	}
	return l, true
}

// tainted returns the objects whose value derives from the load: its two
// results and, transitively, variables assigned from expressions that
// mention them after the load.
func tainted(info *types.Info, body *ast.BlockStmt, l load) map[types.Object]bool {
	set := map[types.Object]bool{}
	if l.value != nil {
		set[l.value] = true
	}
	if l.ok != nil {
		set[l.ok] = true
	}
	for changed := true; changed; {
		changed = false
		mark := func(lhs []ast.Expr) {
			for _, e := range lhs {
				if id := astq.Ident(e); id != nil && id.Name != "_" {
					if o := info.ObjectOf(id); o != nil && !set[o] {
						set[o], changed = true, true
					}
				}
			}
		}
		astq.Walk(body, func(n ast.Node, _ []ast.Node) {
			if n.Pos() < l.stmt.End() {
				return
			}
			switch n := n.(type) {
			case *ast.AssignStmt:
				for _, r := range n.Rhs {
					if astq.Mentions(info, r, set) {
						mark(n.Lhs)
						break
					}
				}
			case *ast.ValueSpec:
				for _, r := range n.Values {
					if astq.Mentions(info, r, set) {
						lhs := make([]ast.Expr, len(n.Names))
						for i, id := range n.Names {
							lhs[i] = id
						}
						mark(lhs)
						break
					}
				}
			case *ast.RangeStmt:
				if astq.Mentions(info, n.X, set) {
					mark([]ast.Expr{n.Key, n.Value})
				}
			case *ast.TypeSwitchStmt:
				if astq.Mentions(info, n.Assign, set) {
					for _, c := range n.Body.List {
						if o := info.Implicits[c]; o != nil && !set[o] {
							set[o], changed = true, true
						}
					}
				}
			}
		})
	}
	return set
}

// lockEvent is a non-deferred Lock/RLock or Unlock/RUnlock call.
type lockEvent struct {
	key     string
	acquire bool
	pos     token.Pos
	stack   []ast.Node
}

// lockHeld reports whether a lock acquired before w is still held at w: no
// release of the same lock lies between the acquisition and w in a block
// that also encloses w.
func lockHeld(locks []lockEvent, w write) bool {
	for i, acq := range locks {
		if !acq.acquire || acq.pos > w.call.Pos() {
			continue
		}
		released := false
		for _, rel := range locks[i+1:] {
			if rel.acquire || rel.key != acq.key || rel.pos > w.call.Pos() {
				continue
			}
			if encloses(w.stack, rel.stack) {
				released = true
				break
			}
		}
		if !released {
			return true
		}
	}
	return false
}

// encloses reports whether the innermost block around a release is also an
// ancestor of the write, so the release happens on every path to it.
func encloses(writeStack, relStack []ast.Node) bool {
	for i := len(relStack) - 1; i >= 0; i-- {
		switch relStack[i].(type) {
		case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
			for _, n := range writeStack {
				if n == relStack[i] {
					return true
				}
			}
			return false
		}
	}
	return false
}

func checkPair(pass *analysis.Pass, l load, w write, taint map[types.Object]bool, locks []lockEvent) {
	info := pass.TypesInfo
	valueDerived := w.value != nil && astq.Mentions(info, w.value, taint)
	guard, absentOnly := guarded(info, l, w, taint)
	if !valueDerived && guard == nil {
		return
	}
	if lockHeld(locks, w) {
		return
	}
	recv := render(pass.Fset, l.recv)
	key := render(pass.Fset, l.key)
	var fix string
	switch {
	case w.name == "Delete":
		fix = "CompareAndDelete"
		if l.safe {
			fix = "Compute returning DeleteOp"
		}
	case absentOnly && !valueDerived:
		fix = "LoadOrStore"
		if l.safe {
			fix = "LoadOrStore, or LoadOrCompute when the value is costly to build"
		}
	default:
		fix = "a CompareAndSwap loop"
		if l.safe {
			fix = "Compute"
		}
	}
	why := "guarded by the Load's result"
	if valueDerived {
		why = "computed from the loaded value"
	}
	d := analysis.Diagnostic{
		Pos: w.call.Pos(),
		End: w.call.End(),
		Message: fmt.Sprintf("%s.%s(%s) after %s.Load(%s) on line %d is %s but not atomic with it: another goroutine can write %s in between; use %s",
			recv, w.name, key, recv, key, pass.Fset.Position(l.call.Pos()).Line, why, key, fix),
		Related: []analysis.RelatedInformation{{Pos: l.call.Pos(), End: l.call.End(), Message: "the Load"}},
	}
	if f, ok := mechanicalFix(pass, l, w); ok {
		d.SuggestedFixes = []analysis.SuggestedFix{f}
	}
	pass.Report(d)
}

// guarded returns the condition on the load's result that controls whether
// w runs (an enclosing if/switch/for condition, or an earlier if statement
// that leaves the block), or nil. absentOnly reports that the condition is a
// plain `!ok` (or `if ok { leave }`), i.e. w runs only when the key was
// absent.
func guarded(info *types.Info, l load, w write, taint map[types.Object]bool) (cond ast.Expr, absentOnly bool) {
	isOk := func(e ast.Expr) bool {
		id := astq.Ident(e)
		return id != nil && l.ok != nil && info.ObjectOf(id) == l.ok
	}
	isNotOk := func(e ast.Expr) bool {
		u, ok := astq.Unparen(e).(*ast.UnaryExpr)
		return ok && u.Op == token.NOT && isOk(u.X)
	}
	after := func(n ast.Node, init ast.Stmt) bool {
		return n.Pos() >= l.stmt.End() || init != nil && init == l.stmt
	}
	stack := append(w.stack, w.call)
	for i := len(stack) - 2; i >= 0; i-- {
		child := stack[i+1]
		switch n := stack[i].(type) {
		case *ast.IfStmt:
			if (child == n.Body || child == n.Else) && after(n, n.Init) && astq.Mentions(info, n.Cond, taint) {
				return n.Cond, child == n.Body && isNotOk(n.Cond) || child == n.Else && isOk(n.Cond)
			}
		case *ast.ForStmt:
			if child == n.Body && after(n, n.Init) && astq.Mentions(info, n.Cond, taint) {
				return n.Cond, false
			}
		case *ast.SwitchStmt:
			if after(n, n.Init) && astq.Mentions(info, n.Tag, taint) {
				return n.Tag, false
			}
		case *ast.CaseClause:
			for _, e := range n.List {
				if astq.Mentions(info, e, taint) {
					return e, false
				}
			}
		}
		var list []ast.Stmt
		switch n := stack[i].(type) {
		case *ast.BlockStmt:
			list = n.List
		case *ast.CaseClause:
			list = n.Body
		case *ast.CommClause:
			list = n.Body
		}
		for _, s := range list {
			if s.Pos() >= child.Pos() {
				break
			}
			ifs, ok := s.(*ast.IfStmt)
			if !ok || !after(ifs, ifs.Init) {
				continue
			}
			if astq.Mentions(info, ifs.Cond, taint) && astq.Terminates(info, ifs.Body.List) {
				return ifs.Cond, isOk(ifs.Cond)
			}
		}
	}
	return nil, false
}

// mechanicalFix offers m.LoadOrStore(k, v) for
// `if _, ok := m.Load(k); !ok { m.Store(k, v) }` with a side-effect-free v.
func mechanicalFix(pass *analysis.Pass, l load, w write) (analysis.SuggestedFix, bool) {
	info := pass.TypesInfo
	if w.name != "Store" || l.value != nil || l.ok == nil || len(w.stack) < 3 {
		return analysis.SuggestedFix{}, false
	}
	exprStmt, ok := w.stack[len(w.stack)-1].(*ast.ExprStmt)
	if !ok {
		return analysis.SuggestedFix{}, false
	}
	block, ok := w.stack[len(w.stack)-2].(*ast.BlockStmt)
	if !ok || len(block.List) != 1 || block.List[0] != exprStmt {
		return analysis.SuggestedFix{}, false
	}
	ifs, ok := w.stack[len(w.stack)-3].(*ast.IfStmt)
	if !ok || ifs.Init != l.stmt || ifs.Body != block || ifs.Else != nil {
		return analysis.SuggestedFix{}, false
	}
	u, ok := astq.Unparen(ifs.Cond).(*ast.UnaryExpr)
	if !ok || u.Op != token.NOT || astq.Ident(u.X) == nil || info.ObjectOf(astq.Ident(u.X)) != l.ok {
		return analysis.SuggestedFix{}, false
	}
	if !astq.Pure(info, w.value) || astq.Mentions(info, w.value, map[types.Object]bool{l.ok: true}) {
		return analysis.SuggestedFix{}, false
	}
	text := fmt.Sprintf("%s.LoadOrStore(%s, %s)", render(pass.Fset, l.recv), render(pass.Fset, l.key), render(pass.Fset, w.value))
	return analysis.SuggestedFix{
		Message:   "Replace with LoadOrStore",
		TextEdits: []analysis.TextEdit{{Pos: ifs.Pos(), End: ifs.End(), NewText: []byte(text)}},
	}, true
}

func render(fset *token.FileSet, e ast.Expr) string {
	var b bytes.Buffer
	if err := format.Node(&b, fset, e); err != nil {
		return types.ExprString(e)
	}
	return b.String()
}
