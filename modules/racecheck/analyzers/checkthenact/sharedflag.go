package checkthenact

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// A flag of a shared object checked and set with plain reads and writes.
// Four kinds of object are shared by construction:
//
//   - one loaded from a concurrent map (sync.Map or another map-like type,
//     not a Go map): every goroutine loading its key gets it;
//   - a pointer read from a Go map with a lock held, whose tested field
//     another function of the package reads or sets (see lockedReads);
//   - the receiver of a method a go statement runs on the receiver or a
//     parameter of the function holding it (go s.runScenario() in
//     s.Start()), or that a function literal a go statement runs calls
//     on one of them (go func() { g.gatherServer(u) }()): each call of
//     that function with the same object starts another goroutine on it.
//     There, a check inside a loop is the
//     goroutine's own state (a monitor toggling its status), not a guard
//     on its entry, and is not reported;
//   - the receiver of a method of a type built for concurrent use that
//     guards a teardown a second run harms (see teardown.go), or that
//     tests and sets a field another function of the package sets under
//     the object's lock (see guardedfield.go).
//
// A check of one of its fields followed by setting that field to a
// constant, with no lock held, lets two goroutines both pass the check
// before either sets it (and the plain read and write race under the race
// detector too). valyala/fasthttp's TCPDialer (fixed in 6d4db9b) let one
// goroutine re-resolve an expired DNS entry:
//
//	e, ok := item.(*tcpAddrEntry)  // item from d.tcpAddrsMap.Load(addr)
//	if … && !e.pending && time.Since(e.resolveTime) > d.DNSCacheDuration {
//		e.pending = true           // every goroutine that passed re-resolves
//
// and ethpandaops/spamoor's Spammer (fixed in d0200d0, spamoor#268) ran
// its scenario once at a time:
//
//	func (s *Spammer) runScenario() {  // go s.runScenario() in Start
//		if s.running { return }
//		s.running = true               // two Starts: two runs, runningChan closed twice
//
// Reported: the assignment of a constant to the field (or of any value,
// in the body of an if statement whose condition is the field == its zero
// value), either in the body of an if statement whose condition reads it,
// when the body does more than set it (a body that only resets the flag repeats nothing), or right
// after an if statement whose condition reads it and whose body returns,
// when more statements follow; with no exclusive lock held there, in a
// function that is not a test's. The field's own plain read and write race
// whatever follows; that is the race detector's to find.
//
// A field set back to nil is a flag too when what the check guards must
// not run twice (see tearsDown): mailgun/scroll's App.Stop (fixed in
// 7e8dd38, scroll#52) ran
//
//	if app.done != nil {
//		close(app.done)  // Run's own Stop and a caller's both get here
//		app.done = nil
//
// There, and for a flag of a teardown guard, what a second goroutine past
// the check repeats is the whole guarded code, also what precedes the set;
// the set may follow an early return at any distance.

// sharedObject says why a variable names an object other goroutines
// share.
type sharedObject struct {
	loadedFrom *op           // loaded by this check of a concurrent map
	lockedRead ast.Expr      // or read from this Go map under a lock
	startedBy  *ast.CallExpr // or the receiver of the method this go statement runs
	// or the receiver of a method guarding a teardown (see teardown.go),
	// when this names the receiver's type
	teardownOf string
}

