package checkthenact

import (
	"go/ast"
	"go/types"
	"regexp"
	"strings"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// callerLockedSuffixes are function-name endings that by convention mean
// "the caller holds the lock": fooLocked, fooNoLock, fooLockHeld,
// fooUnderLock.
var callerLockedSuffixes = []string{"Locked", "NoLock", "Nolock", "LockHeld", "UnderLock"}

// callerLockedDoc matches doc comments that say the caller holds a lock:
// "mu must be held", "must be called with c.mu locked", "the caller must
// hold the lock", "assumes the lock is held", "requires mu".
var callerLockedDoc = regexp.MustCompile(`(?i)\b(must|should)\s+be\s+(held|locked)\b|` +
	`\b(lock|mutex|mu)\b(?:[^.]|\.\w){0,40}\b(is|are|must be|should be)\s+(held|locked|acquired)\b|` +
	`\bcaller[s]?\s+(must\s+|should\s+)?(hold|holds|have|has|already\s+holds?|acquires?d?)\b(?:[^.]|\.\w){0,40}\b(lock|mutex|mu)|` +
	`\bcalled\s+(with|while|under)\b(?:[^.]|\.\w){0,40}\b(lock|locked|mutex|mu|held)\b|` +
	`\b(while|when)\s+holding\b|` +
	`\bassumes?\b(?:[^.]|\.\w){0,40}\b(lock|locked|held)\b|` +
	`\brequires?\b(?:[^.]|\.\w){0,20}\b(lock|mutex|mu)\b(?:[^.]|\.\w){0,20}\b(held|locked|to be held)\b`)

// callerHoldsLock reports whether the declaration says, by its name or its
// doc comment, that its caller already holds the lock that makes its
// check-then-act sequences atomic.
func callerHoldsLock(decl *ast.FuncDecl) bool {
	name := decl.Name.Name
	for _, s := range callerLockedSuffixes {
		if strings.HasSuffix(name, s) && !strings.HasSuffix(name, "Un"+strings.ToLower(s[:1])+s[1:]) {
			return true
		}
	}
	return decl.Doc != nil && callerLockedDoc.MatchString(decl.Doc.Text())
}

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
	tested := false
	for _, field := range d.Type.Params.List {
		tested = tested || testingParam(info.TypeOf(field.Type))
	}
	if root, _, ok := c.splitPath(m); !tested || ok && packageLevel(info.ObjectOf(root)) {
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

// packageLevel reports whether obj is a package-level variable.
func packageLevel(obj types.Object) bool {
	v, ok := obj.(*types.Var)
	return ok && v.Pkg() != nil && v.Parent() == v.Pkg().Scope()
}
