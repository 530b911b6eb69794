package checkthenact

import (
	"go/ast"
	"go/types"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// invokedFromDoc matches a doc comment saying where a function runs:
// "<Invoked from outbound connection's readLoop>", "called only from the
// run loop".
var invokedFromDoc = regexp.MustCompile(`(?i)\b(invoked|called|runs?|executed)\s+(only\s+)?(from|on|in|by)\b`)

// ownLoop reports whether decl is a method documented as invoked from a
// loop its own receiver runs: the doc comment says where it is invoked from
// and names a method of the receiver's type whose name ends in "loop"
// (readLoop, writeLoop, runLoop). The receiver's state is then touched by
// that one goroutine, and a check-then-act on a map reached through the
// receiver cannot interleave with another. A method documented as invoked
// from other objects' loops (a server's method "invoked from a client's
// readLoop", where the server has no readLoop) does not qualify.
func ownLoop(info *types.Info, decl *ast.FuncDecl) bool {
	if decl.Recv == nil || decl.Doc == nil {
		return false
	}
	doc := decl.Doc.Text()
	if !invokedFromDoc.MatchString(doc) {
		return false
	}
	fn, ok := info.Defs[decl.Name].(*types.Func)
	if !ok {
		return false
	}
	recv := fn.Signature().Recv().Type()
	if _, isPtr := recv.(*types.Pointer); !isPtr {
		recv = types.NewPointer(recv)
	}
	mset := types.NewMethodSet(recv)
	for i := range mset.Len() {
		name := mset.At(i).Obj().Name()
		if name == decl.Name.Name || !strings.HasSuffix(strings.ToLower(name), "loop") {
			continue
		}
		if regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\b`).MatchString(doc) {
			return true
		}
	}
	return false
}

// unsynchronizedDoc matches a doc comment's sentence saying that its
// subject is not safe for concurrent use: "Reset is not thread-safe",
// "This must not be called concurrently", or "not atomic" when the
// sentence goes straight on to tell the caller what to do instead ("It's
// not atomic, so make sure you're using private MemCached instance here");
// "It is not atomic: two goroutines can both see the key absent" only
// describes a race. The subject is the first group.
var unsynchronizedDoc = regexp.MustCompile(`(?i)\b(it's|it|this\s+function|this\s+method|this|\w+)` +
	`(?:(?:\s+is)?\s+not\s+(?:thread[- ]?safe|goroutine[- ]?safe|concurrency[- ]?safe|safe\s+for\s+concurrent\s+use|safe\s+to\s+call\s+concurrently)\b|` +
	`(?:\s+is)?\s+not\s+atomic\s*[,;]\s*(?:so\s+)?(?:make\s+sure|ensure|callers?\s+(?:must|should)|the\s+caller\s+(?:must|should))\b|` +
	`\s+(?:must|should)\s+not\s+be\s+(?:called|used)\s+concurrently\b)`)

// docSaysUnsynchronized reports whether decl's doc comment says that the
// function is not safe for concurrent use: its callers synchronise, or
// hand it state no other goroutine sees (nspcc-dev/neo-go's DeleteBlock,
// "not atomic", runs on a private copy of the store), and a check-then-act
// inside it is theirs to guard, as in a function documented to run with
// the lock held. The sentence must be about the function ("it", "this",
// its own name), not about something else ("the returned slice is not
// thread-safe").
func docSaysUnsynchronized(decl *ast.FuncDecl) bool {
	if decl.Doc == nil {
		return false
	}
	for _, m := range unsynchronizedDoc.FindAllStringSubmatch(decl.Doc.Text(), -1) {
		subject := strings.ToLower(strings.Join(strings.Fields(m[1]), " "))
		switch subject {
		case "it", "it's", "this", "this function", "this method", strings.ToLower(decl.Name.Name):
			return true
		}
	}
	return false
}

// assertedInTest reports whether ch is in a test function itself (not a
// literal it starts) that hands what the check found to an assertion: a
// call that also takes the function's *testing.T, B or F (require_True(t,
// ok), require.True(t, ok)). The test is arranging the state it tests, on
// its own goroutine; another goroutine changing the key in between makes
// the test flaky, not a program wrong (nats-server's jetstream test takes
// a node's info out of the meta leader's map and puts it back).
func (c *checker) assertedInTest(f *fn, ch check) bool {
	if f.decl == nil || f.node != f.decl || !testFile(c.pass, f.decl.Pos()) {
		return false
	}
	info := c.pass.TypesInfo
	var tparam types.Object
	for _, field := range f.decl.Type.Params.List {
		if testingParam(info.TypeOf(field.Type)) && len(field.Names) == 1 {
			tparam = info.ObjectOf(field.Names[0])
		}
	}
	if tparam == nil {
		return false
	}
	asserted := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || asserted {
			return !asserted
		}
		var hasT, hasResult bool
		for _, a := range call.Args {
			switch info.ObjectOf(astq.Ident(a)) {
			case nil:
			case tparam:
				hasT = true
			case ch.ok, ch.value:
				hasResult = true
			}
		}
		asserted = hasT && hasResult
		return !asserted
	})
	return asserted
}

// testingParam reports whether t is *testing.T, *testing.B or *testing.F.
func testingParam(t types.Type) bool {
	_, isPtr := t.(*types.Pointer)
	return isPtr && (astq.Named(t, "testing", "T") || astq.Named(t, "testing", "B") || astq.Named(t, "testing", "F"))
}

// takesTesting reports whether d, a test or a test helper, has a
// *testing.T, B or F parameter.
func takesTesting(info *types.Info, d *ast.FuncDecl) bool {
	return slices.ContainsFunc(d.Type.Params.List, func(field *ast.Field) bool {
		return testingParam(info.TypeOf(field.Type))
	})
}

// sequentialTest reports whether f is written in a test or a test helper
// (a function of a test file with a *testing.T, B or F parameter) that
// starts no goroutine (no go statement, no call of a method named Go, as
// errgroup's and WaitGroup's) and runs nothing in parallel (no Parallel or
// RunParallel call), and m is its own or handed to it, not a package-level
// variable: such code runs in one goroutine, and a check-then-act in it is
// a test's sequence of steps (networkservicemesh/sdk's CheckRefcount counts
// a reference-counted map's references with Load, then Delete).
func (c *checker) sequentialTest(f *fn, m ast.Expr) bool {
	d := f.decl
	if d == nil || !testFile(c.pass, d.Pos()) {
		return false
	}
	info := c.pass.TypesInfo
	if root, _, ok := c.splitPath(m); !takesTesting(info, d) || ok && packageLevel(info.ObjectOf(root)) {
		return false
	}
	sequential := true
	ast.Inspect(d.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			sequential = false
		case *ast.CallExpr:
			if sel, ok := astq.Unparen(n.Fun).(*ast.SelectorExpr); ok {
				switch sel.Sel.Name {
				case "Go", "Parallel", "RunParallel":
					sequential = false
				}
			}
		}
		return sequential
	})
	return sequential
}

