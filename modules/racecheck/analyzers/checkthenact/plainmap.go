package checkthenact

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// Plain Go maps guarded by a lock. A check `v, ok := m[k]` made under a lock
// and a write `m[k] = v` or `delete(m, k)` made under the same lock, held
// exclusively, are a check-then-act when the lock is released between them
// and nothing checks again after it is taken back: the read-lock, unlock,
// lock, write shape of a get-or-create without its second look. So is a
// check made with no lock held before a write under a lock the function
// takes after it (see unlockedCheck). A plain map touched without a lock
// at the write is left alone: it is either one goroutine's or a data race
// the race detector reports.
//
// Each index expression becomes an op with a synthetic call, m[k] as its
// Fun and the key (and, for a write, the value) as its arguments, so the
// rest of the analyzer reads it as it reads m.Load(k) and m.Store(k, v).

// plainShape is the shape of every Go map type: it has no atomic claim, so
// the fix offered is to hold one lock across the check and the write.
var plainShape = &shape{name: "map", ops: map[string]opKind{}}

// Names of plain-map operations, as messages print them.
const (
	plainCheck  = "index"
	plainStore  = "assignment"
	plainDelete = "delete"
)

// plainMap reports whether e is a Go map.
func plainMap(info *types.Info, e ast.Expr) bool {
	t := info.TypeOf(e)
	if t == nil {
		return false
	}
	_, ok := t.Underlying().(*types.Map)
	return ok
}

// plainOps returns the plain-map check or write an assignment, variable
// declaration or return makes: v, ok := m[k] (or v := m[k]), m[k] = v, or
// return m[k] (a getter's, also beside a nil error: return m[k], nil).
func (c *checker) plainOps(n ast.Node) []op {
	info := c.pass.TypesInfo
	var lhs, rhs []ast.Expr
	tok := token.DEFINE
	switch n := n.(type) {
	case *ast.AssignStmt:
		lhs, rhs, tok = n.Lhs, n.Rhs, n.Tok
	case *ast.ValueSpec:
		for _, id := range n.Names {
			lhs = append(lhs, id)
		}
		rhs = n.Values
	case *ast.ReturnStmt:
		rhs = n.Results
		if len(rhs) == 2 && isNil(info, rhs[1]) {
			// return m[k], nil: a getter's, beside a nil error.
			rhs = rhs[:1]
		}
	}
	if len(rhs) != 1 {
		return nil
	}
	var out []op
	if idx, ok := astq.Unparen(rhs[0]).(*ast.IndexExpr); ok && plainMap(info, idx.X) && len(lhs) <= 2 {
		out = append(out, c.plainOp(idx, opLoad, plainCheck, nil))
	} else if len(lhs) == 1 && astq.Ident(lhs[0]) != nil {
		// n := m[k] + 1: a read the variable is computed from.
		for _, idx := range plainReads(info, rhs[0]) {
			out = append(out, c.plainOp(idx, opLoad, plainCheck, nil))
		}
	}
	// m[k] = v, and m[k], err = newV(): the first of two results stored.
	if tok == token.ASSIGN && (len(lhs) == 1 || len(lhs) == 2 && isCall(rhs[0])) {
		if idx, ok := astq.Unparen(lhs[0]).(*ast.IndexExpr); ok && plainMap(info, idx.X) {
			out = append(out, c.plainOp(idx, opStore, plainStore, rhs[0]))
		}
	}
	return out
}

// isCall reports whether e is a call.
func isCall(e ast.Expr) bool {
	_, ok := astq.Unparen(e).(*ast.CallExpr)
	return ok
}

// plainCondOps returns the plain-map checks a condition makes by reading
// m[k] in place: if m[k] != nil, if m[k] > 0, if len(m[k]) == 0.
func (c *checker) plainCondOps(cond ast.Expr) []op {
	var out []op
	for _, idx := range plainReads(c.pass.TypesInfo, cond) {
		out = append(out, c.plainOp(idx, opLoad, plainCheck, nil))
	}
	return out
}

// plainReads returns the reads m[k] of Go maps in e, outside function
// literals and outside index expressions of other maps' keys.
func plainReads(info *types.Info, e ast.Expr) []*ast.IndexExpr {
	var out []*ast.IndexExpr
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.IndexExpr:
			if plainMap(info, n.X) {
				out = append(out, n)
				return false
			}
		}
		return true
	})
	return out
}

// plainOp builds the op of an index expression on a map.
func (c *checker) plainOp(idx *ast.IndexExpr, kind opKind, name string, value ast.Expr) op {
	call := &ast.CallExpr{Fun: idx, Lparen: idx.Lbrack, Args: []ast.Expr{idx.Index}, Rparen: idx.Rbrack}
	if value != nil {
		call.Args = append(call.Args, value)
	}
	c.synthetic[call] = idx
	return op{call: call, kind: kind, name: name, shape: plainShape, recv: idx.X, key: idx.Index, plain: true}
}

// plainDeleteOp recognises delete(m, k) on a Go map.
func (c *checker) plainDeleteOp(call *ast.CallExpr) (op, bool) {
	id, ok := astq.Unparen(call.Fun).(*ast.Ident)
	if !ok || len(call.Args) != 2 {
		return op{}, false
	}
	if b, ok := c.pass.TypesInfo.Uses[id].(*types.Builtin); !ok || b.Name() != "delete" {
		return op{}, false
	}
	return op{call: call, kind: opDelete, name: plainDelete, shape: plainShape, recv: call.Args[0], key: call.Args[1], plain: true}, true
}

// placeSynthetic records the site of each synthetic call of f's plain-map
// ops in g: the block node holding its index expression.
func (c *checker) placeSynthetic(f *fn, g *graph) {
	for _, o := range f.ops {
		idx, ok := c.synthetic[o.call]
		if !ok {
			continue
		}
		for _, b := range g.cfg.Blocks {
			for i, n := range b.Nodes {
				if n.Pos() <= idx.Pos() && idx.End() <= n.End() {
					g.calls[o.call] = site{b, i}
				}
			}
		}
	}
}

// plainLocked reports whether a plain-map check and write are made under
// one lock, held (in either mode) at the check and exclusively at the
// write, and released between them. A helper that takes and releases the
// lock itself around its check or write (op.inside) holds it there and
// has released it when it returns; its caller must not hold it at the
// call.
func (c *checker) plainLocked(f *fn, g *graph, ch check, w write, bt between) bool {
	atCheck := g.anyHeldAt(c.locks, ch.at)
	if ch.inside != "" {
		if atCheck[ch.inside+".w"] || atCheck[ch.inside+".r"] {
			return false
		}
		atCheck = lockSet{ch.inside + ".w": true}
	}
	atWrite := g.heldAt(c.locks, w.at)
	if w.inside != "" {
		if atWrite[w.inside+".w"] {
			return false
		}
		atWrite = lockSet{w.inside + ".w": true}
	}
	for held := range atCheck {
		lock := lockBase(held) + ".w"
		released := ch.inside != "" || bt.released(c.locks, held)
		if atWrite[lock] && released && !c.recheckedUnder(g, ch, w, bt, lock) && !c.reservedUnder(f, g, ch, w, bt, held) {
			return true
		}
	}
	return false
}

// unlockedCheck returns the lock a plain-map write is made under when f
// takes that lock, exclusively, after a check made with no lock held, and
// nothing reads the entry again under it before the write; or "". The
// write under a lock says that other goroutines use the map, and the check
// made without it is both a data race with their writes and a decision
// they can invalidate before the write: microsoft/wmi's instance managers
// were looked up unlocked and connected and inserted under the package's
// mutex (microsoft/wmi#165), go-zero's etcd watches recorded under the
// cluster's lock after an unlocked check lost a watch's cancel
// (zeromicro/go-zero#5408). A write through a helper, or a check a helper
// makes, is left alone (a setter's lock is its promise to every caller,
// the sequential ones too), and so is a single writer: a serving loop
// (see inServeLoop) that reads the map it alone writes, and locks only to
// keep its readers out while it writes.
func (c *checker) unlockedCheck(f *fn, g *graph, ch check, w write, bt between) string {
	if ch.helper || ch.inside != "" || w.via != nil || w.inside != "" || inServeLoop(c.pass.TypesInfo, f, w.call.Pos()) {
		return ""
	}
	if len(g.anyHeldAt(c.locks, ch.at)) > 0 {
		return ""
	}
	for held := range g.heldAt(c.locks, w.at) {
		if c.locks.covers(held, w.key) && bt.acquired(c.locks, held) && !c.recheckedUnder(g, ch, w, bt, held) && !c.otherLocksGuard(f, w.recv, held) {
			return held
		}
	}
	return ""
}

