package checkthenact

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// Double-checked locking without the second check: a variable tested for
// its zero value with no lock held, then set under a lock taken after the
// test, with nothing under the lock looking at it again.
// RedHatInsights/edge-api's Kafka producer (fixed in bc1c75dc, edge-api#2561):
//
//	if singleInstance == nil {
//		lock.Lock()
//		defer lock.Unlock()
//		p, err := kafka.NewProducer(&kafkaConfigMap)
//		…
//		singleInstance = p
//
// The lock says the author expected concurrent callers; two that both
// find the variable unset queue on the lock, and each builds its own and
// sets it in turn. The first one's producer is replaced and never closed.
//
// Reported: an assignment to a package-level variable or to a field
// reached from the receiver, a parameter or a package-level variable
// (x.f, x.f.g), in the body of an if that tests it (or a local it was
// copied into once, under a lock released since) for its zero value
// (V == nil, V == "", V == 0, len(V) == 0) or after an if that tests it
// the other way and returns; with no lock held at the test and an
// exclusive lock held at the assignment that was taken between them;
// when no expression under that lock, between its taking and the
// assignment, reads the variable again; and when the value set is a new
// object (from a New…, Open…, Dial…, Create… or Connect… call, &T{…},
// make or new, or a value whose type has a Close-like method), so that
// the one replaced is lost; unless the package sets the variable eagerly
// elsewhere and never clears it (see setEagerly). Test files, functions
// whose callers hold a lock by convention, and function literals are
// skipped.
//
// An atomic.Pointer or atomic.Value counts as such a variable: its Load
// is the read (if c := p.Load(); c != nil { return c }, or p.Load() ==
// nil) and its Store of a new object the set (p.Store(dial(addr))), since
// each atomic step alone leaves the same window as the plain read and
// write (a telemetry client's "fast path atomic load, slow path under a
// mutex" that never loads again under the mutex: every first caller dials
// its own client and starts its flusher, and all but the last leak).

// checkLockedLazy reports f's lazy initialisations under a lock taken
// after an unlocked test (see above).
func (c *checker) checkLockedLazy(f *fn) {
	if f.decl == nil || f.node != f.decl || testFile(c.pass, f.body.Pos()) || c.callerLocked(f) {
		return
	}
	type lazyTest struct {
		ifs    *ast.IfStmt
		target string
		inBody bool
		// flag: the atomic flag the test loads, which the body sets
		// (if !s.ready.Load() { …; s.ready.Store(true) }), and its
		// expression; the target is then a field the body sets.
		flag     string
		flagExpr ast.Expr
	}
	var tests []lazyTest
	ifs, assigns := ifsAndSets(f.body)
	sets := c.lazySets(f, assigns)
	for _, n := range ifs {
		if target, inBody, ok := c.lazyZeroTest(f, n); ok {
			tests = append(tests, lazyTest{n, target, inBody, "", nil})
		}
		if flagExpr, flag, ok := c.lazyFlagTest(f, n); ok {
			for _, s := range sets {
				for _, l := range s.lhs {
					if target := c.lazyTargetKey(f, l); target != "" && containsNode(n.Body, s.stmt) {
						tests = append(tests, lazyTest{n, target, true, flag, flagExpr})
					}
				}
			}
		}
	}
	if len(tests) == 0 || len(sets) == 0 {
		return
	}
	g := c.graph(f)
	reported := map[string]bool{}
	for _, t := range tests {
		cat, ok := nodeSite(g, t.ifs.Cond)
		if !ok {
			// A condition of || or && terms is split among blocks: the
			// test is the block of the term that reads the target.
			cat, ok = g.firstPartOf(t.ifs.Cond)
		}
		if !ok || reported[t.target] || len(g.anyHeldAt(c.locks, cat)) > 0 {
			continue
		}
		for _, s := range sets {
			i := slices.IndexFunc(s.lhs, func(l ast.Expr) bool { return c.lazyTargetKey(f, l) == t.target })
			inBody := s.stmt.Pos() >= t.ifs.Body.Pos() && s.stmt.End() <= t.ifs.Body.End()
			if i < 0 || t.inBody != inBody || s.stmt.Pos() < t.ifs.Pos() || !c.freshValue(f, s.rhs[i], 2, t.target) {
				continue
			}
			at, ok := nodeSite(g, s.stmt)
			if !ok {
				continue
			}
			bt, ok := g.between(cat, at)
			if !ok {
				continue
			}
			lock := ""
			for key := range g.heldAt(c.locks, at) {
				if exclusive(key) && bt.acquired(c.locks, key) && !c.lookedAgain(g, bt, key, s.stmt, t.target, f) && (t.flag == "" || !c.lookedAgain(g, bt, key, s.stmt, t.flag, f)) {
					lock = key
					break
				}
			}
			if lock == "" || c.setEagerly(f, s.lhs[i], t.flagExpr) || c.signalledAgain(f, t.ifs.End(), s.stmt) {
				continue
			}
			fset := c.pass.Fset
			target := render(fset, s.lhs[i])
			test := fmt.Sprintf("the test on line %d found it unset", fset.Position(t.ifs.Pos()).Line)
			if t.flag != "" {
				test = fmt.Sprintf("the test of %s on line %d found it unset", t.flag, fset.Position(t.ifs.Pos()).Line)
			}
			c.emit(ruleLockedLazy, analysis.Diagnostic{
				Pos: s.stmt.Pos(), End: s.stmt.End(),
				Message: fmt.Sprintf("%s is set here under %s, taken after %s with no lock held, and nothing under the lock looks at it again: two goroutines can both find it unset, and each sets its own in turn, replacing the first one's; test it again after taking the lock, or initialise it once (sync.Once)",
					target, lockBase(lock), test),
				Related: []analysis.RelatedInformation{{Pos: t.ifs.Cond.Pos(), End: t.ifs.Cond.End(), Message: "the test"}},
			})
			reported[t.target] = true
			break
		}
	}
}

