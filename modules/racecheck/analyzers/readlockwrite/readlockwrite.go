// Package readlockwrite defines an analyzer that reports a write made while
// only the read lock of the sync.RWMutex that guards it is held.
//
// # Analyzer readlockwrite
//
// readlockwrite: report writes made under a read lock
//
// Any number of goroutines hold a sync.RWMutex's read lock at once, so a
// write made under it races with every reader and with itself: two
// goroutines that both increment a counter under RLock lose an increment,
// and two that both insert into a Go map under RLock crash the program with
// "concurrent map writes". The race detector sees this only when a test
// runs two such goroutines at the same moment; the analyzer reads it from
// the code.
//
// In one function it reports an assignment, increment or append to a field
// X.f (or a package variable f), and an insert into or delete or clear of a
// Go map held there, when some path from the function's entry reaches it
// with X.mu's read lock held and neither X.mu's write lock nor any other
// exclusive lock, where X.mu is a sync.RWMutex field of the same X (or an
// RWMutex embedded in X, or a package-level RWMutex for a package
// variable). Lock state is computed on the control-flow graph
// (golang.org/x/tools/go/cfg), path by path, so a function that takes the
// read lock on one branch and the write lock on another is reported for the
// read-lock path (couchbaselabs/walrus#16).
//
// A call of a method of the package on X that takes no lock itself counts
// as the writes it makes to its receiver's fields (walrus's _nextSequence;
// nats-server's consumer.applyState, called under the read lock before
// 47459ccb7), and so does a call that changes a container held in X.f: a
// container/list method that moves, inserts or removes, a container/heap
// function handed X.f, and a hashicorp/golang-lru simplelru LRU's Add,
// Get (which moves the entry to the front), Remove and the like
// (go-ethereum's SizeConstrainedLRU before 8334b5f51a), or the methods of
// the same names of a type with no lock of its own that has either one's
// method set, a port of it (bahlo/generic-list-go in MetaCubeX/mihomo's
// Callback before 4eb13a73). So does a call that moves or overwrites the
// elements of a slice held in X.f in place: sort.Sort, sort.Slice,
// slices.Sort, slices.Reverse and the like, and clear
// (oras-project/oras#2181, tags sorted under the read lock).
//
// An element of a container X.c (a slice, array or map field of X, or a
// package variable) is shared by every goroutine that finds it there, so
// a write to a field of one counts as a write of X: through the value of a
// range over a container of pointers, a variable defined from X.c[k] and
// never assigned again, or in place as X.c[i].f (pion/webrtc's
// RTPSender.configureRTXAndFEC before 3f017b42).
//
// It reports only a field that something says X.mu guards: the package
// also writes it with X.mu's write lock held, or in a function whose doc
// comment says its caller holds the lock (on a struct whose one lock is
// X.mu), or declares it in the group of fields right after X.mu (no blank
// line and no other lock between), the convention for "mu guards the
// fields below" (grpc-go's benchmark server before c4f881c35). For a field
// of an element whose type has no lock or atomic of its own, the container
// being guarded so says it too (beego's MemoryCache.Incr before 39bd40e).
// It does not report:
//
//   - paths ruled out by a branch on a variable fixed for the function (a
//     write lock taken if cacheEnabled, a write made if cacheEnabled);
//   - functions named or documented as called with a lock held;
//   - a write in a function that also writes another field of the same
//     variable that nothing says a lock guards:
//     such an object is written by its one owner goroutine, and the read
//     lock keeps out a goroutine that closes it (database/sql's Rows);
//   - tests, benchmarks, fuzz tests and examples that start no goroutine;
//   - fields of sync and sync/atomic types, and writes in function
//     literals (separate functions, with their own lock state).
package readlockwrite

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/cfg"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// Analyzer reports writes made while only the read lock of the RWMutex that
// guards them is held.
var Analyzer = &analysis.Analyzer{
	Name: "readlockwrite",
	Doc:  "report a field or Go map written while only the read lock of the sync.RWMutex that guards it is held",
	URL:  "https://github.com/raceproof/raceproof/tree/main/modules/racecheck/analyzers/readlockwrite",
	Run:  run,
}

// callersLock is the lock a function documented or named as called with a
// lock held starts with.
const callersLock = "caller's lock"

// readLockDoc matches a doc comment that speaks of a read lock.
var readLockDoc = regexp.MustCompile(`(?i)\bread[- ]?lock|\bRLock|\bread[- ]locked`)

// maxStates bounds the lock states tracked per control-flow block; a
// function with more distinct paths is skipped rather than approximated.
const maxStates = 64

// mutex names one RWMutex: the field (or package variable, or embedded
// field) and the expression it is reached from ("" for a package variable).
type mutex struct {
	v    *types.Var
	base string
}

// hold is how one mutex is held on a path.
type hold struct {
	read, write bool
	rlock       token.Pos // the RLock call that took the read lock
}