// otherLocksGuard reports whether the package's other functions that use
// the map m take locks, none of them the lock held (its field or
// variable): the map is guarded by another lock, which the function's
// callers may hold at the check. gcpug/handy-spanner's CreateTable checks
// db.tables unlocked and inserts under transactionsMu, but its caller
// holds schemaMu, the lock every other user of the tables takes.
func (c *checker) otherLocksGuard(f *fn, m ast.Expr, held string) bool {
	mv := c.mapVar(m)
	if mv == nil {
		return false
	}
	var lock types.Object
	ast.Inspect(f.body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && lock == nil {
			if key, acquire, ok := c.locks.call(call); ok && acquire && key == held {
				lock = c.lockVar(call)
			}
		}
		return lock == nil
	})
	if lock == nil {
		return false
	}
	if c.mapLocks == nil {
		c.mapLocks = c.findMapLocks()
	}
	others := false
	for d, locks := range c.mapLocks[mv] {
		if d == f.decl || f.decl == nil && d.Body.Pos() <= f.body.Pos() && f.body.End() <= d.Body.End() {
			continue
		}
		if locks[lock] {
			return false
		}
		others = others || len(locks) > 0
	}
	return others
}

// findMapLocks returns, for each field or variable holding a Go map, the
// functions of the package that index it, delete from it or range over
// it, each with the locks (fields or variables) it takes anywhere in its
// body.
func (c *checker) findMapLocks() map[types.Object]map[*ast.FuncDecl]map[types.Object]bool {
	info := c.pass.TypesInfo
	out := map[types.Object]map[*ast.FuncDecl]map[types.Object]bool{}
	for n := range c.funcs {
		d, ok := n.(*ast.FuncDecl)
		if !ok || d.Body == nil {
			continue
		}
		var maps []types.Object
		locks := map[types.Object]bool{}
		ast.Inspect(d.Body, func(n ast.Node) bool {
			var m ast.Expr
			switch n := n.(type) {
			case *ast.IndexExpr:
				m = n.X
			case *ast.RangeStmt:
				m = n.X
			case *ast.CallExpr:
				if _, acquire, ok := c.locks.call(n); ok && acquire {
					if v := c.lockVar(n); v != nil {
						locks[v] = true
					}
				} else if o, ok := c.plainDeleteOp(n); ok {
					m = o.recv
				}
			}
			if m != nil && plainMap(info, m) {
				if v := c.mapVar(m); v != nil {
					maps = append(maps, v)
				}
			}
			return true
		})
		for _, v := range maps {
			if out[v] == nil {
				out[v] = map[*ast.FuncDecl]map[types.Object]bool{}
			}
			out[v][d] = locks
		}
	}
	return out
}

// lockVar returns the field or variable of the mutex a Lock-like call
// takes (mu of x.mu.Lock()), or nil for a lock that is not one (an
// embedded mutex, a helper's).
func (c *checker) lockVar(call *ast.CallExpr) types.Object {
	if _, _, ok := astq.LockCall(c.pass.TypesInfo, call); !ok {
		return nil
	}
	recv, _, _ := astq.MethodCall(c.pass.TypesInfo, call)
	if v, ok := c.mapVar(recv).(*types.Var); ok && (v.IsField() || packageVar(v)) {
		return v
	}
	return nil
}

// lockedPair reports whether a check and a write on a Go map are the pair
// reported without -plainmaps: a delete (or a helper's delete) after a
// check made by a helper of the package that takes and releases the map's
// lock itself, or a delete made by such a helper after any check. A
// getter and a remover that each lock are a type's promise of safe
// concurrent use, and a caller that gets an entry, then removes it, acts on
// an entry another goroutine can take or replace in between: libtailscale's
// TsnetClose closed a server twice (libtailscale#19), dskit's TTL
// middleware counted one expired connection twice (dskit#909), seaweedfs's
// flock table dropped a fresh lock state (seaweedfs#9128). The same
// helpers' get-then-insert is left to -plainmaps: on the projects measured
// it was a cache fill or single-owner code each time (docs/vet.md).
func lockedPair(ch check, w write) bool {
	return w.kind == opDelete && (ch.inside != "" || w.inside != "")
}

// reportedByDefault reports whether a check-then-act on a Go map is
// reported without -plainmaps. Besides the locked pair (see lockedPair),
// these are the kinds whose harm needs no second caller of the same key
// to do the same thing: a lost update (a counter read under
// the lock, released, incremented and written back under the lock taken
// again loses the increments made in between), a stale delete (an entry
// found expired under the read lock and deleted under the write lock:
// a fresh entry stored in between is deleted instead), and a stale
// replace decided by comparing the loaded value with what the write puts
// (receptor's routing table kept a node's newest epoch and sequence, and
// an older update overwrote a newer one, ansible/receptor#193). An insert
// is reported as a get-or-create of a new object (see freshGetOrCreate),
// as a registration that refuses a key already there (see
// refusesPresent), as a mark recording work done once (see
// worksBeforeInsert) or as a received item inserted and handed on (see
// handsOnInserted). Other inserts, takes and double deletes stay behind
// -plainmaps: on the projects measured they were memos of the key,
// single-owner code and idempotent closes (docs/vet.md).
func (c *checker) reportedByDefault(f *fn, fd *finding, bt between) bool {
	switch {
	case lockedPair(fd.check, fd.write):
		return true
	case fd.kind == insertIfAbsent:
		if c.worksBeforeInsert(f, fd.check, fd.write, bt) || c.recordsWork(f, fd.check, bt) {
			fd.marksWork = true
			return true
		}
		if del, d := c.staleFill(f, fd.check, fd.write, bt); del != nil {
			p := c.pass.Fset.Position(del.Pos())
			fd.undoneBy = fmt.Sprintf("%s, %s:%d", d.Name.Name, filepath.Base(p.Filename), p.Line)
			return true
		}
		return c.freshGetOrCreate(f, fd.check, fd.write) || c.refusesPresent(f, fd.check) || c.handsOnInserted(f, fd.write) || c.marksStarted(f, fd.write) || c.releasedOnReturn(f, fd.write) || c.startsInserted(f, fd.write)
	case fd.kind == staleReplace:
		return fd.ordered || fd.transition
	}
	return fd.kind == lostUpdate || fd.kind == staleDelete || fd.kind == insertAfterWait
}

// startsInserted reports whether the value w inserts is made by a call of
// a function of the package that starts a goroutine (in its body, or up to
// two calls deep), directly or through a local assigned once: the value a
// racing insert replaces keeps its goroutine running, and nothing that
// goes through the map can stop it (a worker per tenant, started twice).
func (c *checker) startsInserted(f *fn, w write) bool {
	info := c.pass.TypesInfo
	arg := 1
	if w.via != nil {
		arg = w.via.value
	}
	if arg < 0 || arg >= len(w.call.Args) {
		return false
	}
	value := astq.Unparen(w.call.Args[arg])
	if v := c.localVar(f, value); v != nil {
		var at ast.Node = w.call
		if idx, plain := c.synthetic[w.call]; plain {
			at = idx
		}
		if def := c.onlyAssignment(f, v); def != nil {
			value = astq.Unparen(def)
		} else if def := assignedJustBefore(c.pass.TypesInfo, f.body, v, at); def != nil {
			value = astq.Unparen(def)
		}
	}
	call, isCall := value.(*ast.CallExpr)
	if !isCall {
		return false
	}
	callee := typeutil.StaticCallee(info, call)
	return callee != nil && callee.Pkg() == c.pass.Pkg && c.startsGoroutine(callee, 2) != nil
}

// assignedJustBefore returns the value of the last assignment to the local
// v (v = e, v := e) before at: among the statements before the one holding
// at in each statement list around it, the innermost list's last one that
// assigns v (f, ok := m[k]; …; f = startFlusher(…); m[k] = f gives
// startFlusher(…)); nil when that assignment is not a plain v = e, or
// there is none.
func assignedJustBefore(info *types.Info, body *ast.BlockStmt, v *types.Var, at ast.Node) ast.Expr {
	// assigns reports whether st assigns v, and the value when st is
	// itself a plain assignment of it.
	assigns := func(st ast.Stmt) (value ast.Expr, assigned bool) {
		ast.Inspect(st, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.AssignStmt:
				for i, l := range n.Lhs {
					if info.ObjectOf(astq.Ident(l)) == v {
						assigned = true
						if len(n.Lhs) == len(n.Rhs) && ast.Stmt(n) == st {
							value = n.Rhs[i]
						}
					}
				}
			case *ast.IncDecStmt:
				assigned = assigned || info.ObjectOf(astq.Ident(n.X)) == v
			}
			return true
		})
		return value, assigned
	}
	var out ast.Expr
	ast.Inspect(body, func(n ast.Node) bool {
		block, isBlock := n.(*ast.BlockStmt)
		if !isBlock {
			return true
		}
		for i, st := range block.List {
			if !containsNode(st, at) {
				continue
			}
			for j := i - 1; j >= 0; j-- {
				if value, assigned := assigns(block.List[j]); assigned {
					out = value
					break
				}
			}
			return true
		}
		return false
	})
	return out
}