// checkSharedFlags reports plain check-and-set of a field of a shared
// object in f.
func (c *checker) checkSharedFlags(f *fn) {
	if testFile(c.pass, f.body.Pos()) || c.callerLocked(f) {
		return
	}
	shared := c.sharedObjects(f)
	if len(shared) == 0 {
		return
	}
	var g *graph
	report := func(cond ast.Expr, a *ast.AssignStmt, sel *ast.SelectorExpr, x types.Object, guarded []ast.Stmt) {
		s := shared[x]
		cleared := c.pass.TypesInfo.Types[a.Rhs[0]].IsNil()
		if s.startedBy != nil && inLoop(f.body, a) {
			// A goroutine's own loop toggling its state (a health
			// monitor's status), not a guard on its entry.
			return
		}
		var teardown *ast.CallExpr
		var guard *guardedSet
		if s.teardownOf != "" || cleared {
			// A field set back to nil is a flag only when what it guards
			// must not run twice (close(x.done); x.done = nil), or, on a
			// receiver, when the package guards it with the object's
			// lock elsewhere (see guardedfield.go).
			if inLoop(f.body, a) {
				return
			}
			if teardown = tearsDown(c.pass.TypesInfo, guarded); teardown == nil {
				if s.teardownOf == "" {
					return
				}
				if guard = c.guardedElsewhere(f, sel); guard == nil {
					return
				}
			}
		}
		if s.teardownOf != "" && !c.sharedReceiver(f) {
			return
		}
		if guard == nil && (cleared || teardown != nil && teardown.Pos() < a.Pos()) && !c.stopsItself(f) {
			// Torn down before the flag is set, or by clearing the
			// channel it closes: reported only where two stoppers are
			// shown to exist.
			return
		}
		if s.lockedRead != nil && !c.selectedElsewhere(f, sel) {
			// Only f reads and sets the field: the object is some key's,
			// which one goroutine may well serve (a connection's session,
			// read by its own callbacks).
			return
		}
		if g == nil {
			g = c.graph(f)
		}
		if at, ok := nodeSite(g, a); !ok || len(g.heldAt(c.locks, at)) > 0 {
			return
		}
		field := render(c.pass.Fset, sel)
		if guard != nil {
			pos := c.pass.Fset.Position(guard.assign.Pos())
			c.emitf(ruleGuardedField, a.Pos(), "%s is set here after the condition on line %d read it with no lock held, while %s sets it under %s's lock (%s:%d): a set made there between the two is overwritten here; hold %s's lock across the check and the set",
				field, c.pass.Fset.Position(cond.Pos()).Line, funcName(guard.in), guard.lock, filepath.Base(pos.Filename), pos.Line, render(c.pass.Fset, sel.X))
			return
		}
		var whose string
		switch {
		case s.teardownOf != "":
			order := "before"
			if teardown.Pos() < a.Pos() {
				order = "after"
			}
			whose = fmt.Sprintf("%s %s on line %d, in a method of %s (whose synchronised fields say several goroutines use it) that no caller runs under its receiver's lock", order, render(c.pass.Fset, teardown.Fun), c.pass.Fset.Position(teardown.Pos()).Line, s.teardownOf)
		case s.loadedFrom != nil:
			whose = fmt.Sprintf("on an object loaded from %s, which every goroutine loading %s shares", render(c.pass.Fset, s.loadedFrom.recv), render(c.pass.Fset, s.loadedFrom.key))
		case s.lockedRead != nil:
			whose = fmt.Sprintf("on an object read from %s under a lock, which every goroutine reading it there shares", render(c.pass.Fset, s.lockedRead))
		default:
			pos := c.pass.Fset.Position(s.startedBy.Pos())
			whose = fmt.Sprintf("in %s, which a go statement runs (%s:%d), so each run of that statement starts another goroutine on it", f.decl.Name.Name, filepath.Base(pos.Filename), pos.Line)
		}
		c.emitf(ruleSharedFlag, a.Pos(), "%s is set here after the condition on line %d read it, %s, with no lock held: two goroutines can both pass the check before either sets it; make %s an atomic and decide with CompareAndSwap (or Swap)",
			field, c.pass.Fset.Position(cond.Pos()).Line, whose, field)
	}
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit {
			return false
		}
		block, isBlock := n.(*ast.BlockStmt)
		if !isBlock {
			return true
		}
		for i, st := range block.List {
			ifs, isIf := st.(*ast.IfStmt)
			if !isIf {
				continue
			}
			read := c.sharedFields(ifs.Cond, shared)
			if len(read) == 0 {
				continue
			}
			// if !x.f { x.f = true; … }, if x.f { …; x.f = false }
			if len(ifs.Body.List) >= 2 {
				for j, st := range ifs.Body.List {
					if a, sel, x, ok := c.flagSet(st, read, ifs.Cond); ok {
						// A second goroutine past the check repeats the
						// whole body, what precedes the set included.
						report(ifs.Cond, a, sel, x, slices.Concat(ifs.Body.List[:j], ifs.Body.List[j+1:]))
					}
				}
			}
			// if x.f { return }; x.f = true; …, and
			// if x.ch == nil { return }; close(x.ch); x.ch = nil
			if ifs.Else == nil && len(ifs.Body.List) > 0 && i+2 < len(block.List) {
				if _, returns := ifs.Body.List[len(ifs.Body.List)-1].(*ast.ReturnStmt); returns {
					for j := i + 1; j < len(block.List); j++ {
						if a, sel, x, ok := c.flagSet(block.List[j], read, nil); ok && (j == i+1 || c.pass.TypesInfo.Types[a.Rhs[0]].IsNil()) {
							report(ifs.Cond, a, sel, x, slices.Concat(block.List[i+1:j], block.List[j+1:]))
							break
						}
					}
				}
			}
		}
		return true
	})
}