// state is the locks held on one path: the RWMutexes the analyzer tracks,
// and the keys of the other exclusive locks held (any Lock with an Unlock,
// and callersLock).
//
// assumed records the branches the path took on conditions that cannot
// change within the function (see branchVars), so that a path that locks
// for reading when cond is false does not go on to the write made when
// cond is true (nats-server's Sublist.match).
type state struct {
	mutexes map[mutex]hold
	others  map[string]bool
	assumed map[*types.Var]bool
}

func newState() state {
	return state{mutexes: map[mutex]hold{}, others: map[string]bool{}, assumed: map[*types.Var]bool{}}
}

func (s state) clone() state {
	c := newState()
	maps.Copy(c.mutexes, s.mutexes)
	maps.Copy(c.others, s.others)
	maps.Copy(c.assumed, s.assumed)
	return c
}

// id is a canonical text of the state, to merge equal states.
func (s state) id() string {
	var parts []string
	for m, h := range s.mutexes {
		parts = append(parts, fmt.Sprintf("%p/%s/%t/%t/%d", m.v, m.base, h.read, h.write, h.rlock))
	}
	for k := range s.others {
		parts = append(parts, "o:"+k)
	}
	for v, b := range s.assumed {
		parts = append(parts, fmt.Sprintf("a:%p/%t", v, b))
	}
	sort.Strings(parts)
	return strings.Join(parts, ";")
}

// write is one write of a field (or package variable) found in a
// function, made there or by a method it calls on the same X.
type write struct {
	body       *ast.BlockStmt
	documented bool     // the function's doc comment says its caller holds a lock, not a read lock
	node       ast.Node // the statement or call that writes
	target     string   // X.f or f
	field      *types.Var
	base       string     // X; "" for a package variable; for a write in an element of a container X.c, that X
	baseExpr   ast.Expr   // the expression whose field is written; nil for a package variable
	owner      types.Type // the type of what is written; nil for a package variable
	root       *types.Var // the variable the written expression starts from
	container  *types.Var // for a write in an element of a container X.c: c
	inElement  string     // and the text X.c
	isMap      bool
	changedBy  *ast.CallExpr // the mutator call, for a container changed by one
	inPlace    bool          // that call moves or overwrites a slice's elements
	via        *types.Func   // the method that writes, for a write made by a call
	viaAt      token.Pos     // where that method writes
	states     []state       // the lock states it is reached with
}

// pair is a mutex and a field it guards.
type pair struct{ m, f *types.Var }

// guard is a field written with a mutex's write lock held: a write that
// says the mutex guards the field.
type guard struct {
	at         token.Pos
	documented bool // in a function documented as called with the lock held
	declared   bool // no write: the field's declaration follows the mutex's
	// container: the field is in an element, with no lock of its own, of
	// this container, and the guard is the container's.
	container string
}

func run(pass *analysis.Pass) (any, error) {
	helpers := receiverWrites(pass.TypesInfo, pass.Files)
	following := mutexGroups(pass)
	var writes []write
	for _, f := range pass.Files {
		testFile := strings.HasSuffix(pass.Fset.Position(f.Pos()).Filename, "_test.go")
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				if testFile && sequentialTest(n) {
					return false
				}
				// A function documented as called with a lock held runs
				// serialised by that lock.
				if n.Body != nil {
					ws := funcWrites(pass.TypesInfo, helpers, n.Body, astq.CallerHoldsLock(n))
					documented := astq.DocSaysLockHeld(n) && !readLockDoc.MatchString(n.Doc.Text())
					for i := range ws {
						ws[i].documented = documented
					}
					writes = append(writes, ws...)
				}
			case *ast.FuncLit:
				writes = append(writes, funcWrites(pass.TypesInfo, helpers, n.Body, false)...)
			}
			return true
		})
	}
	// guarded: fields written somewhere with a mutex's write lock held
	// (and the position of one such write, to cite). A write in a function
	// documented as called with the lock held counts for the one RWMutex
	// of the struct it writes (nats-server's msgBlock: "Lock should be
	// held" over every write of mb.cache).
	guarded := map[pair]guard{}
	mark := func(m *types.Var, w write, documented bool) {
		if _, seen := guarded[pair{m, w.field}]; !seen {
			guarded[pair{m, w.field}] = guard{at: w.node.Pos(), documented: documented}
		}
	}
	for _, w := range writes {
		if w.documented {
			if m := soleLock(w.owner); m != nil {
				mark(m, w, true)
			}
		}
		for _, s := range w.states {
			for m, h := range s.mutexes {
				if h.write && m.base == w.base {
					mark(m.v, w, false)
				}
			}
		}
	}
	// locked: fields written somewhere with an exclusive lock held, taken
	// there or documented as held (only functions that lock or say their
	// caller does are read; see funcWrites). A name alone (nextLocked)
	// does not say which lock, nor in which mode.
	locked := map[*types.Var]bool{}
	for _, w := range writes {
		for _, s := range w.states {
			if w.documented || s.exclusive() && !s.others[callersLock] {
				locked[w.field] = true
			}
		}
	}
	reported := map[ast.Node]bool{}
	for _, w := range writes {
		if reported[w.node] {
			continue
		}
		for _, s := range w.states {
			m, h, ok := readOnly(s, w.base)
			if !ok {
				continue
			}
			guardedByM := func(f *types.Var) bool {
				_, follows := following[pair{m.v, f}]
				return locked[f] || follows
			}
			if ownerWrites(w, m, writes, guardedByM) {
				continue
			}
			g, isGuarded := guarded[pair{m.v, w.field}]
			if at, follows := following[pair{m.v, w.field}]; !isGuarded && follows {
				g, isGuarded = guard{at: at, declared: true}, true
			}
			if !isGuarded && w.container != nil && !ownLock(w.owner) {
				g, isGuarded = guarded[pair{m.v, w.container}]
				if at, follows := following[pair{m.v, w.container}]; !isGuarded && follows {
					g, isGuarded = guard{at: at, declared: true}, true
				}
				g.container = w.inElement
			}
			if !isGuarded {
				continue
			}
			report(pass, w, m, h, g)
			reported[w.node] = true
			break
		}
	}
	return nil, nil
}