// releasedOnReturn reports whether f deletes the key it inserted when it
// returns: a deferred delete of the same map and key, directly or in a
// deferred function literal (geche's updater put a channel in inFlight,
// and its deferred literal closed and deleted it). The entry marks the key
// busy while f runs, so two goroutines that both found it absent both run
// what it guards, and the first one's deferred delete removes the
// second's marker (C-Pro/geche#16: the marker overwritten was never
// closed, and its waiters blocked for good).
func (c *checker) releasedOnReturn(f *fn, w write) bool {
	return w.via == nil && c.defersDelete(f, w.op)
}

// refusesPresent reports whether f answers an error of its own where the
// check found the key: `if ok { return ErrExists }` (or `if r.has(k) {
// return fmt.Errorf(…) }`), the condition the check's ok flag or Has-like
// call alone, the error not read from the value found. Such a function
// promises that one registration of a key succeeds; two racing ones both
// pass the check, both insert and both answer nil, and the first one's
// entry is replaced while its caller goes on as registered.
func (c *checker) refusesPresent(f *fn, ch check) bool {
	info := c.pass.TypesInfo
	found := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit || found {
			return false
		}
		cond, body, ok := foundBranch(n)
		if !ok || len(body) == 0 || !testsFound(info, ch, cond) {
			return true
		}
		ret, ok := body[len(body)-1].(*ast.ReturnStmt)
		if !ok || len(ret.Results) == 0 {
			return true
		}
		last := ret.Results[len(ret.Results)-1]
		if refusedFalse(info, last) {
			found = answersTrue(info, f)
			return !found
		}
		if tv := info.Types[last]; tv.Type == nil || tv.IsNil() || !implementsError(tv.Type) || ch.value != nil && answersFoundError(info, last, ch.value) {
			return true
		}
		found = newError(info, last)
		return !found
	})
	return found
}

// foundBranch returns the condition and body of an if with no else, or
// of a case of a switch with no tag and one condition (switch { case err
// == nil: return ErrTaken; … }).
func foundBranch(n ast.Node) (ast.Expr, []ast.Stmt, bool) {
	switch n := n.(type) {
	case *ast.IfStmt:
		if n.Else == nil {
			return astq.Unparen(n.Cond), n.Body.List, true
		}
	case *ast.SwitchStmt:
		if n.Tag == nil && len(n.Body.List) > 0 {
			if cc := n.Body.List[0].(*ast.CaseClause); len(cc.List) == 1 {
				return astq.Unparen(cc.List[0]), cc.Body, true
			}
		}
	}
	return nil, nil, false
}

// testsFound reports whether cond is true exactly when the check found
// the key: its ok flag or Has-like call alone, or, for a getter whose
// error says the key was absent, that error compared equal to nil.
func testsFound(info *types.Info, ch check, cond ast.Expr) bool {
	if ch.ok != nil && isObj(info, cond, ch.ok) || ch.inline && cond == ast.Expr(ch.call) {
		return true
	}
	b, ok := cond.(*ast.BinaryExpr)
	return ok && ch.errAbsent && ch.ok != nil && b.Op == token.EQL && isObj(info, b.X, ch.ok) && isNil(info, b.Y)
}

// answersFoundError reports whether e, the error a refusal answers, is or
// wraps an error read from the value found (a memo's cached error,
// cache.err, or fmt.Errorf("…: %w", cache.err)); a new error that only
// names the value found (fmt.Errorf("%q owned by %s", name, owner.Addr))
// is the function's own.
func answersFoundError(info *types.Info, e ast.Expr, found types.Object) bool {
	call, ok := astq.Unparen(e).(*ast.CallExpr)
	if !ok {
		return usesObj(info, e, found)
	}
	for _, a := range call.Args {
		if tv := info.Types[a]; tv.Type != nil && implementsError(tv.Type) && usesObj(info, a, found) {
			return true
		}
	}
	return false
}

// worksBeforeInsert reports whether f skips a key the check found, at
// once and answering nothing it found (if seen { return nil }, or
// continue in a loop: a duplicate dropped), and, between the check and
// the insert, calls something that does the work the insert then marks
// done: a call handed more than the key (a charge of the message's
// customer and amount), as a statement or answering only an error, or a
// call whose answer is kept for what follows and is not what the insert
// stores (a crawler's page := fetch(u), marked visited after). Two
// goroutines handling one key both find it unmarked, and both do the work
// (a redelivered payment charged twice; the fourth textbook set's s18).
// A memo's computation answers the value it stores and does not count.
func (c *checker) worksBeforeInsert(f *fn, ch check, w write, bt between) bool {
	info := c.pass.TypesInfo
	if !c.skipsFound(f, ch) {
		return false
	}
	stored := storedArg(w)
	works := false
	bt.nodes(func(n ast.Node, _ site) {
		if works {
			return
		}
		var e ast.Expr
		answers := false // the call's answer, other than an error, is kept
		switch n := n.(type) {
		case *ast.ExprStmt:
			e = n.X
		case *ast.AssignStmt:
			if len(n.Rhs) != 1 {
				return
			}
			for _, l := range n.Lhs {
				id := astq.Ident(l)
				if id == nil {
					return
				}
				if t := info.TypeOf(l); id.Name != "_" && (t == nil || !implementsError(t)) {
					if stored != nil && derivesFrom(info, f.body, stored, info.ObjectOf(id), 3) {
						return // the value stored: a memo's computation
					}
					answers = true
				}
			}
			e = n.Rhs[0]
		}
		call, ok := astq.Unparen(e).(*ast.CallExpr)
		if !ok || call == w.call || call == ch.call || isLogging(info, call) || info.Types[call.Fun].IsType() || info.Types[call.Fun].IsBuiltin() {
			return // len(c.clients), string(raw): no work
		}
		if _, _, isLock := c.locks.call(call); isLock {
			return
		}
		if answers && len(call.Args) > 0 {
			works = true // p, err := c.fetch(u): a page fetched, then used
			return
		}
		for _, a := range call.Args {
			if t := info.TypeOf(a); info.Types[a].Value == nil && !sameKey(info, a, ch.key) && (t == nil || !astq.Named(t, "context", "Context")) {
				works = true
			}
		}
	})
	return works
}

// recordsWork reports whether the insert records work done for a request
// the key names rather than computes from: f replays what the check found
// and returns where it found the key (if prev, ok := h.store.lookup(key);
// ok { writeStored(w, prev); return }; the same value answered after the
// insert instead is a cache fill's shape too: nakama's satori properties,
// fetched on a miss), and between the check and the insert
// calls, outside the standard library, something handed a value that is
// neither a constant nor a context nor derived from the key (h.charge(ctx,
// req.Customer, req.Cents)): an idempotency key's record, saved after the
// charge. Two retries of one request both find no record, and both charge.
// A memo's or a loader's computation is handed the key, or what the key
// was computed from, and does not count.
func (c *checker) recordsWork(f *fn, ch check, bt between) bool {
	info := c.pass.TypesInfo
	if ch.value == nil {
		return false
	}
	replays := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit || replays {
			return false
		}
		if is, ok := n.(*ast.IfStmt); ok && is.Else == nil && refuses(is) && testsFound(info, ch, astq.Unparen(is.Cond)) && usesObj(info, is.Body, ch.value) {
			replays = true
		}
		return !replays
	})
	if !replays {
		return false
	}
	// The key's inputs: the variables in the key and those the locals
	// among them were computed from (key := hex.EncodeToString(version)),
	// not through a method: a request's header does not determine the
	// request (key := r.Header.Get("Idempotency-Key")).
	keyVars := varsIn(info, ch.key)
	for _, v := range keyVars {
		if v.Pos() >= f.body.Pos() && v.Pos() < f.body.End() {
			for _, from := range assignedFrom(info, f.body, v) {
				if call, isCall := astq.Unparen(from).(*ast.CallExpr); isCall {
					if sel, isSel := astq.Unparen(call.Fun).(*ast.SelectorExpr); isSel && info.Selections[sel] != nil && info.Selections[sel].Kind() == types.MethodVal {
						continue
					}
				}
				keyVars = append(keyVars, varsIn(info, from)...)
			}
		}
	}
	fromKey := func(e ast.Expr) bool {
		for _, v := range keyVars {
			if derivesFrom(info, f.body, e, v, 3) {
				return true
			}
		}
		return false
	}
	works := false
	bt.nodes(func(n ast.Node, _ site) {
		if works {
			return
		}
		var e ast.Expr
		switch n := n.(type) {
		case *ast.ExprStmt:
			e = n.X
		case *ast.AssignStmt:
			if len(n.Rhs) == 1 {
				e = n.Rhs[0]
			}
		}
		call, ok := astq.Unparen(e).(*ast.CallExpr)
		if !ok || call == ch.call || isLogging(info, call) || info.Types[call.Fun].IsType() || info.Types[call.Fun].IsBuiltin() {
			return
		}
		if _, _, isLock := c.locks.call(call); isLock {
			return
		}
		if fn, isFunc := typeutil.Callee(info, call).(*types.Func); isFunc && fn.Pkg() != nil && !strings.Contains(strings.Split(fn.Pkg().Path(), "/")[0], ".") && fn.Pkg() != c.pass.Pkg && !abstractMethod(fn) {
			return // the standard library's: a decode, a format (not an interface's method, next.ServeHTTP(rec, r), which runs the caller's code)
		}
		handed := false
		for _, a := range call.Args {
			if info.Types[a].Value != nil || astq.Named(info.TypeOf(a), "context", "Context") {
				continue
			}
			if fromKey(a) {
				return
			}
			handed = true
		}
		works = handed
	})
	return works
}