// signalledAgain reports whether f, between from and the set, selects on
// a receive from a channel that it closes after the set: the channel says
// the value was made (sing-box's slow-open connection closes c.create
// once its connection is stored, and a writer that took the lock selects
// on <-c.create before dialling), a second look by other means.
func (c *checker) signalledAgain(f *fn, from token.Pos, set ast.Node) bool {
	info := c.pass.TypesInfo
	var received []ast.Expr
	closed := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.SelectStmt:
			if n.Pos() < from || n.End() > set.Pos() {
				return true
			}
			for _, cl := range n.Body.List {
				cc, ok := cl.(*ast.CommClause)
				if !ok || cc.Comm == nil {
					continue
				}
				var recv ast.Expr
				switch comm := cc.Comm.(type) {
				case *ast.ExprStmt:
					recv = comm.X
				case *ast.AssignStmt:
					recv = comm.Rhs[0]
				}
				if u, isRecv := astq.Unparen(recv).(*ast.UnaryExpr); isRecv && u.Op == token.ARROW {
					received = append(received, u.X)
				}
			}
		case *ast.CallExpr:
			if isClose(info, n) && n.Pos() > set.End() {
				for _, r := range received {
					if astq.Same(info, r, n.Args[0]) {
						closed = true
					}
				}
			}
		}
		return !closed
	})
	return closed
}

// lazySet is a statement that sets lazy-initialisation targets: an
// assignment (lhs[i] = rhs[i]), or the Store of an atomic pointer or value
// (p.Store(c) sets p to c, as p = c would).
type lazySet struct {
	stmt     ast.Node
	lhs, rhs []ast.Expr
}

// lazySets returns the assignments of f's body (those ifsAndSets found)
// and its atomic Stores as lazy sets.
func (c *checker) lazySets(f *fn, assigns []*ast.AssignStmt) []lazySet {
	var sets []lazySet
	for _, a := range assigns {
		if len(a.Lhs) == len(a.Rhs) {
			sets = append(sets, lazySet{a, a.Lhs, a.Rhs})
		}
	}
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ExprStmt:
			if o, ok := c.atomicStore(n.X); ok {
				sets = append(sets, lazySet{n, []ast.Expr{o.v}, []ast.Expr{o.value}})
			}
		}
		return true
	})
	slices.SortFunc(sets, func(a, b lazySet) int { return int(a.stmt.Pos() - b.stmt.Pos()) })
	return sets
}

