package checkthenact

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/cfg"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// actsAsDeleter reports whether, after the Delete w of a key an earlier
// check found, f goes on as the goroutine that removed the entry: it reads
// the check's ok flag (ssv's Delete returned it: both racing deleters
// answer true), or the statements after the Delete in its own block do
// something both racing goroutines would then do: a call other than
// logging, a lock's, a lookup, another map's Delete or a function of a
// package without side effects (strings, path/filepath, …), a send, a
// goroutine, an increment, an assignment to anything but a local, or a
// declared function's constant bool result, "I deleted it" (cloudfuse's
// FlushFile replayed a missed chmod after deleting its mark: two flushes
// could both replay it).
func (c *checker) actsAsDeleter(f *fn, g *graph, ch check, in map[*cfg.Block]taintState, w write) bool {
	info := c.pass.TypesInfo
	if g.readAfter(info, ch, in, w, fromOK) {
		return true
	}
	deletes := map[*ast.CallExpr]bool{}
	for _, o := range f.ops {
		if o.kind == opDelete {
			deletes[o.call] = true
		}
	}
	stmt := w.at.block.Nodes[w.at.index]
	acts := false
	for _, s := range stmtsAfter(f.body, stmt) {
		ast.Inspect(s, func(n ast.Node) bool {
			if acts {
				return false
			}
			switch n := n.(type) {
			case *ast.GoStmt, *ast.SendStmt, *ast.IncDecStmt:
				acts = true
			case *ast.CallExpr:
				// Another Delete is as idempotent as this one (kitex's
				// idle cleaner drops the address's activity too).
				acts = !deletes[n] && c.deleterCall(n)
			case *ast.AssignStmt:
				acts = n.Tok != token.DEFINE && !assignsLocals(info, f, n)
			case *ast.ReturnStmt:
				if f.node != f.decl {
					break // a literal's bool says go on (Range), not "deleted"
				}
				for i, r := range n.Results {
					if tv := info.Types[r]; tv.Value != nil && tv.Value.Kind() == constant.Bool && !answersAlways(info, f, i, tv.Value) {
						acts = true // return true: "I deleted it"
					}
				}
			}
			return !acts
		})
		if acts {
			return true
		}
	}
	return false
}

// answersAlways reports whether every return statement of f gives v as its
// i-th result: a result that is the same on every path says nothing about
// what the check found (mcp-go's Terminate answers (false, nil) whether the
// session was there or not).
func answersAlways(info *types.Info, f *fn, i int, v constant.Value) bool {
	always := true
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			if i >= len(n.Results) {
				always = false // a bare return of named results, or a call's
				return false
			}
			if tv := info.Types[n.Results[i]]; tv.Value == nil || !constant.Compare(tv.Value, token.EQL, v) {
				always = false
			}
		}
		return always
	})
	return always
}

// readAfter reports whether a variable holding what the check returned in
// the given role (its loaded value, or its ok flag) is read on a path from
// the write w that does not run the check again, other than compared with
// nil or assigned to. in is the taint state from the check (see flow).
func (g *graph) readAfter(info *types.Info, ch check, in map[*cfg.Block]taintState, w write, role uint8) bool {
	visit := func(nodes []ast.Node, st taintState) bool {
		for _, n := range nodes {
			if reads(info, n, st, role) {
				return true
			}
			st = g.transferTaint(info, []ast.Node{n}, st)
		}
		return false
	}
	st := g.stateAt(info, ch.at, in, w.at)
	if st == nil {
		return false
	}
	st = g.transferTaint(info, w.at.block.Nodes[w.at.index:w.at.index+1], st)
	if visit(w.at.block.Nodes[w.at.index+1:], st) {
		return true
	}
	for b := range g.forward(w.at.block, ch.at.block) {
		if st, ok := in[b]; ok && visit(b.Nodes, st) {
			return true
		}
	}
	return false
}

// reads reports whether n reads a variable that has role in st, other than
// comparing it with nil (asking only whether the key was there) or
// assigning to it.
func reads(info *types.Info, n ast.Node, st taintState, role uint8) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BinaryExpr:
			if (n.Op == token.EQL || n.Op == token.NEQ) && (isNil(info, n.X) || isNil(info, n.Y)) {
				return false
			}
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if astq.Ident(l) == nil && reads(info, l, st, role) {
					found = true
				}
			}
			for _, r := range n.Rhs {
				if reads(info, r, st, role) {
					found = true
				}
			}
			return false
		case *ast.Ident:
			if st[info.ObjectOf(n)]&role != 0 {
				found = true
			}
		}
		return !found
	})
	return found
}

// deleterCall reports whether a call after a Delete is work the deleting
// goroutine does for having deleted: not logging, a lock's Lock or Unlock,
// a lookup (get…, load…, read…, see lookupCall), a conversion, a builtin
// other than close, or a function or method of a package without side
// effects.
func (c *checker) deleterCall(call *ast.CallExpr) bool {
	info := c.pass.TypesInfo
	if _, _, isLock := c.locks.call(call); isLock {
		return false
	}
	switch callee := typeutil.Callee(info, call).(type) {
	case *types.Builtin:
		return callee.Name() == "close"
	case *types.Func:
		if isLogging(info, call) || lookupCall(info, call) {
			return false
		}
		return callee.Pkg() == nil || !sideEffectFree[callee.Pkg().Path()]
	case nil:
		// A conversion, or a call of a function value.
		return !info.Types[call.Fun].IsType()
	}
	return false
}

// sideEffectFree lists standard packages whose functions and methods change
// nothing outside the values they are given or return.
var sideEffectFree = map[string]bool{
	"bytes": true, "errors": true, "fmt": true, "maps": true, "math": true,
	"path": true, "path/filepath": true, "slices": true, "sort": true,
	"strconv": true, "strings": true, "time": true, "unicode": true,
	"unicode/utf8": true,
}

// stmtsAfter returns the statements that follow stmt in the statement list
// holding it (a block, or a case or select clause), or nil when stmt is not
// directly in one.
func stmtsAfter(body *ast.BlockStmt, stmt ast.Node) []ast.Stmt {
	var rest []ast.Stmt
	ast.Inspect(body, func(n ast.Node) bool {
		if rest != nil {
			return false
		}
		list, _ := astq.StmtList(n)
		for i, s := range list {
			if s == stmt {
				rest = list[i+1:]
				return false
			}
		}
		return true
	})
	return rest
}