// abstractMethod reports whether fn is a method of an interface type: a
// call of it runs whatever the value's dynamic type implements.
func abstractMethod(fn *types.Func) bool {
	recv := fn.Signature().Recv()
	return recv != nil && types.IsInterface(recv.Type())
}

// derivesFrom reports whether e reads v, directly or through locals of
// body assigned from expressions that do, up to depth assignments back
// (v := parse(raw) stores what raw, err := fetch(k) answered).
func derivesFrom(info *types.Info, body *ast.BlockStmt, e ast.Expr, v types.Object, depth int) bool {
	if usesObj(info, e, v) {
		return true
	}
	if depth == 0 {
		return false
	}
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || found {
			return !found
		}
		if u, isVar := info.Uses[id].(*types.Var); isVar && u.Pos() >= body.Pos() && u.Pos() < body.End() {
			for _, from := range assignedFrom(info, body, u) {
				if derivesFrom(info, body, from, v, depth-1) {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// skipsFound reports whether f, where the check ch found the key, goes no
// further at once: an if testing that the key was found (see testsFound)
// whose body is a continue, or a return of constants, nils or zero values
// only.
func (c *checker) skipsFound(f *fn, ch check) bool {
	info := c.pass.TypesInfo
	found := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit || found {
			return false
		}
		is, ok := n.(*ast.IfStmt)
		if !ok || is.Else != nil || len(is.Body.List) != 1 || !testsFound(info, ch, astq.Unparen(is.Cond)) {
			return true
		}
		switch st := is.Body.List[0].(type) {
		case *ast.BranchStmt:
			found = st.Tok == token.CONTINUE && st.Label == nil
		case *ast.ReturnStmt:
			found = true
			for _, r := range st.Results {
				if info.Types[r].Value == nil && !isNil(info, r) && !zeroValue(info, r) {
					found = false
				}
			}
		}
		return !found
	})
	return found
}

// marksStarted reports whether w stores a marker (struct{}{}, true) after
// which goroutines are started on every path (see startsAfter): each
// goroutine that found the key unmarked starts its own.
func (c *checker) marksStarted(f *fn, w write) bool {
	if w.via != nil || len(w.call.Args) < 2 || !marker(c.pass.TypesInfo, w.call.Args[1]) {
		return false
	}
	return c.startsAfter(f, w) != nil
}

// handsOnInserted reports whether w inserts a parameter of f and then, in
// the same block, hands it to a call (not logging, not a lock's): a
// seen-set of received items, each processed by the goroutine that found
// it new (clockworksoul/smudge delivered a broadcast when its label was not
// yet known; two goroutines receiving it both delivered it).
func (c *checker) handsOnInserted(f *fn, w write) bool {
	info := c.pass.TypesInfo
	if w.via != nil || len(w.call.Args) < 2 || f.decl == nil {
		return false
	}
	v, ok := info.Uses[astq.Ident(w.call.Args[1])].(*types.Var)
	if !ok || v.Pos() < f.decl.Type.Params.Pos() || v.Pos() >= f.decl.Type.Params.End() {
		return false
	}
	for _, n := range w.at.block.Nodes[w.at.index+1:] {
		es, ok := n.(*ast.ExprStmt)
		if !ok {
			continue
		}
		call, ok := astq.Unparen(es.X).(*ast.CallExpr)
		if !ok || isLogging(info, call) {
			continue
		}
		if _, _, isLock := c.locks.call(call); isLock {
			continue
		}
		for _, a := range call.Args {
			if isObj(info, a, v) {
				return true
			}
		}
	}
	return false
}

// refusedFalse reports whether e, a function's last result, is the
// constant false.
func refusedFalse(info *types.Info, e ast.Expr) bool {
	v, ok := boolConstant(info, e)
	return ok && !v
}

// boolConstant returns the value of e when it is a boolean constant.
func boolConstant(info *types.Info, e ast.Expr) (value, ok bool) {
	v := info.Types[e].Value
	if v == nil || v.Kind() != constant.Bool {
		return false, false
	}
	return constant.BoolVal(v), true
}

// answersTrue reports whether f returns the constant true as its last
// result somewhere (outside function literals): with a false where the key
// was found, its answer says whether this call added the key, and two
// racing calls both answer true.
func answersTrue(info *types.Info, f *fn) bool {
	found := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit || found {
			return false
		}
		if ret, ok := n.(*ast.ReturnStmt); ok && len(ret.Results) > 0 {
			found, _ = boolConstant(info, ret.Results[len(ret.Results)-1])
		}
		return !found
	})
	return found
}

// newError reports whether e is an error the function makes or names
// itself, not one it was handed: a call (errors.New, fmt.Errorf, …), a
// composite literal of an error type (&os.PathError{…}: afero's Mkdir
// refused an existing directory so, spf13/afero#379) or a package-level
// variable (ErrExists). A memo that answers the error it cached (go-zero's
// options cache returns cache.err) refuses nothing.
func newError(info *types.Info, e ast.Expr) bool {
	switch e := astq.Unparen(e).(type) {
	case *ast.CallExpr:
		return true
	case *ast.UnaryExpr:
		_, isLit := astq.Unparen(e.X).(*ast.CompositeLit)
		return e.Op == token.AND && isLit
	case *ast.CompositeLit:
		return true
	case *ast.Ident:
		return packageVar(info.Uses[e])
	case *ast.SelectorExpr:
		return packageVar(info.Uses[e.Sel])
	}
	return false
}

// implementsError reports whether t is error or a type that implements it
// (*os.PathError).
func implementsError(t types.Type) bool {
	return types.Implements(t, types.Universe.Lookup("error").Type().Underlying().(*types.Interface))
}

// packageVar reports whether o is a variable declared at package level.
func packageVar(o types.Object) bool {
	v, ok := o.(*types.Var)
	return ok && v.Pkg() != nil && v.Parent() == v.Pkg().Scope()
}