// atomicStore returns e as the Store of an atomic pointer or value with
// its value (p.Store(c)), if it is one.
func (c *checker) atomicStore(e ast.Expr) (atomicOp, bool) {
	call, isCall := astq.Unparen(e).(*ast.CallExpr)
	if !isCall {
		return atomicOp{}, false
	}
	o, ok := atomicOpOf(c.pass.TypesInfo, call)
	return o, ok && o.kind == atomicStore && o.value != nil && pointerAtomic(c.pass.TypesInfo, o.v)
}

// atomicLoadOf returns the atomic pointer or value e loads (p of
// p.Load()), or nil.
func (c *checker) atomicLoadOf(e ast.Expr) ast.Expr {
	call, isCall := astq.Unparen(e).(*ast.CallExpr)
	if !isCall {
		return nil
	}
	o, ok := atomicOpOf(c.pass.TypesInfo, call)
	if !ok || o.kind != atomicLoad || !pointerAtomic(c.pass.TypesInfo, o.v) {
		return nil
	}
	return o.v
}

// pointerAtomic reports whether v is an atomic.Pointer or an atomic.Value:
// what it holds is an object, set once by a lazy initialisation.
func pointerAtomic(info *types.Info, v ast.Expr) bool {
	return astq.Named(info.TypeOf(v), "sync/atomic", "Pointer") || astq.Named(info.TypeOf(v), "sync/atomic", "Value")
}

// setEagerly reports whether the variable target names (a package-level
// variable, or the field its last selector names) is set elsewhere in the
// package's non-test files, outside f, by an assignment that no if around
// it makes depend on the variable (or on flag, the atomic flag standing
// for it, when not nil), and never set to nil: then it is made eagerly (in
// a constructor or an initialiser) and the lazy branch is a fallback that
// runs only for a value made without it. apache/dubbo-go's
// etcd registry builds its listener in InitListeners, which its
// constructor calls, and never clears it; DoSubscribe's nil test guards a
// branch that does not run.
func (c *checker) setEagerly(f *fn, target, flag ast.Expr) bool {
	info := c.pass.TypesInfo
	objOf := func(e ast.Expr) types.Object {
		switch e := astq.Unparen(e).(type) {
		case *ast.Ident:
			return info.ObjectOf(e)
		case *ast.SelectorExpr:
			return info.ObjectOf(e.Sel)
		}
		return nil
	}
	want := objOf(target)
	if want == nil {
		return false
	}
	var flagObj types.Object
	if flag != nil {
		flagObj = objOf(flag)
	}
	mentions := func(e ast.Expr) bool {
		found := false
		ast.Inspect(e, func(n ast.Node) bool {
			if x, isExpr := n.(ast.Expr); isExpr && !found && (objOf(x) == want || flagObj != nil && objOf(x) == flagObj) {
				found = true
			}
			return !found
		})
		return found
	}
	eager, cleared := false, false
	for _, file := range c.pass.Files {
		if testFile(c.pass, file.Pos()) {
			continue
		}
		var stack []ast.Node
		ast.Inspect(file, func(n ast.Node) bool {
			if n == nil {
				stack = stack[:len(stack)-1]
				return true
			}
			stack = append(stack, n)
			var lhs, rhs []ast.Expr
			switch n := n.(type) {
			case *ast.AssignStmt:
				if len(n.Lhs) == len(n.Rhs) {
					lhs, rhs = n.Lhs, n.Rhs
				}
			case *ast.ExprStmt:
				if o, ok := c.atomicStore(n.X); ok {
					lhs, rhs = []ast.Expr{o.v}, []ast.Expr{o.value} // p.Store(c) sets p
				}
			}
			for k, l := range lhs {
				if objOf(l) != want {
					continue
				}
				if isNil(info, rhs[k]) || info.Types[rhs[k]].Value != nil {
					cleared = true
					continue
				}
				if n.Pos() >= f.body.Pos() && n.End() <= f.body.End() {
					continue
				}
				// Guarded: after a test of the variable in the same
				// function, around the assignment or before it.
				guarded := false
				var body ast.Node
				for _, outer := range stack {
					switch outer := outer.(type) {
					case *ast.FuncDecl:
						body = outer.Body
					case *ast.FuncLit:
						body = outer.Body
					}
				}
				if body != nil {
					ast.Inspect(body, func(m ast.Node) bool {
						if is, isIf := m.(*ast.IfStmt); isIf && is.Pos() < n.Pos() && mentions(is.Cond) {
							guarded = true
						}
						return !guarded
					})
				}
				if !guarded {
					eager = true
				}
			}
			return true
		})
	}
	return eager && !cleared
}