// ownerWrites reports whether the function of w also writes, with m's read
// lock held, another field of the same variable that nothing says a lock
// guards (the package never writes it with an exclusive lock held, nor
// declares it after the mutex):
// such an object is written by one goroutine at a time (its owner), and its
// read lock orders the owner against a goroutine that takes the write lock
// to close it (database/sql's Rows and its copies), not owners against each
// other (pulsar-client-go's batch builder, run by its producer's event
// loop).
func ownerWrites(w write, m mutex, writes []write, guarded func(*types.Var) bool) bool {
	if w.root == nil {
		return false
	}
	for _, o := range writes {
		if o.body != w.body || o.field == w.field || o.root != w.root || guarded(o.field) {
			continue
		}
		for _, s := range o.states {
			if s.mutexes[m].read {
				return true
			}
		}
	}
	return false
}

// mutexGroups returns the fields declared in the package's struct types
// right after an RWMutex field, in the same group (no blank line between
// them and no other lock first), each with the mutex, by the convention
// that a mutex guards the fields that follow it:
//
//	mu              sync.RWMutex
//	lastResetTime   time.Time
//	rusageLastReset *syscall.Rusage
func mutexGroups(pass *analysis.Pass) map[pair]token.Pos {
	out := map[pair]token.Pos{}
	info := pass.TypesInfo
	for _, f := range pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			st, ok := n.(*ast.StructType)
			if !ok {
				return true
			}
			var mu *types.Var
			prevEnd := 0
			for _, field := range st.Fields.List {
				start := field.Pos()
				if field.Doc != nil {
					start = field.Doc.Pos()
				}
				if pass.Fset.Position(start).Line > prevEnd+1 {
					mu = nil
				}
				prevEnd = pass.Fset.Position(field.End()).Line
				t := info.TypeOf(field.Type)
				isLock := isRWMutex(t) || astq.Named(deref(t), "sync", "Mutex")
				for _, name := range field.Names {
					v, isVar := info.Defs[name].(*types.Var)
					switch {
					case !isVar:
					case isLock:
						mu = nil
						if isRWMutex(t) {
							mu = v
						}
					case mu != nil:
						out[pair{mu, v}] = field.Pos()
					}
				}
				if len(field.Names) == 0 && isLock {
					mu = nil
				}
			}
			return true
		})
	}
	return out
}

// soleLock returns the lock field (embedded or not) of a struct type, or
// of what it points to, when it has one and that one is a sync.RWMutex.
func soleLock(owner types.Type) *types.Var {
	if owner == nil {
		return nil
	}
	st, ok := deref(owner).Underlying().(*types.Struct)
	if !ok {
		return nil
	}
	var found *types.Var
	for i := range st.NumFields() {
		f := st.Field(i)
		if !isRWMutex(f.Type()) && !astq.Named(deref(f.Type()), "sync", "Mutex") {
			continue
		}
		if found != nil {
			return nil
		}
		found = f
	}
	if found == nil || !isRWMutex(found.Type()) {
		return nil
	}
	return found
}

// rootVar returns the variable a selector chain starts from (x for x.a.b).
func rootVar(info *types.Info, e ast.Expr) *types.Var {
	for {
		switch x := astq.Unparen(e).(type) {
		case *ast.SelectorExpr:
			e = x.X
		case *ast.Ident:
			v, _ := info.ObjectOf(x).(*types.Var)
			return v
		default:
			return nil
		}
	}
}

// sequentialTest reports whether decl is a test, benchmark, fuzz test or
// example that starts no goroutine, its function literals included: what
// it writes under a read lock, after the code under test returned, no
// other goroutine touches (go-kit's cloudwatch tests read and delete what
// a mock received).
func sequentialTest(decl *ast.FuncDecl) bool {
	if decl.Recv != nil || decl.Body == nil {
		return false
	}
	name := decl.Name.Name
	if !strings.HasPrefix(name, "Test") && !strings.HasPrefix(name, "Benchmark") &&
		!strings.HasPrefix(name, "Fuzz") && !strings.HasPrefix(name, "Example") {
		return false
	}
	starts := false
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		if _, ok := n.(*ast.GoStmt); ok {
			starts = true
		}
		return !starts
	})
	return !starts
}