// sharedObjects returns the variables of f that name shared objects: the
// values its checks load from concurrent maps (and type assertions of
// them), and the receiver, when f is a method a go statement runs.
func (c *checker) sharedObjects(f *fn) map[types.Object]sharedObject {
	info := c.pass.TypesInfo
	shared := map[types.Object]sharedObject{}
	if f.decl != nil && f.node == f.decl && f.decl.Recv != nil && len(f.decl.Recv.List[0].Names) == 1 {
		if fn, ok := info.Defs[f.decl.Name].(*types.Func); ok {
			if call := c.started[fn]; call != nil {
				shared[info.Defs[f.decl.Recv.List[0].Names[0]]] = sharedObject{startedBy: call}
			}
		}
		// A teardown guard's callers are looked at only when it guards
		// one (see report).
		if recv := info.Defs[f.decl.Recv.List[0].Names[0]]; recv != nil && concurrentType(recv.Type()) {
			if _, known := shared[recv]; !known {
				shared[recv] = sharedObject{teardownOf: types.TypeString(recv.Type(), types.RelativeTo(c.pass.Pkg))}
			}
		}
	}
	for _, o := range f.ops {
		if o.kind != opLoad || o.plain || o.helper {
			continue
		}
		if value, _ := loadedVars(info, f.body, o.call); value != nil {
			shared[value] = sharedObject{loadedFrom: &o}
		}
	}
	c.lockedReads(f, shared)
	// e := item.(*T), e, ok := item.(*T): the same object.
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit {
			return false
		}
		a, isAssign := n.(*ast.AssignStmt)
		if !isAssign || len(a.Rhs) != 1 || a.Tok != token.DEFINE {
			return true
		}
		ta, isTA := astq.Unparen(a.Rhs[0]).(*ast.TypeAssertExpr)
		if !isTA || ta.Type == nil {
			return true
		}
		if src := astq.Ident(ta.X); src != nil {
			if s, isShared := shared[info.ObjectOf(src)]; isShared && s.loadedFrom != nil {
				if id := astq.Ident(a.Lhs[0]); id != nil && id.Name != "_" {
					shared[info.ObjectOf(id)] = s
				}
			}
		}
		return true
	})
	return shared
}

// lockedReads adds to shared the pointers f reads from a Go map with a
// lock held, by m[k] or by ranging over m, and then tests a field of:
// the lock guards the map, and every goroutine reading the entry under it
// gets the same object, whose fields it does not guard once released
// (juicedata/juicefs#6697: scanDelayedStaging ranged over pendingKeys
// under pendingMutex, released it for each item and tested and set
// item.uploading, as addDelayedStaging did after its own read; both sent
// the item to the uploaders). Not an entry f deletes from the map with
// the same key, which f then owns. The report asks, too, that another
// function read or set the field it sets (see selectedElsewhere).
func (c *checker) lockedReads(f *fn, shared map[types.Object]sharedObject) {
	info := c.pass.TypesInfo
	type read struct {
		v    *types.Var
		m    ast.Expr
		node ast.Node // the statement whose site must hold the lock
	}
	var reads []read
	pointer := func(v *types.Var) bool {
		_, isPtr := v.Type().Underlying().(*types.Pointer)
		return isPtr
	}
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			if len(n.Rhs) != 1 || len(n.Lhs) > 2 {
				return true
			}
			idx, isIdx := astq.Unparen(n.Rhs[0]).(*ast.IndexExpr)
			if !isIdx || !plainMap(info, idx.X) {
				return true
			}
			if id := astq.Ident(n.Lhs[0]); id != nil {
				if v, isVar := info.ObjectOf(id).(*types.Var); isVar && pointer(v) && !c.deletesKey(f, idx) {
					reads = append(reads, read{v, idx.X, n})
				}
			}
		case *ast.RangeStmt:
			if id := astq.Ident(n.Value); id != nil && plainMap(info, n.X) {
				if v, isVar := info.ObjectOf(id).(*types.Var); isVar && pointer(v) {
					reads = append(reads, read{v, n.X, n.X})
				}
			}
		}
		return true
	})
	var g *graph
	for _, r := range reads {
		if _, known := shared[r.v]; known || !fieldTested(info, f.body, r.v) {
			continue
		}
		if g == nil {
			g = c.graph(f)
		}
		if at, ok := nodeSite(g, r.node); ok && len(g.heldAt(c.locks, at)) > 0 {
			shared[r.v] = sharedObject{lockedRead: r.m}
		}
	}
}