// lazyTargetKey names e when it is a variable the lazy-initialisation
// rules follow: a package-level variable, or a chain of field selections
// from the receiver, a parameter or a package-level variable of f (not a
// local of f's body, which is f's own). "" otherwise.
func (c *checker) lazyTargetKey(f *fn, e ast.Expr) string {
	info := c.pass.TypesInfo
	e = astq.Unparen(e)
	root := e
	for {
		sel, isSel := root.(*ast.SelectorExpr)
		if !isSel {
			break
		}
		if s := info.Selections[sel]; s == nil || s.Kind() != types.FieldVal {
			return ""
		}
		root = astq.Unparen(sel.X)
	}
	id, isID := root.(*ast.Ident)
	if !isID {
		return ""
	}
	v, isVar := info.ObjectOf(id).(*types.Var)
	if !isVar || v.Pos() >= f.body.Pos() && v.Pos() < f.body.End() {
		return ""
	}
	if root == e && !packageLevel(v) {
		return "" // a parameter itself: the caller's copy
	}
	return types.ExprString(e)
}

// lazyZeroTest reports whether ifs tests a lazy-initialisation target
// (see lazyTargetKey) for its zero value (see unsetTest), and names it.
//
// The test may be of a local the target was copied into, once, as a read
// under a lock does it (defaultMu.Lock(); r := defaultReg;
// defaultMu.Unlock(); if r != nil { return r }): the lock released, the
// copy says no more than an unlocked read.
func (c *checker) lazyZeroTest(f *fn, ifs *ast.IfStmt) (target string, inBody, ok bool) {
	key := func(e ast.Expr) string {
		if k := c.lazyTargetKey(f, e); k != "" {
			return k
		}
		if p := c.atomicLoadOf(e); p != nil {
			return c.lazyTargetKey(f, p) // p.Load() == nil
		}
		if v := c.localVar(f, e); v != nil && astq.Unparen(e) == ast.Expr(astq.Ident(e)) {
			if def := definedFrom(c.pass.TypesInfo, f.body, v); def != nil {
				if p := c.atomicLoadOf(def); p != nil {
					return c.lazyTargetKey(f, p) // if c := p.Load(); c != nil { return c }
				}
				return c.lazyTargetKey(f, def)
			}
		}
		return ""
	}
	subject := func(e ast.Expr) bool { return key(e) != "" }
	x, inBody, ok := unsetTest(c.pass.TypesInfo, ifs, subject)
	if !ok {
		// One term of a condition: if p != nil || closed { return p }
		// refuses where p is set, and the code after it runs where p
		// is nil; the body of if p == nil && !closed { … } runs where
		// p is nil.
		b, isBin := astq.Unparen(ifs.Cond).(*ast.BinaryExpr)
		if !isBin || b.Op != token.LOR && b.Op != token.LAND {
			return "", false, false
		}
		for _, term := range []ast.Expr{b.X, b.Y} {
			part := &ast.IfStmt{If: ifs.If, Cond: term, Body: ifs.Body}
			if tx, tBody, tok := unsetTest(c.pass.TypesInfo, part, subject); tok && tBody == (b.Op == token.LAND) {
				return key(tx), tBody, true
			}
		}
		return "", false, false
	}
	return key(x), inBody, true
}