// orderedReplace reports whether a Store decided by the loaded value is
// decided by comparing that value with what it stores: a guard compares
// (==, !=, <, …) the loaded value on one side with, on the other, a
// variable the stored value is made from (the epoch an update carries,
// compared with the stored node's, and put in the new node). Such a Store
// means a compare-and-swap, and what another goroutine stores in between
// is never compared. A guard comparing the loaded value with a constant,
// the key or the clock decides by the entry alone (go-micro's consul
// registry re-registers when its last check is old and stores the time).
func (c *checker) orderedReplace(f *fn, ch check, w write, value ast.Expr, conds []guardEdge) bool {
	info := c.pass.TypesInfo
	if value == nil || ch.value == nil {
		return false
	}
	skip := map[*types.Var]bool{}
	for _, e := range []ast.Expr{ch.key, w.key, ch.recv, w.recv} {
		for _, v := range varsIn(info, e) {
			skip[v] = true
		}
	}
	made := c.madeFrom(f, ch, value, skip)
	for _, gd := range conds {
		if gd.cond == nil {
			continue
		}
		found := false
		ast.Inspect(gd.cond, func(n ast.Node) bool {
			b, ok := n.(*ast.BinaryExpr)
			if found || !ok {
				return !found
			}
			switch b.Op {
			case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
			default:
				return true
			}
			for _, sides := range [2][2]ast.Expr{{b.X, b.Y}, {b.Y, b.X}} {
				if !c.readsLoaded(f, ch, sides[0]) {
					continue
				}
				for _, v := range varsIn(info, sides[1]) {
					found = found || made[v] && v != ch.value && v != ch.ok
				}
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// stateTransition reports whether w stores a constant (in place, or
// through a helper that stores the argument it is handed as it is) after a
// guard whose passing edge holds only where the loaded value equals
// another constant of the same type: a move from one state to the next
// (if st != Pending { return false }; s.states.SetState(id, Running)).
// Two goroutines that both load the first state both make the move, and
// both go on as the one that made it: a job runs twice.
func (c *checker) stateTransition(f *fn, ch check, w write, conds []guardEdge) bool {
	info := c.pass.TypesInfo
	stored := handedValue(w)
	if stored == nil || ch.value == nil {
		return false
	}
	to := info.Types[stored].Value
	if to == nil || to.Kind() == constant.Bool {
		return false
	}
	// The guard skips the write when the loaded value differs from the
	// state: v != From with skipIfTrue, v == From without; one operand of
	// an || (or of an && on the other edge) is enough.
	return anyInConds(conds, func(gd guardEdge, n ast.Node) bool {
		b, ok := n.(*ast.BinaryExpr)
		if !ok || !(b.Op == token.NEQ && gd.skipIfTrue || b.Op == token.EQL && !gd.skipIfTrue) {
			return false
		}
		for _, sides := range [2][2]ast.Expr{{b.X, b.Y}, {b.Y, b.X}} {
			from := info.Types[sides[1]].Value
			if c.readsLoaded(f, ch, sides[0]) && from != nil && from.Kind() == to.Kind() && !constant.Compare(from, token.EQL, to) && types.Identical(info.TypeOf(sides[1]), info.TypeOf(stored)) {
				return true
			}
		}
		return false
	})
}

// handedValue returns what w stores: its value argument in place, or, for
// a write through a helper that stores a parameter as it is, the argument
// handed to that parameter; nil otherwise.
func handedValue(w write) ast.Expr {
	if w.via == nil {
		return storedArg(w)
	}
	if w.via.value >= 0 && w.via.value < len(w.call.Args) {
		return w.call.Args[w.via.value]
	}
	return nil
}

// anyInConds reports whether match accepts a node inside the condition of
// one of the guards conds (a switch's or range's guard has none).
func anyInConds(conds []guardEdge, match func(gd guardEdge, n ast.Node) bool) bool {
	for _, gd := range conds {
		if gd.cond == nil {
			continue
		}
		found := false
		ast.Inspect(gd.cond, func(n ast.Node) bool {
			found = found || n != nil && match(gd, n)
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// ownerClaim reports whether w stores a struct naming its holder (a
// literal, in place or in a local assigned once, whose field F is set to
// E) after a guard that compares the loaded value's F with E, in place
// (cur.Owner != owner) or through a function of the package whose body is
// one return of such a comparison of its parameters (free(cur, ok,
// owner)): a lease or lock claimed for E where the check found it free or
// already E's. Two claimants that both find it free both write, and both
// go on as its holder (textbook set 8, t16).
func (c *checker) ownerClaim(f *fn, ch check, w write, conds []guardEdge) bool {
	info := c.pass.TypesInfo
	stored := handedValue(w)
	if stored == nil || ch.value == nil {
		return false
	}
	lit := structLit(info, f, stored)
	if lit == nil {
		return false
	}
	holders := map[string]ast.Expr{} // field name → what it is set to
	for _, e := range lit.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			if id := astq.Ident(kv.Key); id != nil && len(varsIn(info, kv.Value)) > 0 {
				holders[id.Name] = kv.Value
			}
		}
	}
	// compares reports whether b compares isLoaded(x).F with y, y the
	// holder F is set to, in either order.
	compares := func(b *ast.BinaryExpr, isLoaded func(ast.Expr) bool, holder func(string, ast.Expr) bool) bool {
		if b.Op != token.EQL && b.Op != token.NEQ {
			return false
		}
		for _, sides := range [2][2]ast.Expr{{b.X, b.Y}, {b.Y, b.X}} {
			sel, ok := astq.Unparen(sides[0]).(*ast.SelectorExpr)
			if ok && isLoaded(sel.X) && holder(sel.Sel.Name, sides[1]) {
				return true
			}
		}
		return false
	}
	isLoaded := func(e ast.Expr) bool { return c.readsLoaded(f, ch, e) }
	isHolder := func(name string, e ast.Expr) bool {
		h, ok := holders[name]
		return ok && astq.Same(info, h, e)
	}
	return anyInConds(conds, func(_ guardEdge, n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BinaryExpr:
			return compares(n, isLoaded, isHolder)
		case *ast.CallExpr:
			// free(cur, ok, owner): the comparison made by the callee on
			// its parameters, the arguments mapped back.
			return c.comparesInCallee(n, isLoaded, isHolder, compares)
		}
		return false
	})
}

// comparesInCallee reports whether call calls a function or method of the
// package whose body is one return statement holding a comparison that
// compares accepts once each parameter is read as the argument call hands
// it.
func (c *checker) comparesInCallee(call *ast.CallExpr, isLoaded func(ast.Expr) bool, holder func(string, ast.Expr) bool, compares func(*ast.BinaryExpr, func(ast.Expr) bool, func(string, ast.Expr) bool) bool) bool {
	info := c.pass.TypesInfo
	callee := typeutil.StaticCallee(info, call)
	if callee == nil || callee.Pkg() != c.pass.Pkg || call.Ellipsis.IsValid() {
		return false
	}
	d := c.declOf(callee.Origin())
	if d == nil || d.Body == nil || len(d.Body.List) != 1 {
		return false
	}
	ret, ok := d.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return false
	}
	params := callee.Origin().Signature().Params()
	arg := func(e ast.Expr) ast.Expr {
		id := astq.Ident(e)
		if id == nil || id != astq.Unparen(e) {
			return nil
		}
		for i := range params.Len() {
			if c.pass.TypesInfo.Uses[id] == params.At(i) && i < len(call.Args) {
				return call.Args[i]
			}
		}
		return nil
	}
	found := false
	ast.Inspect(ret.Results[0], func(n ast.Node) bool {
		if b, ok := n.(*ast.BinaryExpr); ok && !found {
			found = compares(b, func(x ast.Expr) bool {
				a := arg(x)
				return a != nil && isLoaded(a)
			}, func(name string, y ast.Expr) bool {
				a := arg(y)
				return a != nil && holder(name, a)
			})
		}
		return !found
	})
	return found
}

// structLit returns the composite literal e is (T{…} or &T{…}), or the one
// the local e is assigned once from, or nil.
func structLit(info *types.Info, f *fn, e ast.Expr) *ast.CompositeLit {
	e = astq.Unparen(e)
	if id := astq.Ident(e); id != nil && id == e {
		v, ok := info.Uses[id].(*types.Var)
		if !ok || v.Pos() < f.body.Pos() || v.Pos() >= f.body.End() {
			return nil
		}
		from := assignedFrom(info, f.body, v)
		if len(from) != 1 || fieldSet(info, f.body, v) {
			return nil
		}
		e = astq.Unparen(from[0])
	}
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = astq.Unparen(u.X)
	}
	lit, _ := e.(*ast.CompositeLit)
	return lit
}

// readsLoaded reports whether e reads the loaded value (or a variable
// assigned only a type assertion of it).
func (c *checker) readsLoaded(f *fn, ch check, e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && c.loadedAs(f, ch, id) {
			found = true
		}
		return !found
	})
	return found
}

// madeFrom returns the variables of f that e is made from: those it reads,
// and, for a local, those its assignments other than the check read,
// three assignments deep (receptor stores into the variable it loaded
// into a new node made of the update's epoch and sequence); not the
// check's ok flag, nor anything in skip.
func (c *checker) madeFrom(f *fn, ch check, e ast.Expr, skip map[*types.Var]bool) map[*types.Var]bool {
	info := c.pass.TypesInfo
	out := map[*types.Var]bool{}
	var visit func(e ast.Expr, depth int)
	visit = func(e ast.Expr, depth int) {
		for _, v := range varsIn(info, e) {
			if out[v] || skip[v] || v == ch.ok {
				continue
			}
			out[v] = true
			if depth == 0 || v.Pos() < f.body.Pos() || v.Pos() >= f.body.End() {
				continue
			}
			for _, from := range assignedFrom(info, f.body, v) {
				if astq.Unparen(from) != astq.Unparen(ch.call) && c.synthetic[ch.call] != astq.Unparen(from) {
					visit(from, depth-1)
				}
			}
		}
	}
	visit(e, 3)
	return out
}

// varsIn returns the variables e reads (not fields selected from them).
func varsIn(info *types.Info, e ast.Expr) []*types.Var {
	var out []*types.Var
	if e == nil {
		return nil
	}
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			out = append(out, varsIn(info, n.X)...)
			return false
		case *ast.Ident:
			if v, ok := info.Uses[n].(*types.Var); ok && !v.IsField() {
				out = append(out, v)
			}
		}
		return true
	})
	return out
}