// selectedElsewhere reports whether a function of the package other than
// f (and not a test's) reads or writes the field sel selects, through a
// selector: two functions then act on the field of one shared object.
func (c *checker) selectedElsewhere(f *fn, sel *ast.SelectorExpr) bool {
	info := c.pass.TypesInfo
	field, isVar := info.ObjectOf(sel.Sel).(*types.Var)
	if !isVar {
		return false
	}
	for _, file := range c.pass.Files {
		if testFile(c.pass, file.Pos()) {
			continue
		}
		for _, d := range file.Decls {
			fd, isFunc := d.(*ast.FuncDecl)
			if !isFunc || fd.Body == nil || fd == f.decl {
				continue
			}
			found := false
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if other, isSel := n.(*ast.SelectorExpr); isSel && info.Uses[other.Sel] == field {
					found = true
				}
				return !found
			})
			if found {
				return true
			}
		}
	}
	return false
}

// deletesKey reports whether f deletes the key of the read idx from its
// map: the entry is then f's alone.
func (c *checker) deletesKey(f *fn, idx *ast.IndexExpr) bool {
	info := c.pass.TypesInfo
	found := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		call, isCall := n.(*ast.CallExpr)
		if found || !isCall || !builtinCall(info, call, "delete") || len(call.Args) != 2 {
			return !found
		}
		found = sameMap(info, call.Args[0], idx.X) && sameKey(info, call.Args[1], idx.Index)
		return !found
	})
	return found
}

// fieldTested reports whether an if condition in body reads a field
// through v.
func fieldTested(info *types.Info, body *ast.BlockStmt, v *types.Var) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		ifs, isIf := n.(*ast.IfStmt)
		if found || !isIf {
			return !found
		}
		ast.Inspect(ifs.Cond, func(m ast.Node) bool {
			if sel, isSel := m.(*ast.SelectorExpr); isSel {
				if x := astq.Ident(sel.X); x != nil && info.Uses[x] == v {
					found = true
				}
			}
			return !found
		})
		return true
	})
	return found
}

// flagSet recognises x.f = constant for a field f read (through x) in
// the condition before it; inside the body of an if whose condition cond
// is x.f == zero (its type's zero value: "", 0, nil), x.f = v of any v
// too, the transition away from zero (cloud-api-adaptor's sshproxy set
// peer.terminated = who, confidential-containers/cloud-api-adaptor#2014).
func (c *checker) flagSet(st ast.Stmt, read map[*types.Var]types.Object, cond ast.Expr) (*ast.AssignStmt, *ast.SelectorExpr, types.Object, bool) {
	info := c.pass.TypesInfo
	a, isAssign := st.(*ast.AssignStmt)
	if !isAssign || a.Tok != token.ASSIGN || len(a.Lhs) != 1 || len(a.Rhs) != 1 {
		return nil, nil, nil, false
	}
	sel, isSel := astq.Unparen(a.Lhs[0]).(*ast.SelectorExpr)
	if !isSel {
		return nil, nil, nil, false
	}
	if tv := info.Types[a.Rhs[0]]; tv.Value == nil && !tv.IsNil() && !zeroTest(info, cond, sel) {
		return nil, nil, nil, false
	}
	field, isVar := info.ObjectOf(sel.Sel).(*types.Var)
	x := astq.Ident(sel.X)
	if !isVar || x == nil || read[field] != info.ObjectOf(x) {
		return nil, nil, nil, false
	}
	return a, sel, read[field], true
}