// lazyFlagTest reports whether ifs runs its body where an atomic flag of
// a lazy-initialisation target's kind (see lazyTargetKey) was found unset
// (!s.ready.Load(), s.ready.Load() == false, atomic.LoadInt32(&s.done) ==
// 0) and the body sets it (s.ready.Store(true)): the flag stands for the
// fields the body initialises. It returns the flag and its name.
func (c *checker) lazyFlagTest(f *fn, ifs *ast.IfStmt) (ast.Expr, string, bool) {
	info := c.pass.TypesInfo
	var load *ast.CallExpr
	switch e := astq.Unparen(ifs.Cond).(type) {
	case *ast.UnaryExpr:
		if e.Op == token.NOT {
			load, _ = astq.Unparen(e.X).(*ast.CallExpr)
		}
	case *ast.BinaryExpr:
		if e.Op == token.EQL && zeroValue(info, e.Y) {
			load, _ = astq.Unparen(e.X).(*ast.CallExpr)
		}
	}
	if load == nil {
		return nil, "", false
	}
	l, ok := atomicStep(info, load)
	if !ok || l.kind != atomicLoad {
		return nil, "", false
	}
	flag := c.lazyTargetKey(f, l.v)
	if flag == "" {
		return nil, "", false
	}
	set := false
	ast.Inspect(ifs.Body, func(n ast.Node) bool {
		if call, isCall := n.(*ast.CallExpr); isCall {
			if o, ok := atomicStep(info, call); ok && o.kind == atomicStore && o.value != nil && !zeroValue(info, o.value) && c.lazyTargetKey(f, o.v) == flag {
				set = true
			}
		}
		return !set
	})
	return l.v, flag, set
}

// lookedAgain reports whether an expression under the lock key, between
// the test and the assignment a, reads the target again (a second test,
// or any other read: the code then decides under the lock).
func (c *checker) lookedAgain(g *graph, bt between, key string, a ast.Node, target string, f *fn) bool {
	again := false
	bt.nodes(func(n ast.Node, s site) {
		if again || n == a || !g.heldAt(c.locks, s)[key] {
			return
		}
		ast.Inspect(n, func(m ast.Node) bool {
			if _, isLit := m.(*ast.FuncLit); isLit || again {
				return false
			}
			if e, isExpr := m.(ast.Expr); isExpr && c.lazyTargetKey(f, e) == target {
				again = true
			}
			return !again
		})
	})
	return again
}

// freshValue reports whether e is a new object: a call of a function or
// method whose name starts with New, Open, Dial, Create or Connect (in
// either case), &T{…}, make or new, a value whose type has a Close-like
// method, or a local of f assigned only such values (depth more steps),
// besides copies of the variable target names.
func (c *checker) freshValue(f *fn, e ast.Expr, depth int, target string) bool {
	info := c.pass.TypesInfo
	e = astq.Unparen(e)
	if t := info.TypeOf(e); t != nil && !isNil(info, e) && hasReleaser(t) {
		return true
	}
	switch e := e.(type) {
	case *ast.UnaryExpr:
		_, isLit := astq.Unparen(e.X).(*ast.CompositeLit)
		return e.Op == token.AND && isLit
	case *ast.CallExpr:
		switch callee := typeutil.Callee(info, e).(type) {
		case *types.Builtin:
			return callee.Name() == "make" || callee.Name() == "new"
		case *types.Func:
			name := strings.ToLower(callee.Name())
			for _, p := range []string{"new", "open", "dial", "create", "connect"} {
				if strings.HasPrefix(name, p) {
					return true
				}
			}
		}
	case *ast.Ident:
		v, isVar := info.ObjectOf(e).(*types.Var)
		if !isVar || depth == 0 || v.Pos() < f.body.Pos() || v.Pos() >= f.body.End() {
			return false
		}
		rhs := assignedFrom(info, f.body, v)
		fresh := false
		for _, r := range rhs {
			// The copy of the target the test looked at (r :=
			// defaultReg) holds no value of its own where the test
			// found it unset.
			if target != "" && c.lazyTargetKey(f, r) == target {
				continue
			}
			if !c.freshValue(f, r, depth-1, target) {
				return false
			}
			fresh = true
		}
		return fresh
	}
	return false
}