// freshGetOrCreate reports whether f is a get-or-create on a Go map of a
// new object: it reads m[k], and where nothing was found stores into m[k] a
// local v assigned only new objects (&T{…}, new(T), a constructor's
// result, or the result of a maker every caller hands it that makes one,
// see freshFactory) or the value the read found, and goes on with v
// itself: returns it, or uses it after the store outside a function
// literal or a go statement; w is that store and ch that read. Two
// callers that both miss each make their own object and each go on with
// it; the map keeps one, and what is done to the other is lost: lyft/gostats's
// NewGaugeWithTags handed out gauges that were never flushed
// (lyft/gostats#51, #63), routedns's keystore lost the keys written to an
// orphaned entry (folbricht/routedns#578), centrifuge's recovering map
// subscription went on with a state that was no longer the map's, livekit
// subscribed one participant twice (livekit/livekit#723). The store may be
// a helper's that locks, makes the object and returns it (BurntSushi/locker's
// newLock handed two first lockers of one key different mutexes) or sends
// it on a channel the caller hands it (see freshSender), a
// setter's handed a new object that owns something to release, or an
// in-place store of a new object that f reads back (see freshInPlace). Without
// -plainmaps this, a registration that refuses duplicates and a received
// item handed on (see reportedByDefault) are the inserts on a Go map
// reported: a value computed
// from the key (a memo) or an object only handed to goroutines is left to
// -plainmaps.
func (c *checker) freshGetOrCreate(f *fn, ch check, w write) bool {
	info := c.pass.TypesInfo
	if w.via != nil {
		if inServeLoop(info, f, w.call.Pos()) {
			return false
		}
		if c.freshCreator(w) && c.goesOnWithResult(f, w.call) || c.freshSender(w) {
			return true
		}
		// A setter handed a new object the function made where the
		// check found nothing, an object that owns something to release
		// (vault's connPut(name, dbi) of a database connection), which the
		// setter stores as it is or inside what it builds around it (an
		// LRU's list element): the one replaced is never closed, or is
		// closed while its maker uses it.
		// A new object without one (pulsar's decoded schema) is a cache
		// fill, left to -plainmaps.
		if c.pushedElement(w.via.write) || c.freshThroughSetter(f, w) {
			return true
		}
		if w.via.holds < 0 || w.via.holds >= len(w.call.Args) {
			return false
		}
		local := c.localVar(f, w.call.Args[w.via.holds])
		return local != nil && hasReleaser(local.Type()) && c.goesOnWith(f, local, w.call) && c.onlyFresh(f, local, ch.op)
	}
	for _, st := range f.ops {
		if !st.plain || st.kind != opStore || st.call != w.call || inServeLoop(info, f, st.call.Args[1].Pos()) {
			continue
		}
		if c.freshInPlace(f, st) {
			return true
		}
		local := c.localVar(f, st.call.Args[1])
		if local == nil || !c.goesOnWith(f, local, st.call.Args[1]) {
			continue
		}
		for _, rd := range f.ops {
			if !rd.plain || rd.kind != opLoad || rd.call != ch.call ||
				!sameMap(info, rd.recv, st.recv) || !sameKey(info, rd.key, st.key) {
				continue
			}
			if c.onlyFresh(f, local, rd) {
				return true
			}
		}
	}
	return false
}

// freshThroughSetter reports whether w, a setter storing the value it is
// handed as it is, is handed a new object made in place (&T{…}, a
// constructor's result, or a maker's, see freshFactory), and f then reads
// the entry again through a getter of the same map and key (r.s.Insert(name,
// r.newMetric(name)); m, _ := r.s.Lookup(name)): as freshInPlace, through
// helpers. Two callers that both missed each store their own, and the
// first one's goes on with the second one's object, or the one replaced.
func (c *checker) freshThroughSetter(f *fn, w write) bool {
	info := c.pass.TypesInfo
	stored := handedValue(w)
	if stored == nil {
		return false
	}
	switch v := astq.Unparen(stored).(type) {
	case *ast.UnaryExpr:
		if _, lit := astq.Unparen(v.X).(*ast.CompositeLit); v.Op != token.AND || !lit {
			return false
		}
	case *ast.CallExpr:
		if !c.constructs(v) && !c.freshFactory(f, v) {
			return false
		}
	default:
		return false
	}
	for _, call := range f.calls {
		if call.Pos() <= w.call.End() {
			continue
		}
		if o, ok := c.viaCheck(call); ok && o.kind == opLoad && sameMap(info, o.recv, w.recv) && sameKey(info, o.key, w.key) {
			return true
		}
	}
	return false
}

// pushedElement reports whether a setter's store on a Go map, o, stores
// an element it has just pushed onto a container/list (m[k] =
// l.PushFront(e), directly or through a local assigned once from the
// push): an LRU's insert that assumes the key absent. Where two callers
// both missed, the second push leaves the first element in the list with
// no entry indexing it, still counted and evicted later, when its eviction
// deletes the live element's entry (set 6's read-through LRU).
func (c *checker) pushedElement(o op) bool {
	info := c.pass.TypesInfo
	if !o.plain || o.kind != opStore || len(o.call.Args) < 2 {
		return false
	}
	value := astq.Unparen(o.call.Args[1])
	if id := astq.Ident(value); id != nil && ast.Expr(id) == value {
		v, isVar := info.Uses[id].(*types.Var)
		if !isVar {
			return false
		}
		for _, d := range c.sortedDecls() {
			if d.Body.Pos() <= o.call.Pos() && o.call.End() <= d.Body.End() {
				if from := assignedFrom(info, d.Body, v); len(from) == 1 {
					value = astq.Unparen(from[0])
				}
			}
		}
	}
	call, isCall := value.(*ast.CallExpr)
	if !isCall {
		return false
	}
	_, pushed := listPush(info, call)
	return pushed
}

// freshInPlace reports whether the store st puts a new object made in
// place (m[k] = newCircuitBreaker(name), m[k] = &T{…}) and f goes on with
// the entry: reads m[k] again after the store (afex/hystrix-go's
// GetCircuit returned circuitBreakers[name], hystrix-go#26).
func (c *checker) freshInPlace(f *fn, st op) bool {
	info := c.pass.TypesInfo
	switch v := astq.Unparen(st.call.Args[1]).(type) {
	case *ast.UnaryExpr:
		if _, lit := astq.Unparen(v.X).(*ast.CompositeLit); v.Op != token.AND || !lit {
			return false
		}
	case *ast.CallExpr:
		if !c.constructs(v) && !c.freshFactory(f, v) {
			return false
		}
	default:
		return false
	}
	own := c.synthetic[st.call]
	after := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit || after {
			return false
		}
		idx, ok := n.(*ast.IndexExpr)
		if ok && idx != own && idx.Pos() > st.call.End() && sameMap(info, idx.X, st.recv) && sameKey(info, idx.Index, st.key) {
			after = true
		}
		return !after
	})
	return after
}

// inServeLoop reports whether pos is inside a loop of f that runs until
// the function returns, for {…} or for … range over a channel: a serving
// loop (go-micro's NATS transport accepts a socket per reply subject), one
// goroutine's for each thing it serves, whose objects are its own.
func inServeLoop(info *types.Info, f *fn, pos token.Pos) bool {
	found := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		if n == nil || found || pos < n.Pos() || pos >= n.End() {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ForStmt:
			found = n.Init == nil && n.Cond == nil && n.Post == nil
		case *ast.RangeStmt:
			if t := info.TypeOf(n.X); t != nil {
				_, found = t.Underlying().(*types.Chan)
			}
		}
		return !found
	})
	return found
}