// exclusive reports whether s holds some exclusive lock.
func (s state) exclusive() bool {
	if len(s.others) > 0 {
		return true
	}
	for _, h := range s.mutexes {
		if h.write {
			return true
		}
	}
	return false
}

// readOnly returns the mutex reached from base whose read lock, and no
// exclusive lock at all, is held in s.
func readOnly(s state, base string) (mutex, hold, bool) {
	if s.exclusive() {
		return mutex{}, hold{}, false
	}
	for m, h := range s.mutexes {
		if m.base == base && h.read {
			return m, h, true
		}
	}
	return mutex{}, hold{}, false
}

func report(pass *analysis.Pass, w write, m mutex, h hold, g guard) {
	lock := m.v.Name()
	if m.base != "" {
		lock = m.base + "." + lock
	}
	if m.v.Embedded() {
		lock = m.base
	}
	target := w.target
	fset := pass.Fset
	harm := "concurrent holders of the read lock run this write at the same time as each other and as every reader, so updates are lost and readers see torn values"
	switch {
	case w.isMap:
		harm = "concurrent holders of the read lock run this write at the same time as each other and as every reader, which crashes the program with \"concurrent map writes\" or \"concurrent map read and map write\""
	case w.inPlace:
		harm = "concurrent holders of the read lock move or overwrite its elements at the same time as each other and as every reader, so readers see, and the calls leave, elements half moved"
	case w.changedBy != nil:
		harm = "concurrent holders of the read lock change the container at the same time as each other and as every reader, which corrupts its links"
	}
	written := target + " is written"
	if w.changedBy != nil {
		written = fmt.Sprintf("%s changes %s", types.ExprString(w.changedBy.Fun)+"(…)", target)
	}
	if w.via != nil {
		at := fset.Position(w.viaAt)
		written = fmt.Sprintf("%s is written by %s (%s:%d)", target, w.via.Name(), filepath.Base(at.Filename), at.Line)
	}
	evidence := fmt.Sprintf("with %s's write lock held (line %d)", lock, fset.Position(g.at).Line)
	switch {
	case g.declared:
		evidence = fmt.Sprintf("nowhere with a lock held, but declares it in the group of fields that follows %s (line %d), which by convention that mutex guards", m.v.Name(), fset.Position(g.at).Line)
	case g.documented:
		evidence = fmt.Sprintf("in a function documented as called with the lock held (line %d)", fset.Position(g.at).Line)
	case g.at == w.node.Pos():
		evidence = fmt.Sprintf("with %s's write lock held on another path to this line", lock)
	}
	guardedField := target
	switch {
	case g.container != "":
		guardedField, evidence = g.container, evidence+", and its elements have no lock of their own"
	case w.container != nil:
		guardedField = fmt.Sprintf("%s in the elements of %s", w.field.Name(), w.inElement)
	}
	astq.Reportf(pass, w.node.Pos(),
		"%s while only %s's read lock (RLock on line %d) is held: %s; the package writes %s %s, so take Lock here",
		written, lock, fset.Position(h.rlock).Line, harm, guardedField, evidence)
}

// funcWrites returns the writes of fields in body, each with the lock
// states that reach it. callerLocked: the function runs with a lock of its
// caller's held.
func funcWrites(info *types.Info, helpers map[*types.Func][]write, body *ast.BlockStmt, callerLocked bool) []write {
	if !callerLocked && !mentionsLocks(info, body) {
		return nil
	}
	g := cfg.New(body, func(call *ast.CallExpr) bool { return astq.MayReturn(info, call) })
	fixed := branchVars(info, body)
	in := make([][]state, len(g.Blocks))
	ids := make([]map[string]bool, len(g.Blocks))
	if len(g.Blocks) == 0 {
		return nil
	}
	add := func(b int32, s state) bool {
		if ids[b] == nil {
			ids[b] = map[string]bool{}
		}
		id := s.id()
		if ids[b][id] {
			return false
		}
		ids[b][id] = true
		in[b] = append(in[b], s)
		return true
	}
	entry := newState()
	if callerLocked {
		entry.others[callersLock] = true
	}
	add(0, entry)
	work := []*cfg.Block{g.Blocks[0]}
	for len(work) > 0 {
		b := work[0]
		work = work[1:]
		if len(in[b.Index]) > maxStates {
			return nil
		}
		for _, s := range in[b.Index] {
			out := s
			for _, n := range b.Nodes {
				out = transfer(info, n, out)
			}
			for i, succ := range b.Succs {
				next, feasible := assume(info, fixed, b, i, out)
				if feasible && add(succ.Index, next) && !slices.Contains(work, succ) {
					work = append(work, succ)
				}
			}
		}
	}
	elements := elementVars(info, body)
	var out []write
	for _, b := range g.Blocks {
		states := in[b.Index]
		for _, n := range b.Nodes {
			for _, w := range append(nodeWrites(info, n), helperWrites(info, helpers, n)...) {
				w.body, w.states = body, states
				if c, base, text, ok := element(info, elements, w.baseExpr); ok {
					w.container, w.base, w.inElement = c, base, text
				}
				out = append(out, w)
			}
			next := make([]state, len(states))
			for i, s := range states {
				next[i] = transfer(info, n, s)
			}
			states = next
		}
	}
	return out
}