// definedFrom returns the value the short variable declaration of v in
// body gives it (v := e), or nil.
func definedFrom(info *types.Info, body *ast.BlockStmt, v *types.Var) ast.Expr {
	var def ast.Expr
	ast.Inspect(body, func(n ast.Node) bool {
		a, ok := n.(*ast.AssignStmt)
		if !ok || a.Tok != token.DEFINE || len(a.Lhs) != len(a.Rhs) || def != nil {
			return def == nil
		}
		for i, l := range a.Lhs {
			if id, isID := l.(*ast.Ident); isID && info.Defs[id] == v {
				def = a.Rhs[i]
			}
		}
		return def == nil
	})
	return def
}

// The same lazy initialisation split between two methods of the package
// that each lock: a getter answering whether the field is set (lock;
// defer unlock; return a.w != nil), and a method that sets it to a new
// object under its lock and reads it nowhere else (a.open(), whose body
// opens a file and stores a.f and a.w under a.mu):
//
//	if !a.opened() {
//		if err := a.open(); err != nil { … }
//	}
//
// Each method locks, so the race detector is silent, but two callers can
// both find the field unset, and each open replaces the other's writer
// (textbook set 7, t06: buffered records lost, a file never closed).
// Reported: the call of the setter in the body of an if that runs where
// the getter found the field unset (!a.opened(), a.unopened()), or after
// one that returns where it found it set, with no lock held at the test
// or at the call, when the setter sets the field, rebased to the caller's
// receiver, to a new object (as above) with an exclusive lock held and
// reads it nowhere, and the package does not set it eagerly elsewhere
// (see setEagerly).

// checkLockedLazyHelpers reports f's lazy initialisations through a
// locking getter and a locking setter (see above).
func (c *checker) checkLockedLazyHelpers(f *fn) {
	if f.decl == nil || f.node != f.decl || testFile(c.pass, f.body.Pos()) || c.callerLocked(f) {
		return
	}
	var g *graph
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit {
			return false
		}
		ifs, isIf := n.(*ast.IfStmt)
		if !isIf {
			return true
		}
		getter, field, inBody, ok := c.unsetGetterTest(ifs)
		if !ok {
			return true
		}
		var scope ast.Node = ifs.Body
		if !inBody {
			scope = f.body
		}
		ast.Inspect(scope, func(m ast.Node) bool {
			if _, isLit := m.(*ast.FuncLit); isLit {
				return false
			}
			call, isCall := m.(*ast.CallExpr)
			if !isCall || !inBody && call.Pos() < ifs.End() {
				return true
			}
			set, ok := c.lazySetter(call, field)
			if !ok {
				return true
			}
			if g == nil {
				g = c.graph(f)
			}
			at, atOK := g.calls[call]
			test, testOK := g.calls[getter]
			if !atOK || !testOK || len(g.anyHeldAt(c.locks, test)) > 0 || len(g.anyHeldAt(c.locks, at)) > 0 {
				return true
			}
			fset := c.pass.Fset
			c.emit(ruleLockedLazy, analysis.Diagnostic{
				Pos: call.Pos(), End: call.End(),
				Message: fmt.Sprintf("%s, which sets %s under its lock, after %s, which found it unset under its lock, on line %d: nothing under the lock looks at it again, so two goroutines can both find it unset, and each sets its own in turn, replacing the first one's; test it again in %s after taking the lock, or initialise it once (sync.Once)",
					shortRender(fset, call), render(fset, field), render(fset, getter), fset.Position(getter.Pos()).Line, set.Name.Name),
				Related: []analysis.RelatedInformation{{Pos: getter.Pos(), End: getter.End(), Message: "the test"}},
			})
			return false
		})
		return true
	})
}