// soleGoroutineOfTest reports whether f is a function literal that a test
// (or test helper, as sequentialTest) starts with one go statement outside
// any loop, and nothing else in that test names m: the check-then-act then
// has nothing in the test running beside it that could act on the key
// (mochi-mqtt's TestServerSendLWTDelayed updates a will it just sent from
// its one goroutine, while the test's other goroutine only reads a pipe).
// m must not be a package-level variable, which other tests and the code
// under test can reach.
func (c *checker) soleGoroutineOfTest(f *fn, m ast.Expr) bool {
	lit, isLit := f.node.(*ast.FuncLit)
	d := f.decl
	if !isLit || !f.async || d == nil || !testFile(c.pass, d.Pos()) {
		return false
	}
	info := c.pass.TypesInfo
	if root, _, ok := c.splitPath(m); !takesTesting(info, d) || !ok || packageLevel(info.ObjectOf(root)) {
		return false
	}
	starts, inLoop, elsewhere := 0, false, false
	ast.Inspect(d.Body, func(n ast.Node) bool {
		if n == ast.Node(lit) {
			return false
		}
		if e, isExpr := n.(ast.Expr); isExpr && astq.Same(info, e, m) {
			elsewhere = true
		}
		return !elsewhere
	})
	astq.Walk(d.Body, func(n ast.Node, stack []ast.Node) {
		if st, isGo := n.(*ast.GoStmt); isGo && astq.Unparen(st.Call.Fun) == ast.Expr(lit) {
			starts++
			inLoop = inLoop || slices.ContainsFunc(stack, isLoop)
		}
	})
	return starts == 1 && !inLoop && !elsewhere
}

// packageLevel reports whether obj is a package-level variable.
func packageLevel(obj types.Object) bool {
	v, ok := obj.(*types.Var)
	return ok && v.Pkg() != nil && v.Parent() == v.Pkg().Scope()
}