// elementVars returns the local variables of body that hold an element of
// a container of pointers X.c (a slice, array or map field of some X, or a
// package variable): the value of a range over X.c, or a variable defined
// from X.c[k] (with or without ", ok"), never assigned again nor its
// address taken; each with its container expression. Whoever finds the
// element in the container shares it, so X.c's lock guards it too
// (pion/webrtc's RTPSender before 3f017b42, beego's MemoryCache before
// 39bd40e).
func elementVars(info *types.Info, body *ast.BlockStmt) map[*types.Var]ast.Expr {
	out := map[*types.Var]ast.Expr{}
	changed := map[*types.Var]bool{}
	define := func(lhs, container ast.Expr) {
		id := astq.Ident(lhs)
		if id == nil {
			return
		}
		v, isVar := info.Defs[id].(*types.Var)
		if _, _, ok := variable(info, container); ok && isVar && pointerElements(info.TypeOf(container)) {
			out[v] = container
		}
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE && n.Value != nil {
				define(n.Value, n.X)
			}
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE && len(n.Rhs) == 1 {
				if ix, ok := astq.Unparen(n.Rhs[0]).(*ast.IndexExpr); ok {
					define(n.Lhs[0], ix.X)
				}
			}
			for _, l := range n.Lhs {
				if id := astq.Ident(l); id != nil && info.Defs[id] == nil {
					if v, ok := info.Uses[id].(*types.Var); ok {
						changed[v] = true
					}
				}
			}
		case *ast.UnaryExpr:
			if id := astq.Ident(n.X); id != nil && n.Op == token.AND {
				if v, ok := info.Uses[id].(*types.Var); ok {
					changed[v] = true
				}
			}
		}
		return true
	})
	for v := range changed {
		delete(out, v)
	}
	return out
}

// element reports whether e, an expression whose field is written, is an
// element of a container X.c: a variable of elementVars, or X.c[i] itself
// (a struct in a slice is written in place); it returns c, X and the text
// X.c.
func element(info *types.Info, elements map[*types.Var]ast.Expr, e ast.Expr) (*types.Var, string, string, bool) {
	var container ast.Expr
	switch x := astq.Unparen(e).(type) {
	case *ast.Ident:
		if v, ok := info.Uses[x].(*types.Var); ok {
			container = elements[v]
		}
	case *ast.IndexExpr:
		if isContainer(info.TypeOf(x.X)) {
			container = x.X
		}
	}
	if container == nil {
		return nil, "", "", false
	}
	c, base, ok := variable(info, container)
	return c, base, types.ExprString(container), ok
}

// isContainer reports whether t is a slice, array or map.
func isContainer(t types.Type) bool {
	if t == nil {
		return false
	}
	switch t.Underlying().(type) {
	case *types.Slice, *types.Array, *types.Map:
		return true
	}
	return false
}

// pointerElements reports whether t is a slice, array or map of pointers.
func pointerElements(t types.Type) bool {
	if !isContainer(t) {
		return false
	}
	var elem types.Type
	switch u := t.Underlying().(type) {
	case *types.Slice:
		elem = u.Elem()
	case *types.Array:
		elem = u.Elem()
	case *types.Map:
		elem = u.Elem()
	}
	_, ok := elem.Underlying().(*types.Pointer)
	return ok
}

// ownLock reports whether the struct t is or points to has a field of a
// sync or sync/atomic type: a lock or atomic of its own.
func ownLock(t types.Type) bool {
	st, ok := deref(t).Underlying().(*types.Struct)
	if !ok {
		return true
	}
	for i := range st.NumFields() {
		if syncType(st.Field(i).Type()) {
			return true
		}
	}
	return false
}

// branchVars returns the local variables (parameters included) that body
// uses as a whole branch condition (if v, if !v) more than once and never
// assigns after their declaration nor takes the address of: a path's
// branch on one of them decides its later branches on it.
func branchVars(info *types.Info, body *ast.BlockStmt) map[*types.Var]bool {
	uses := map[*types.Var]int{}
	changed := map[*types.Var]bool{}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.IfStmt:
			if v := condVar(info, n.Cond); v != nil {
				uses[v]++
			}
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if id := astq.Ident(l); id != nil && info.Defs[id] == nil {
					if v, ok := info.Uses[id].(*types.Var); ok {
						changed[v] = true
					}
				}
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				if id := astq.Ident(n.X); id != nil {
					if v, ok := info.Uses[id].(*types.Var); ok {
						changed[v] = true
					}
				}
			}
		}
		return true
	})
	fixed := map[*types.Var]bool{}
	for v, n := range uses {
		if n > 1 && !changed[v] && !v.IsField() && v.Parent() != v.Pkg().Scope() {
			fixed[v] = true
		}
	}
	return fixed
}