// zeroTest reports whether cond is sel == z (either way round) with z
// the zero value of sel's type: "", 0 or nil.
func zeroTest(info *types.Info, cond ast.Expr, sel *ast.SelectorExpr) bool {
	b, ok := astq.Unparen(cond).(*ast.BinaryExpr)
	if cond == nil || !ok || b.Op != token.EQL {
		return false
	}
	x, y := b.X, b.Y
	if !astq.Same(info, x, sel) {
		x, y = y, x
	}
	if !astq.Same(info, x, sel) {
		return false
	}
	// A constant "" or 0, or nil; not false (a bool flag's test is a
	// check of its own), nor T{}.
	tv := info.Types[y]
	return tv.IsNil() || tv.Value != nil && tv.Value.Kind() != constant.Bool && zeroLiteral(info, y)
}

// sharedFields returns the fields of shared objects cond reads, each with
// the variable it is read through.
func (c *checker) sharedFields(cond ast.Expr, shared map[types.Object]sharedObject) map[*types.Var]types.Object {
	info := c.pass.TypesInfo
	out := map[*types.Var]types.Object{}
	ast.Inspect(cond, func(n ast.Node) bool {
		sel, isSel := n.(*ast.SelectorExpr)
		if !isSel {
			return true
		}
		x := astq.Ident(sel.X)
		field, isVar := info.ObjectOf(sel.Sel).(*types.Var)
		if x == nil || !isVar || !field.IsField() {
			return true
		}
		if _, isShared := shared[info.ObjectOf(x)]; isShared {
			out[field] = info.ObjectOf(x)
		}
		return true
	})
	return out
}

// startedOnOwnArg reports whether go x.M() runs M on x, the receiver or a
// parameter of decl, the function holding the go statement: each call of
// decl with the same object starts another goroutine on it (spamoor's
// Start), which a go statement on an object decl makes itself does not
// (go-micro's Serve building a server and watching with it).
func startedOnOwnArg(info *types.Info, decl *ast.FuncDecl, call *ast.CallExpr) bool {
	sel, isSel := astq.Unparen(call.Fun).(*ast.SelectorExpr)
	if decl == nil || !isSel {
		return false
	}
	x := astq.Ident(sel.X)
	if x == nil {
		return false
	}
	obj := info.Uses[x]
	var lists []*ast.Field
	if decl.Recv != nil {
		lists = append(lists, decl.Recv.List...)
	}
	lists = append(lists, decl.Type.Params.List...)
	for _, field := range lists {
		for _, name := range field.Names {
			if info.Defs[name] == obj {
				return true
			}
		}
	}
	return false
}

// noteStartedInLiteral records, for go func() { …; x.M(); … }() in decl,
// the methods the literal calls on x, the receiver or a parameter of
// decl, as started on it (see startedOnOwnArg): the goroutine runs M on
// the object as go x.M() would (telegraf's phpfpm input gathered each
// server in go func(serv string) { …; g.gatherServer(serv, acc) }(serv),
// and gatherServer made the shared HTTP client on first use,
// influxdata/telegraf#7738). Not followed: calls in literals nested in
// it, which may run later or never; calls in a loop of the literal, a
// goroutine that serves the object (a parser's or reader's loop, one per
// object); and go statements of test files, whose goroutines run on the
// test's own objects.
func (c *checker) noteStartedInLiteral(decl *ast.FuncDecl, lit *ast.FuncLit) {
	info := c.pass.TypesInfo
	if testFile(c.pass, lit.Pos()) {
		return
	}
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit, *ast.ForStmt, *ast.RangeStmt:
			return false
		case *ast.CallExpr:
			callee := typeutil.StaticCallee(info, n)
			if callee != nil && callee.Pkg() == c.pass.Pkg && callee.Signature().Recv() != nil && c.started[callee] == nil && startedOnOwnArg(info, decl, n) {
				c.started[callee] = n
			}
		}
		return true
	})
}

// inLoop reports whether n is inside the body of a loop in body.
func inLoop(body *ast.BlockStmt, n ast.Node) bool {
	found := false
	ast.Inspect(body, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ForStmt:
			found = found || m.Body.Pos() <= n.Pos() && n.End() <= m.Body.End()
		case *ast.RangeStmt:
			found = found || m.Body.Pos() <= n.Pos() && n.End() <= m.Body.End()
		}
		return !found
	})
	return found
}