// computeCallerHeld finds the unexported functions of the package that run
// under a lock their callers hold: every call of the function outside test
// files (or, when all are in test files, every call) is made with the same
// package-level mutex held exclusively, or, for a method, the same mutex
// reached through the receiver it is called on (nh.mu around every
// nh.getLogDBMetrics(shard), lni/dragonboat), and the function is never
// used as a value, run by a go statement or deferred.
// sentinel-golang's rule managers take updateRuleMux around each call of
// onResourceRuleUpdate, which reads a map under its own lock, releases it,
// builds new entries and writes them under that lock again: two updates of
// one resource never interleave. Such a function's graph starts with that
// lock held (see graph).
func (c *checker) computeCallerHeld() {
	info := c.pass.TypesInfo
	called := map[*ast.Ident]bool{}
	started := map[*types.Func]bool{}
	ins := c.pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	ins.Preorder([]ast.Node{(*ast.CallExpr)(nil), (*ast.GoStmt)(nil)}, func(n ast.Node) {
		switch n := n.(type) {
		case *ast.CallExpr:
			switch fun := astq.Unparen(n.Fun).(type) {
			case *ast.Ident:
				called[fun] = true
			case *ast.SelectorExpr:
				called[fun.Sel] = true
			}
		case *ast.GoStmt:
			// Run as a goroutine, it holds none of its starter's locks.
			if callee := typeutil.StaticCallee(info, n.Call); callee != nil {
				started[callee] = true
			}
		}
	})
	c.declOf(nil) // fills c.decls
	candidates := map[*types.Func]bool{}
	for fn, decl := range c.decls {
		// Only a function with map operations or calls of its own can gain.
		if f := c.funcs[decl]; f != nil && !fn.Exported() && !started[fn] && len(f.ops)+len(f.calls) > 0 {
			candidates[fn] = true
		}
	}
	for id, obj := range info.Uses {
		if fn, ok := obj.(*types.Func); ok && candidates[fn] && !called[id] {
			delete(candidates, fn)
		}
	}
	type sites struct {
		held      lockSet
		n, tests  int
		testsHeld lockSet
	}
	found := map[*types.Func]*sites{}
	meet := func(acc lockSet, first bool, held lockSet) lockSet {
		if first {
			return held
		}
		return intersect(acc, held)
	}
	for _, f := range c.funcs {
		var g *graph // computed only for a function that takes locks
		mayHold := c.locksInside(f)
		for _, call := range f.calls {
			callee := typeutil.StaticCallee(info, call)
			if callee == nil || !candidates[callee] {
				continue
			}
			held := lockSet{}
			if mayHold {
				if g == nil {
					g = c.graph(f)
				}
				at, ok := g.calls[call]
				if !ok {
					continue // unreachable
				}
				if _, deferred := at.block.Nodes[at.index].(*ast.DeferStmt); deferred {
					delete(candidates, callee)
					continue
				}
				for key := range g.heldAt(c.locks, at) {
					if !exclusive(key) {
						continue
					}
					if c.packageLock(key) {
						held[key] = true
					} else if k, ok := c.receiverLock(key, call, callee); ok {
						held[k] = true
					}
				}
			}
			s := found[callee]
			if s == nil {
				s = &sites{}
				found[callee] = s
			}
			if testFile(c.pass, call.Pos()) {
				s.testsHeld = meet(s.testsHeld, s.tests == 0, held)
				s.tests++
			} else {
				s.held = meet(s.held, s.n == 0, held)
				s.n++
			}
		}
	}
	c.callerHeld = map[*types.Func]lockSet{}
	for fn, s := range found {
		held := s.held
		if s.n == 0 {
			held = s.testsHeld
		}
		if candidates[fn] && len(held) > 0 {
			c.callerHeld[fn] = held
		}
	}
	for _, f := range c.funcs {
		if f.decl == nil {
			continue
		}
		if obj, ok := info.Defs[f.decl.Name].(*types.Func); ok && c.callerHeld[obj] != nil {
			// Computed again from this entry (a literal's, from its
			// parent's computed again).
			f.g = nil
		}
	}
}

// receiverLock rewrites a lock key held at a call of a method,
// x.getMetrics(shard) with x.mu held, in the method's terms: the lock of
// its receiver (nh.mu for func (nh *NodeHost) getMetrics). A key not
// reached through the call's receiver has none.
func (c *checker) receiverLock(key string, call *ast.CallExpr, callee *types.Func) (string, bool) {
	sel, isSel := astq.Unparen(call.Fun).(*ast.SelectorExpr)
	d := c.declOf(callee)
	if !isSel || d == nil || d.Recv == nil || len(d.Recv.List) != 1 || len(d.Recv.List[0].Names) != 1 {
		return "", false
	}
	name := d.Recv.List[0].Names[0].Name
	x := types.ExprString(sel.X)
	if name == "_" || !strings.HasPrefix(key, x+".") {
		return "", false
	}
	return name + key[len(x):], true
}

// locksInside reports whether f's body (outside its literals, or inside
// a literal's own) takes a lock the package's lock calls know, or f is a
// literal whose parent may hold one.
func (c *checker) locksInside(f *fn) bool {
	if f.parent != nil && !f.async {
		return true
	}
	found := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit || found {
			return false
		}
		if call, ok := n.(*ast.CallExpr); ok {
			if _, acquire, ok := c.locks.call(call); ok && acquire {
				found = true
			}
		}
		return !found
	})
	return found
}

// packageLock reports whether a lock key names a mutex held in a
// package-level variable (updateRuleMux.w): the same lock in every
// function of the package.
func (c *checker) packageLock(key string) bool {
	root := key
	if i := strings.IndexAny(root, ".→[("); i >= 0 {
		root = root[:i]
	}
	v, ok := c.pass.Pkg.Scope().Lookup(root).(*types.Var)
	return ok && v.Parent() == c.pass.Pkg.Scope()
}