// condVar returns the variable of a condition v or !v.
func condVar(info *types.Info, cond ast.Expr) *types.Var {
	cond = astq.Unparen(cond)
	if u, ok := cond.(*ast.UnaryExpr); ok && u.Op == token.NOT {
		cond = astq.Unparen(u.X)
	}
	id, ok := cond.(*ast.Ident)
	if !ok {
		return nil
	}
	v, _ := info.Uses[id].(*types.Var)
	return v
}

// assume returns the state of the path from b to its successor i: when b
// ends in a branch on a fixed variable, the path records the value it
// took, and it is infeasible when it took the other value before.
func assume(info *types.Info, fixed map[*types.Var]bool, b *cfg.Block, i int, s state) (state, bool) {
	if len(b.Succs) != 2 || len(b.Nodes) == 0 {
		return s, true
	}
	cond, ok := b.Nodes[len(b.Nodes)-1].(ast.Expr)
	if !ok {
		return s, true
	}
	v := condVar(info, cond)
	if v == nil || !fixed[v] {
		return s, true
	}
	value := i == 0
	if u, isNot := astq.Unparen(cond).(*ast.UnaryExpr); isNot && u.Op == token.NOT {
		value = !value
	}
	if was, seen := s.assumed[v]; seen {
		return s, was == value
	}
	out := s.clone()
	out.assumed[v] = value
	return out, true
}

// mentionsLocks reports whether body calls RLock or Lock at all, to skip
// the graph for the rest.
func mentionsLocks(info *types.Info, body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && !found {
			if _, acquire, ok := astq.LockCall(info, call); ok && acquire {
				found = true
			}
		}
		return !found
	})
	return found
}

// transfer returns the state after node n runs from s. Deferred calls and
// go statements do not change the state; function literals are not
// entered.
func transfer(info *types.Info, n ast.Node, s state) state {
	out := s
	copied := false
	directCalls(n, func(call *ast.CallExpr) {
		key, acquire, ok := astq.LockCall(info, call)
		if !ok {
			return
		}
		if !copied {
			out, copied = s.clone(), true
		}
		exclusive := strings.HasSuffix(key, ".w")
		m, tracked := rwMutex(info, call)
		switch {
		case tracked:
			h := out.mutexes[m]
			if exclusive {
				h.write = acquire
			} else {
				h.read = acquire
				h.rlock = 0
				if acquire {
					h.rlock = call.Pos()
				}
			}
			if h.read || h.write {
				out.mutexes[m] = h
			} else {
				delete(out.mutexes, m)
			}
		case exclusive && acquire:
			out.others[key] = true
		case exclusive:
			delete(out.others, key)
		}
	})
	return out
}

// directCalls calls f for each call n makes as it runs: not a deferred
// call or a go statement's, nor one in a function literal.
func directCalls(n ast.Node, f func(*ast.CallExpr)) {
	switch n.(type) {
	case *ast.DeferStmt, *ast.GoStmt:
		return
	}
	ast.Inspect(n, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if call, ok := n.(*ast.CallExpr); ok {
			f(call)
		}
		return true
	})
}

// rwMutex returns the sync.RWMutex a Lock, Unlock, RLock or RUnlock call
// acts on, when it is a field of some X (x.mu.RLock()), an RWMutex embedded
// in X (x.RLock()) or a package variable (mu.RLock()).
func rwMutex(info *types.Info, call *ast.CallExpr) (mutex, bool) {
	sel, ok := astq.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return mutex{}, false
	}
	if selection := info.Selections[sel]; selection != nil && len(selection.Index()) == 2 {
		// x.RLock() through an embedded field.
		st, isStruct := deref(info.TypeOf(sel.X)).Underlying().(*types.Struct)
		if !isStruct {
			return mutex{}, false
		}
		f := st.Field(selection.Index()[0])
		if !f.Embedded() || !isRWMutex(f.Type()) {
			return mutex{}, false
		}
		return mutex{f.Origin(), types.ExprString(sel.X)}, true
	}
	if !isRWMutex(info.TypeOf(sel.X)) {
		return mutex{}, false
	}
	v, base, ok := variable(info, sel.X)
	return mutex{v, base}, ok
}

// variable returns the field or package variable e names and the
// expression it is a field of ("" for a package variable).
func variable(info *types.Info, e ast.Expr) (*types.Var, string, bool) {
	switch e := astq.Unparen(e).(type) {
	case *ast.SelectorExpr:
		selection := info.Selections[e]
		if selection == nil || selection.Kind() != types.FieldVal {
			return nil, "", false
		}
		// A field of a generic type is one field for every method,
		// whatever the receiver's type parameters are named there.
		v, ok := selection.Obj().(*types.Var)
		if !ok {
			return nil, "", false
		}
		return v.Origin(), types.ExprString(e.X), true
	case *ast.Ident:
		v, ok := info.ObjectOf(e).(*types.Var)
		if !ok || v.Pkg() == nil || v.Parent() != v.Pkg().Scope() {
			return nil, "", false
		}
		return v, "", true
	}
	return nil, "", false
}