// unsetGetterTest recognises an if that runs its body where a locking
// getter of the package found a field unset (!a.opened() for return a.w
// != nil, a.unopened() for return a.w == nil), or that returns where it
// found it set (inBody false). It returns the getter's call and the field
// in the caller's terms.
func (c *checker) unsetGetterTest(ifs *ast.IfStmt) (*ast.CallExpr, ast.Expr, bool, bool) {
	info := c.pass.TypesInfo
	cond, negated := astq.Unparen(ifs.Cond), false
	if u, isNot := cond.(*ast.UnaryExpr); isNot && u.Op == token.NOT {
		cond, negated = astq.Unparen(u.X), true
	}
	call, isCall := cond.(*ast.CallExpr)
	if !isCall {
		return nil, nil, false, false
	}
	d, recv, x, ok := c.packageMethod(call)
	if !ok || len(d.Body.List) < 2 || !c.lockStep(d.Body.List[0], true) {
		return nil, nil, false, false
	}
	e, ok := c.lockedResult(d)
	b, isBin := astq.Unparen(e).(*ast.BinaryExpr)
	if !ok || !isBin || b.Op != token.EQL && b.Op != token.NEQ {
		return nil, nil, false, false
	}
	side := b.X
	if isNil(info, side) {
		side = b.Y
	} else if !isNil(info, b.Y) {
		return nil, nil, false, false
	}
	if !fieldPathExpr(info, side) {
		return nil, nil, false, false
	}
	field, ok := rebase(info, side, recv, x)
	if !ok {
		return nil, nil, false, false
	}
	// The call answers "unset" where it is true for ==, false for !=.
	unsetWhenTrue := b.Op == token.EQL
	switch {
	case unsetWhenTrue != negated:
		return call, field, true, true
	case refuses(ifs):
		return call, field, false, true
	}
	return nil, nil, false, false
}

// lazySetter returns the method call calls when it sets field (in the
// caller's terms) to a new object with an exclusive lock held, reads it
// nowhere else, and the package does not set it eagerly elsewhere.
func (c *checker) lazySetter(call *ast.CallExpr, field ast.Expr) (*ast.FuncDecl, bool) {
	info := c.pass.TypesInfo
	d, recv, x, ok := c.packageMethod(call)
	if !ok || c.funcs[d] == nil {
		return nil, false
	}
	sf := c.funcs[d]
	want := types.ExprString(field)
	var set *ast.AssignStmt
	var lhs, rhs ast.Expr
	uses := 0
	ast.Inspect(d.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.SelectorExpr:
			if e, ok := rebase(info, n, recv, x); ok && types.ExprString(e) == want {
				uses++
			}
		case *ast.AssignStmt:
			if len(n.Lhs) != len(n.Rhs) {
				return true
			}
			for i, l := range n.Lhs {
				if e, ok := rebase(info, l, recv, x); ok && types.ExprString(e) == want {
					set, lhs, rhs = n, l, n.Rhs[i]
				}
			}
		}
		return true
	})
	if set == nil || uses != 1 || !c.freshValue(sf, rhs, 2, "") {
		return nil, false
	}
	g := c.graph(sf)
	at := g.siteOf(set)
	held := false
	for key := range g.heldAt(c.locks, at) {
		held = held || exclusive(key)
	}
	if at.block == nil || !held || c.setEagerly(sf, lhs, nil) {
		return nil, false
	}
	return d, true
}

// firstPartOf returns the site of the first block node inside e, the
// first term the graph evaluates of a condition it splits among blocks.
func (g *graph) firstPartOf(e ast.Expr) (site, bool) {
	var first site
	for _, b := range g.cfg.Blocks {
		for i, bn := range b.Nodes {
			if bn.Pos() >= e.Pos() && bn.End() <= e.End() && (first.block == nil || bn.Pos() < first.block.Nodes[first.index].Pos()) {
				first = site{b, i}
			}
		}
	}
	return first, first.block != nil
}