// localVar returns the variable e names when it is declared in f.
func (c *checker) localVar(f *fn, e ast.Expr) *types.Var {
	id := astq.Ident(e)
	if id == nil {
		return nil
	}
	v, ok := c.pass.TypesInfo.ObjectOf(id).(*types.Var)
	if !ok || v.Pos() < f.body.Pos() || v.Pos() >= f.body.End() {
		return nil
	}
	return v
}

// goesOnWith reports whether f returns v, or uses it after the node at
// outside a function literal or a go statement.
func (c *checker) goesOnWith(f *fn, v *types.Var, at ast.Node) bool {
	if c.returned(f, v) {
		return true
	}
	return c.readAfter(f, v, at, false)
}

// freshCreator reports whether w is a write through a helper that stores a
// new object into the map itself and returns it (see storesFresh).
func (c *checker) freshCreator(w write) bool {
	callee, ok := typeutil.Callee(c.pass.TypesInfo, w.call).(*types.Func)
	return ok && c.createsFresh(callee, w.via.write, 1)
}

// freshSender reports whether w is a write through a helper that stores a
// new object into the map itself and sends it on a channel its caller
// handed it (hazelcast-go-client's openNewConnection stored the
// connection it made and sent it on resp, the channel GetOrConnect's
// caller waits on: two callers that both missed each got their own,
// hazelcast/hazelcast-go-client#76).
func (c *checker) freshSender(w write) bool {
	info := c.pass.TypesInfo
	callee, ok := typeutil.Callee(info, w.call).(*types.Func)
	if !ok || len(w.via.chain) != 1 {
		return false
	}
	h := c.funcs[c.declOf(callee)]
	o := w.via.write
	if h == nil || o.kind != opStore || !o.plain || o.call.Pos() < h.body.Pos() || o.call.End() > h.body.End() {
		return false
	}
	local := c.localVar(h, o.call.Args[1])
	if local == nil || !c.onlyFresh(h, local, op{}) {
		return false
	}
	sent := false
	ast.Inspect(h.body, func(n ast.Node) bool {
		send, isSend := n.(*ast.SendStmt)
		if _, isLit := n.(*ast.FuncLit); isLit || sent {
			return false
		}
		if isSend && isObj(info, send.Value, local) {
			if ch := astq.Ident(send.Chan); ch != nil {
				i, isParam := paramIndex(callee, info.ObjectOf(ch))
				sent = isParam && i >= 0
			}
		}
		return !sent
	})
	return sent
}

// createsFresh reports whether callee stores a new object with o and
// returns it, itself or, up to depth calls deep, by returning exactly what
// a helper that does returns (a locked wrapper, see delegate.go).
func (c *checker) createsFresh(callee *types.Func, o op, depth int) bool {
	h := c.funcs[c.declOf(callee)]
	if h == nil {
		return false
	}
	if o.call.Pos() >= h.body.Pos() && o.call.End() <= h.body.End() {
		return c.storesFresh(h, o)
	}
	if depth == 0 {
		return false
	}
	for _, call := range h.calls {
		next := typeutil.StaticCallee(c.pass.TypesInfo, call)
		if next != nil && returnsResultsOf(c.pass.TypesInfo, h, call) && c.createsFresh(next, o, depth-1) {
			return true
		}
	}
	return false
}

// storesFresh reports whether o is a store in f of a local that f assigns
// only new objects (see onlyFresh) and returns.
func (c *checker) storesFresh(f *fn, o op) bool {
	if o.kind != opStore || !o.plain {
		return false
	}
	local := c.localVar(f, o.call.Args[1])
	return local != nil && c.returned(f, local) && c.onlyFresh(f, local, op{})
}

// goesOnWithResult reports whether f goes on with what call returns: it
// returns it, calls a method on it, or assigns it to a local it goes on
// with (see goesOnWith).
func (c *checker) goesOnWithResult(f *fn, call *ast.CallExpr) bool {
	goesOn := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit || goesOn {
			return false
		}
		switch n := n.(type) {
		case *ast.ReturnStmt:
			for _, r := range n.Results {
				goesOn = goesOn || astq.Unparen(r) == call
			}
		case *ast.SelectorExpr:
			goesOn = astq.Unparen(n.X) == call
		case *ast.AssignStmt:
			if len(n.Lhs) == len(n.Rhs) {
				for i, r := range n.Rhs {
					if v := c.localVar(f, n.Lhs[i]); astq.Unparen(r) == call && v != nil {
						goesOn = c.goesOnWith(f, v, n)
					}
				}
			}
		}
		return !goesOn
	})
	return goesOn
}

// onlyFresh reports whether every assignment of local in f is the read
// rd (an index expression, or a getter's call) or a new object, and one is
// a new object: &T{…}, new(T), the result of a constructor (see
// constructs), or of a maker its callers hand f (see freshFactory).
func (c *checker) onlyFresh(f *fn, local *types.Var, rd op) bool {
	idx := c.synthetic[rd.call]
	fresh := 0
	for _, e := range assignedFrom(c.pass.TypesInfo, f.body, local) {
		if astq.Unparen(e) == rd.call && rd.call != nil {
			continue // what a getter found
		}
		switch e := astq.Unparen(e).(type) {
		case *ast.IndexExpr:
			if idx == nil || e != idx {
				return false
			}
		case *ast.UnaryExpr:
			if _, lit := astq.Unparen(e.X).(*ast.CompositeLit); e.Op != token.AND || !lit {
				return false
			}
			fresh++
		case *ast.CallExpr:
			if !c.constructs(e) && !c.freshFactory(f, e) {
				return false
			}
			fresh++
		default:
			return false
		}
	}
	return fresh > 0
}

// freshFactory reports whether call calls a field every value the package
// gives makes a new object (see makesNew), or a parameter of f, a function
// its callers hand it to make the value, and every call of f in the
// package hands one that makes a new object: a function literal whose
// every return is &T{…}, new(T) or a constructor's result, or such a
// function of the package (see constructs), and there is at least one
// such call. A get-or-create that takes its maker from the caller
// (Map[K, V].GetOrCreate(k, func() V { return new(Counter) })) then makes
// a new object each time it misses, as one written in place would.
func (c *checker) freshFactory(f *fn, call *ast.CallExpr) bool {
	info := c.pass.TypesInfo
	if field := fieldVar(info, call.Fun); field != nil {
		// A maker kept in a field (r.newMetric(name)): every value the
		// package gives the field makes a new object.
		values := c.fieldValues()[field.Origin()]
		for _, v := range values {
			if !c.makesNew(v.value) {
				return false
			}
		}
		return len(values) > 0
	}
	p, ok := info.Uses[astq.Ident(call.Fun)].(*types.Var)
	if !ok || f.decl == nil || f.node != f.decl {
		return false
	}
	fnObj, ok := info.Defs[f.decl.Name].(*types.Func)
	if !ok {
		return false
	}
	params := fnObj.Signature().Params()
	index := -1
	for i := range params.Len() {
		if params.At(i) == p {
			index = i
		}
	}
	if index < 0 || fnObj.Signature().Variadic() && index == params.Len()-1 {
		return false
	}
	sites := c.callersOf(fnObj)
	for _, site := range sites {
		if index >= len(site.call.Args) || !c.makesNew(site.call.Args[index]) {
			return false
		}
	}
	return len(sites) > 0
}

// makesNew reports whether e is a function that makes a new object each
// time it is called: a literal whose every return hands back &T{…},
// new(T) or a constructor's result, or a function of the package that
// does (see constructs).
func (c *checker) makesNew(e ast.Expr) bool {
	switch e := astq.Unparen(e).(type) {
	case *ast.FuncLit:
		fresh := 0
		good := eachReturn(e.Body, func(r *ast.ReturnStmt) bool {
			if len(r.Results) == 0 {
				return false
			}
			switch v := astq.Unparen(r.Results[0]).(type) {
			case *ast.UnaryExpr:
				if _, lit := astq.Unparen(v.X).(*ast.CompositeLit); v.Op == token.AND && lit {
					fresh++
					return true
				}
			case *ast.CallExpr:
				if c.constructs(v) {
					fresh++
					return true
				}
			}
			return false
		})
		return good && fresh > 0
	case *ast.Ident:
		fn, ok := c.pass.TypesInfo.Uses[e].(*types.Func)
		return ok && c.makesFresh(c.declOf(fn), 2)
	case *ast.SelectorExpr:
		fn, ok := c.pass.TypesInfo.Uses[e.Sel].(*types.Func)
		return ok && c.makesFresh(c.declOf(fn), 2)
	}
	return false
}