// receiverWrites returns, for each method of the package that takes no
// lock itself, the writes it makes to fields of its receiver: a call of it
// writes them on the caller's X (couchbaselabs/walrus's _nextSequence;
// nats-server's consumer.applyState, "Lock should be held", called under
// the read lock before 47459ccb7).
func receiverWrites(info *types.Info, files []*ast.File) map[*types.Func][]write {
	out := map[*types.Func][]write{}
	for _, f := range files {
		for _, d := range f.Decls {
			decl, ok := d.(*ast.FuncDecl)
			if !ok || decl.Body == nil || decl.Recv == nil || len(decl.Recv.List) != 1 || len(decl.Recv.List[0].Names) != 1 {
				continue
			}
			fn, isFunc := info.Defs[decl.Name].(*types.Func)
			if !isFunc || mentionsLocks(info, decl.Body) {
				continue
			}
			recv := decl.Recv.List[0].Names[0].Name
			for _, w := range nodeWrites(info, decl.Body) {
				if w.base == recv {
					w.via, w.viaAt = fn, w.node.Pos()
					out[fn] = append(out[fn], w)
				}
			}
		}
	}
	return out
}

// helperWrites returns the writes that calls in n (not deferred, not
// started as goroutines, not in function literals) make through the
// package's methods on some X, in the caller's terms.
func helperWrites(info *types.Info, helpers map[*types.Func][]write, n ast.Node) []write {
	var out []write
	directCalls(n, func(call *ast.CallExpr) {
		sel, isSel := astq.Unparen(call.Fun).(*ast.SelectorExpr)
		fn, isFunc := typeutil.Callee(info, call).(*types.Func)
		if !isSel || !isFunc {
			return
		}
		base := types.ExprString(sel.X)
		for _, w := range helpers[fn] {
			w.node, w.base, w.baseExpr, w.root = call, base, sel.X, rootVar(info, sel.X)
			w.target = base + "." + w.field.Name()
			out = append(out, w)
		}
	})
	return out
}

// nodeWrites returns the field writes n makes itself (not in function
// literals): assignments, increments and appends to X.f, and inserts,
// deletes and clears of a Go map X.f.
func nodeWrites(info *types.Info, n ast.Node) []write {
	var out []write
	add := func(node ast.Node, target ast.Expr, isMap bool) bool {
		v, base, ok := variable(info, target)
		if !ok || syncType(v.Type()) {
			return false
		}
		w := write{node: node, target: types.ExprString(target), field: v, base: base, isMap: isMap}
		if sel, isSel := astq.Unparen(target).(*ast.SelectorExpr); isSel {
			w.baseExpr, w.owner, w.root = sel.X, info.TypeOf(sel.X), rootVar(info, sel.X)
		}
		out = append(out, w)
		return true
	}
	lhs := func(node ast.Node, e ast.Expr) {
		if ix, ok := astq.Unparen(e).(*ast.IndexExpr); ok {
			if isMap(info.TypeOf(ix.X)) {
				add(node, ix.X, true)
			}
			return
		}
		add(node, e, false)
	}
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				return true
			}
			for _, l := range n.Lhs {
				lhs(n, l)
			}
		case *ast.IncDecStmt:
			lhs(n, n.X)
		case *ast.CallExpr:
			if target, ok := mutatingCall(info, n); ok {
				if add(n, target, false) {
					out[len(out)-1].changedBy = n
				}
				return true
			}
			if target, ok := inPlaceCall(info, n); ok {
				if add(n, target, false) {
					out[len(out)-1].changedBy, out[len(out)-1].inPlace = n, true
				}
				return true
			}
			id := astq.Ident(n.Fun)
			if id == nil || len(n.Args) == 0 {
				return true
			}
			if b, ok := info.ObjectOf(id).(*types.Builtin); ok && (b.Name() == "delete" || b.Name() == "clear") && isMap(info.TypeOf(n.Args[0])) {
				add(n, n.Args[0], true)
			}
		}
		return true
	})
	return out
}

// inPlace are the functions, by package path, that move or overwrite the
// elements of the slice they are handed first.
var inPlace = map[string][]string{
	"sort":   {"Sort", "Stable", "Slice", "SliceStable", "Ints", "Strings", "Float64s"},
	"slices": {"Sort", "SortFunc", "SortStableFunc", "Reverse"},
}