// constructs reports whether call makes a new object: new(T), a call of a
// function or method named New, New…, new… (newLock, NewSubscribedTrack),
// Dial…, dial…, Connect…, connect…, Open… or open… (a new connection or
// handle: os.Open), or of a function
// of the package that returns only new objects (see makesFresh).
func (c *checker) constructs(call *ast.CallExpr) bool {
	return c.constructsDepth(call, 3)
}

func (c *checker) constructsDepth(call *ast.CallExpr, depth int) bool {
	info := c.pass.TypesInfo
	if b, ok := info.Uses[astq.Ident(call.Fun)].(*types.Builtin); ok {
		return b.Name() == "new"
	}
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok {
		return false
	}
	name := fn.Name()
	for _, prefix := range []string{"New", "new", "Dial", "dial", "Connect", "connect", "Open", "open"} {
		if rest, found := strings.CutPrefix(name, prefix); found && (rest == "" || unicode.IsUpper(rune(rest[0]))) {
			return true
		}
	}
	return depth > 0 && c.makesFresh(c.declOf(fn), depth-1)
}

// makesFresh reports whether every return of a function of the package
// hands back, as its first result, a new object (&T{…}, new(T), or a call
// that constructs one), or nil beside an error: dial(addr) returning
// &conn{…}.
func (c *checker) makesFresh(d *ast.FuncDecl, depth int) bool {
	if d == nil || d.Body == nil || d.Type.Results.NumFields() == 0 {
		return false
	}
	info := c.pass.TypesInfo
	fresh := 0
	good := eachReturn(d.Body, func(r *ast.ReturnStmt) bool {
		if len(r.Results) == 0 {
			return false
		}
		switch e := astq.Unparen(r.Results[0]).(type) {
		case *ast.UnaryExpr:
			if _, lit := astq.Unparen(e.X).(*ast.CompositeLit); e.Op == token.AND && lit {
				fresh++
				return true
			}
		case *ast.CallExpr:
			if c.constructsDepth(e, depth) {
				fresh++
				return true
			}
		}
		return isNil(info, r.Results[0]) && len(r.Results) > 1 && !isNil(info, r.Results[len(r.Results)-1])
	})
	return good && fresh > 0
}

// returned reports whether a return statement of f (not of its literals)
// hands back v.
func (c *checker) returned(f *fn, v *types.Var) bool {
	found := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit || found {
			return false
		}
		if r, ok := n.(*ast.ReturnStmt); ok {
			for _, e := range r.Results {
				if id := astq.Ident(e); id != nil && c.pass.TypesInfo.Uses[id] == v {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// recheckedUnder reports whether m[k] is read again, other than by the
// check, with lock held, before the write, and the write does not follow
// that read on every path: a second look under the lock the write is made
// with (`if m[k].expiry == old.expiry { delete(m, k) }`) decides the write
// atomically. A read the write follows whatever it finds decides nothing
// about it (receptor's routing update asked again only whether the node
// was known, to name it, then stored the info its stale read had approved,
// ansible/receptor#193).
func (c *checker) recheckedUnder(g *graph, ch check, w write, bt between, lock string) bool {
	info := c.pass.TypesInfo
	reads := func(n ast.Node) bool {
		found := false
		stored := map[ast.Expr]bool{} // m[k] = v stores and does not read
		ast.Inspect(n, func(n ast.Node) bool {
			if _, ok := n.(*ast.FuncLit); ok || found {
				return false
			}
			if a, ok := n.(*ast.AssignStmt); ok && (a.Tok == token.ASSIGN || a.Tok == token.DEFINE) {
				for _, l := range a.Lhs {
					stored[astq.Unparen(l)] = true
				}
			}
			idx, ok := n.(*ast.IndexExpr)
			if ok && !stored[idx] && sameMap(info, idx.X, ch.recv) && astq.Same(info, idx.Index, ch.key) {
				found = true
			}
			return !found
		})
		return found
	}
	again := false
	bt.nodes(func(n ast.Node, s site) {
		if !again && s != ch.at && g.heldAt(c.locks, s)[lock] && reads(n) && !g.alwaysReaches(s, w.at) {
			again = true
		}
	})
	return again
}

// plainText prints a plain-map op: m[k] for a check, m[k] = … for an
// assignment, delete(m, k).
func plainText(recv, key string, o op) string {
	switch o.name {
	case plainStore:
		return recv + "[" + key + "] = …"
	case plainDelete:
		return "delete(" + recv + ", " + key + ")"
	}
	return recv + "[" + key + "]"
}

// reservedUnder reports whether, after the check and under the lock it
// was made with (held, not yet released), f puts the same key into
// another Go map that f also reads with that key: a reservation that
// the same check, made by another goroutine, finds. go-nsq's consumer
// checks connections and pendingConnections under r.mtx, refuses an
// address found in either, and otherwise puts it in pendingConnections
// before unlocking; it moves it to connections under the lock later, and
// no other goroutine gets past the check for that address in between.
func (c *checker) reservedUnder(f *fn, g *graph, ch check, w write, bt between, held string) bool {
	info := c.pass.TypesInfo
	if ch.inside != "" || !exclusive(held) {
		return false
	}
	reserved := false
	bt.nodes(func(n ast.Node, s site) {
		a, isAssign := n.(*ast.AssignStmt)
		if reserved || !isAssign || a.Tok != token.ASSIGN || len(a.Lhs) != 1 || !g.heldAt(c.locks, s)[held] || !g.passedOnTheWay(ch.at, s, w.at) {
			return
		}
		idx, isIdx := astq.Unparen(a.Lhs[0]).(*ast.IndexExpr)
		if !isIdx || !plainMap(info, idx.X) || sameMap(info, idx.X, w.recv) || !sameKey(info, idx.Index, w.key) {
			return
		}
		// The reservation is looked for: read with the key before it.
		ast.Inspect(f.body, func(m ast.Node) bool {
			if _, isLit := m.(*ast.FuncLit); isLit || reserved {
				return false
			}
			rd, isIdx := m.(*ast.IndexExpr)
			if isIdx && rd != idx && rd.Pos() < a.Pos() && sameMap(info, rd.X, idx.X) && sameKey(info, rd.Index, w.key) {
				reserved = true
			}
			return !reserved
		})
	})
	return reserved
}

// staleFill returns, for a read-through fill (a miss, a load with the lock
// released, and the insert of what was loaded), a delete of the same map
// keyed by a parameter in another function of the package (an
// invalidation, delete(c.entries, tenant) in Invalidate(tenant)) and its
// function, or nil.
// An invalidation between the miss and the insert is undone by it: the
// value loaded before the change stays cached, for good where nothing
// expires it (textbook set 7, t12: a tenant's config cached from before
// its downgrade). Not when the value stored was not made between them by
// a call handed the key, or when a branch under the insert's lock between
// them can keep it from running (a generation compared again, the fix).
func (c *checker) staleFill(f *fn, ch check, w write, bt between) (*ast.CallExpr, *ast.FuncDecl) {
	info := c.pass.TypesInfo
	if w.kind != opStore || w.via != nil || w.runner != nil || len(w.call.Args) < 2 {
		return nil, nil
	}
	v := c.localVar(f, w.call.Args[1])
	if v == nil {
		return nil, nil
	}
	loaded := false
	bt.nodes(func(n ast.Node, _ site) {
		a, isAssign := n.(*ast.AssignStmt)
		if !isAssign || len(a.Rhs) != 1 || !assignsVar(info, a, v) {
			return
		}
		if call, isCall := astq.Unparen(a.Rhs[0]).(*ast.CallExpr); isCall && slices.ContainsFunc(call.Args, func(arg ast.Expr) bool { return sameKey(info, arg, w.key) }) {
			loaded = true
		}
	})
	if !loaded {
		return nil, nil
	}
	g := c.graph(f)
	reach := g.backward(w.at.block, ch.at.block)
	atWrite := g.heldAt(c.locks, w.at)
	for b := range bt.blocks {
		if len(b.Succs) == 2 && (!reach[b.Succs[0]] || !reach[b.Succs[1]]) && len(intersect(atWrite, g.heldAt(c.locks, site{b, len(b.Nodes)}))) > 0 {
			return nil, nil
		}
	}
	m := c.mapVar(w.recv)
	if m == nil {
		return nil, nil
	}
	for _, d := range c.sortedDecls() {
		df := c.funcs[d]
		if df == nil || d == f.decl || testFile(c.pass, d.Pos()) {
			continue
		}
		for _, o := range df.ops {
			if o.kind == opDelete && c.mapVar(o.recv) == m && paramOf(info, d, o.key) >= 0 {
				return o.call, d
			}
		}
	}
	return nil, nil
}