// inPlaceCall returns the field or package variable whose elements a call
// moves or overwrites: a slice sorted or reversed in place
// (slices.Sort(tag.tags), sort.Sort(byName(s.items)),
// sort.Strings(s.names[:n])) or cleared (clear(s.buf)). The slice is shared
// with every holder of the lock, unlike a slice header assigned afresh
// (oras-project/oras#2181: Tagged.Tags sorted its tags under RLock).
func inPlaceCall(info *types.Info, call *ast.CallExpr) (ast.Expr, bool) {
	if len(call.Args) == 0 {
		return nil, false
	}
	switch fn := typeutil.Callee(info, call).(type) {
	case *types.Func:
		if fn.Pkg() == nil || fn.Signature().Recv() != nil || !slices.Contains(inPlace[fn.Pkg().Path()], fn.Name()) {
			return nil, false
		}
	case *types.Builtin:
		if fn.Name() != "clear" {
			return nil, false
		}
	default:
		return nil, false
	}
	arg := astq.Unparen(call.Args[0])
	for {
		switch x := arg.(type) {
		case *ast.SliceExpr:
			arg = astq.Unparen(x.X)
			continue
		case *ast.CallExpr:
			// A conversion to a sort.Interface type: byName(s.items).
			if tv, ok := info.Types[x.Fun]; ok && tv.IsType() && len(x.Args) == 1 {
				arg = astq.Unparen(x.Args[0])
				continue
			}
		}
		break
	}
	t := info.TypeOf(arg)
	if t == nil {
		return nil, false
	}
	_, isSlice := t.Underlying().(*types.Slice)
	return arg, isSlice
}

// mutators are the methods that change a value of a container type whose
// methods do not synchronise, by package path and type name. A simplelru
// LRU's Get moves the entry it finds to the front of its list.
var mutators = map[[2]string][]string{
	{"container/list", "List"}: {"Init", "PushFront", "PushBack", "PushFrontList", "PushBackList", "InsertBefore", "InsertAfter",
		"MoveToFront", "MoveToBack", "MoveBefore", "MoveAfter", "Remove"},
	{"github.com/hashicorp/golang-lru/simplelru", "LRU"}:    {"Add", "Get", "Remove", "RemoveOldest", "Purge", "Resize"},
	{"github.com/hashicorp/golang-lru/v2/simplelru", "LRU"}: {"Add", "Get", "Remove", "RemoveOldest", "Purge", "Resize"},
}

// heapChanges are the container/heap functions that change the heap they
// are handed.
var heapChanges = []string{"Init", "Push", "Pop", "Remove", "Fix"}

// mutatingCall returns the field or package variable a call changes: a
// mutator method called on it (c.ll.MoveToFront(e), c.lru.Get(k)), or a
// container/heap function handed it (heap.Push(&q.items, x)).
func mutatingCall(info *types.Info, call *ast.CallExpr) (ast.Expr, bool) {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok || fn.Pkg() == nil {
		return nil, false
	}
	if fn.Pkg().Path() == "container/heap" && fn.Signature().Recv() == nil && slices.Contains(heapChanges, fn.Name()) && len(call.Args) > 0 {
		arg := astq.Unparen(call.Args[0])
		if u, isAddr := arg.(*ast.UnaryExpr); isAddr && u.Op == token.AND {
			arg = u.X
		}
		return arg, true
	}
	recv, method, isMethod := astq.MethodCall(info, call)
	if !isMethod {
		return nil, false
	}
	named, isNamed := deref(info.TypeOf(recv)).(*types.Named)
	if !isNamed || named.Obj().Pkg() == nil {
		return nil, false
	}
	names := mutators[[2]string{named.Obj().Pkg().Path(), named.Obj().Name()}]
	if names == nil && !ownLock(named) {
		for _, port := range ports {
			if hasMethods(named, port.shape) {
				names = mutators[port.of]
				break
			}
		}
	}
	return recv, slices.Contains(names, method.Name())
}

// ports describe the types that have the method set of a type in
// mutators: a port of it (bahlo/generic-list-go, MetaCubeX/mihomo's
// Callback list before 4eb13a73), whose methods of the same names change
// it the same way when it has no lock of its own. An LRU is told by Peek,
// which exists because its Get reorders.
var ports = []struct {
	of    [2]string
	shape []string
}{
	{[2]string{"container/list", "List"}, []string{"Front", "Back", "Len", "PushFront", "PushBack", "MoveToFront", "Remove"}},
	{[2]string{"github.com/hashicorp/golang-lru/simplelru", "LRU"}, []string{"Add", "Get", "Peek", "Remove", "RemoveOldest", "Len"}},
}

// hasMethods reports whether *t has every method in names.
func hasMethods(t *types.Named, names []string) bool {
	ms := types.NewMethodSet(types.NewPointer(t))
	for _, name := range names {
		if ms.Lookup(t.Obj().Pkg(), name) == nil {
			return false
		}
	}
	return true
}

func isMap(t types.Type) bool {
	if t == nil {
		return false
	}
	_, ok := t.Underlying().(*types.Map)
	return ok
}

func deref(t types.Type) types.Type {
	if p, ok := t.(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

func isRWMutex(t types.Type) bool {
	return t != nil && astq.Named(deref(t), "sync", "RWMutex")
}

// syncType reports whether t is a type of sync or sync/atomic, whose own
// methods synchronise.
func syncType(t types.Type) bool {
	named, ok := deref(t).(*types.Named)
	if !ok || named.Obj().Pkg() == nil {
		return false
	}
	p := named.Obj().Pkg().Path()
	return p == "sync" || p == "sync/atomic"
}
