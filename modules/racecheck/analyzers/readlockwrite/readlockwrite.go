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
// as the writes it makes to its receiver's fields, itself or through a
// chain of such methods called on its receiver (walrus's _nextSequence;
// nats-server's consumer.applyState, called under the read lock before
// 47459ccb7, and noInterest → checkForInterest → registerPreAck before
// 8898d646c), and so does a call that changes a container held in X.f: a
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
// An object X holds with no lock of its own is X's state, shared by every
// goroutine that reaches it through X: a write to an object held in a
// field X.f, to an element of a container X.c (a slice, array or map field
// of X, or a package variable), in place as X.c[i].f or through a local
// variable that aliases one (see aliasVars), counts as a write of X, level
// by level up to the first object with a lock or atomic of its own
// (pion/webrtc's RTPSender.configureRTXAndFEC before 3f017b42, k8s.io/utils'
// LRU before e663be76).
//
// It reports only a field that something says X.mu guards: the package
// also writes it with X.mu's write lock held, or in a function whose doc
// comment says its caller holds the lock (on a struct whose one lock is
// X.mu), or declares it in the group of fields right after X.mu (no blank
// line and no other lock between), the convention for "mu guards the
// fields below" (grpc-go's benchmark server before c4f881c35). For a field
// of an object X holds, a write of the same field through an X with the
// write lock held says so; for one written in place (not by a method of
// the held object), so does X's field that holds it being guarded (beego's
// MemoryCache.Incr before 39bd40e). An increment or assignment operation
// (x.n++, x.n += d) of X's own field made in place is its own evidence: it
// reads and writes the field, and the holders of a read lock make it at
// once (ontology's round-robin cursor before 5bbbd538). It does not report:
//
//   - paths ruled out by a branch on a variable fixed for the function (a
//     write lock taken if cacheEnabled, a write made if cacheEnabled);
//   - functions named or documented as called with a lock held;
//   - a write in a function that also writes, under the same read lock,
//     another field that nothing says a lock guards of the object that
//     holds the mutex or of one that holds that object: such an object is
//     written by its one owner goroutine, and the read lock keeps out a
//     goroutine that closes it (database/sql's Rows);
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
	shown      string   // what the code names, when it is another name for target
	field      *types.Var
	base       string     // X; "" for a package variable
	baseExpr   ast.Expr   // X as written; nil for a package variable
	owner      types.Type // the type of X; nil for a package variable
	holders    []holder   // the objects that hold X, nearest first (see holdersOf)
	isMap      bool
	changedBy  *ast.CallExpr // the mutator call, for a container changed by one
	inPlace    bool          // that call moves or overwrites a slice's elements
	via        *types.Func   // the method that writes, for a write made by a call
	chain      string        // the methods called from the call to via, when more than via
	viaAt      token.Pos     // where that method writes
	states     []state       // the lock states it is reached with
}

// holder is an object that holds the written object X, with no lock of
// its own on the way: X is the holder's state too, so the holder's lock
// guards it.
type holder struct {
	base      string     // the holder H; "" for a package variable
	container *types.Var // the field (or package variable) H.c that leads to X
	text      string     // H.c
	elements  bool       // X is an element of H.c (or held by one), not H.c itself
}

// pair is a mutex and a field it guards.
type pair struct{ m, f *types.Var }

// guard is a field written with a mutex's write lock held: a write that
// says the mutex guards the field.
type guard struct {
	at         token.Pos
	documented bool // in a function documented as called with the lock held
	declared   bool // no write: the field's declaration follows the mutex's
	// through: the write was reached through this holder of the written
	// object, whose lock guards it (nil: the object's own);
	// byContainer: the evidence is a write of the holder's field.
	through     *holder
	byContainer bool
	// counter: no evidence but the write itself, an increment (or another
	// read-modify-write) of X's own field made in place.
	counter bool
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
					if len(ws) > 0 && astq.DocSaysLockHeld(n) && !readLockDoc.MatchString(n.Doc.Text()) {
						for i := range ws {
							ws[i].documented = true
						}
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
				if h.write && (m.base == w.base || slices.ContainsFunc(w.holders, func(hd holder) bool { return hd.base == m.base })) {
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
			m, h, at, ok := readOnlyAt(s, w)
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
			if !isGuarded && at != nil && w.via == nil {
				g, isGuarded = guarded[pair{m.v, at.container}]
				if pos, follows := following[pair{m.v, at.container}]; !isGuarded && follows {
					g, isGuarded = guard{at: pos, declared: true}, true
				}
				g.byContainer = true
			}
			if !isGuarded && at == nil && w.via == nil && readModifyWrite(w.node) {
				g, isGuarded = guard{counter: true}, true
			}
			if !isGuarded {
				continue
			}
			g.through = at
			report(pass, w, m, h, g)
			reported[w.node] = true
			break
		}
	}
	return nil, nil
}

// readModifyWrite reports whether n is an increment, a decrement or an
// assignment operation (x.n++, x.n += d): a read and a write of one field,
// whose updates the holders of a read lock, making it at once, lose
// (influxdata/platform's Controller.nextID before 34e4a2f8, ontology's
// round-robin node cursor before 5bbbd538).
func readModifyWrite(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.IncDecStmt:
		return true
	case *ast.AssignStmt:
		return n.Tok != token.ASSIGN && n.Tok != token.DEFINE
	}
	return false
}

// readOnlyAt returns the mutex whose read lock, and no exclusive lock at
// all, is held in s: X's own, or else a holder's (and that holder).
func readOnlyAt(s state, w write) (mutex, hold, *holder, bool) {
	if m, h, ok := readOnly(s, w.base); ok {
		return m, h, nil, true
	}
	for i := range w.holders {
		if m, h, ok := readOnly(s, w.holders[i].base); ok {
			return m, h, &w.holders[i], true
		}
	}
	return mutex{}, hold{}, nil, false
}

// ownerWrites reports whether the function of w also writes, with m's read
// lock held, another field that nothing says a lock guards (the package
// never writes it with an exclusive lock held, nor declares it after the
// mutex) of the object that holds m, or of one that holds that object:
// such an object is written by one goroutine at a time (its owner), and its
// read lock orders the owner against a goroutine that takes the write lock
// to close it (database/sql's Rows and its copies), not owners against each
// other (pulsar-client-go's batch builder, run by its producer's event
// loop, whose mutex is in bc.batches while bc's fields are written). A
// write in an object that m's holder holds is that holder's state, not an
// owner's (temporal's task tracker advanced its circular buffer under its
// read lock).
func ownerWrites(w write, m mutex, writes []write, guarded func(*types.Var) bool) bool {
	if m.base == "" {
		return false
	}
	for _, o := range writes {
		if o.body != w.body || o.field == w.field || guarded(o.field) ||
			o.base != m.base && !strings.HasPrefix(m.base, o.base+".") {
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
// right after an RWMutex field, named or embedded, in the same group (no
// blank line between them and no other lock first), each with the mutex,
// by the convention that a mutex guards the fields that follow it:
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
			sv, _ := info.TypeOf(st).(*types.Struct)
			index := 0 // of the field's first variable in sv
			for _, field := range st.Fields.List {
				first := index
				index += max(len(field.Names), 1)
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
					// An embedded mutex guards what follows it as a named
					// one does (seaweedfs's vidMap).
					mu = nil
					if isRWMutex(t) && sv != nil && first < sv.NumFields() {
						mu = sv.Field(first)
					}
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
		if fn, ok := typeutil.Callee(pass.TypesInfo, w.changedBy).(*types.Func); ok && fn.Pkg() != nil && mutatorHarm[fn.Pkg().Path()] != "" {
			harm = mutatorHarm[fn.Pkg().Path()]
		}
	}
	shown := target
	if w.shown != "" {
		shown = w.shown
	}
	written := shown + " is written"
	if w.changedBy != nil {
		written = fmt.Sprintf("%s changes %s", types.ExprString(w.changedBy.Fun)+"(…)", shown)
	}
	if w.via != nil {
		at := fset.Position(w.viaAt)
		by := w.via.Name()
		if w.chain != "" {
			by = w.chain
		}
		written = fmt.Sprintf("%s is written by %s (%s:%d)", target, by, filepath.Base(at.Filename), at.Line)
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
	case g.byContainer && g.through.elements:
		guardedField, evidence = g.through.text, evidence+", and its elements have no lock of their own"
	case g.byContainer:
		guardedField, evidence = g.through.text, evidence+", and what it holds has no lock of its own"
	case g.through != nil && g.through.elements:
		guardedField = fmt.Sprintf("%s in the elements of %s", w.field.Name(), g.through.text)
	case g.through != nil:
		guardedField = fmt.Sprintf("%s in %s", w.field.Name(), g.through.text)
	}
	if g.counter {
		astq.Reportf(pass, w.node.Pos(),
			"%s while only %s's read lock (RLock on line %d) is held: %s; an increment reads and writes %s, and the holders of a read lock make it at once, so take Lock here or make it an atomic",
			written, lock, fset.Position(h.rlock).Line, harm, target)
		return
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
	aliases := aliasVars(info, body)
	var out []write
	for _, b := range g.Blocks {
		states := in[b.Index]
		for _, n := range b.Nodes {
			for _, w := range append(nodeWrites(info, n, aliases), helperWrites(info, helpers, n)...) {
				w.body, w.states = body, states
				if w.baseExpr != nil {
					w.holders = holdersOf(info, aliases, w.baseExpr)
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

// alias is what a local variable holds: a field (or package variable)
// X.f of a map or pointer type, or an element of a container X.c.
type alias struct {
	of      ast.Expr // X.f, or the container X.c
	element bool
}

// aliasVars returns the local variables of body that hold what a field or
// package variable holds, never assigned again nor their address taken: a
// variable defined from X.f of a map or pointer type (castai's Delta.Add
// inserted into cache := d.cacheActive under the read lock), from an
// element X.c[k] of a container of maps or pointers (with or without
// ", ok", also a named result assigned there as its first use), or from
// X.c.Get(k) of a container type with no lock of its own (see lookupCall;
// the variable may then be an interface, asserted to a pointer where it is
// written through, or to a map by a variable that is then an alias too:
// yaklang's SafeMap.Load merged into raw, _ := value.(map[string]any)
// under the read lock, fixed in a06661a2), or as the value of a range
// over one (pion/webrtc's encodings,
// libp2p's address maps). Whoever finds that object there shares it, so
// the lock that guards X guards it too.
func aliasVars(info *types.Info, body *ast.BlockStmt) map[*types.Var]alias {
	out := map[*types.Var]alias{}
	changed := map[*types.Var]bool{}
	// late: variables declared before the body (a named result) that this
	// assignment, their first use, makes aliases; asserted: aliases made by
	// a type assertion of another alias, by their source.
	late := map[*types.Var]*ast.AssignStmt{}
	asserted := map[*types.Var]*types.Var{}
	used := map[*types.Var]bool{}
	target := func(lhs ast.Expr, a *ast.AssignStmt) *types.Var {
		id := astq.Ident(lhs)
		if id == nil {
			return nil
		}
		if v, isVar := info.Defs[id].(*types.Var); isVar {
			return v
		}
		if v, isVar := info.Uses[id].(*types.Var); isVar && a != nil && a.Tok == token.ASSIGN && v.Pos() < body.Pos() && !used[v] {
			late[v] = a
			return v
		}
		return nil
	}
	define := func(lhs, rhs ast.Expr, element bool, a *ast.AssignStmt) {
		v := target(lhs, a)
		if v == nil || !reference(v.Type()) && !(element && types.IsInterface(v.Type())) {
			return
		}
		if _, _, ok := variable(info, rhs); ok {
			out[v] = alias{of: rhs, element: element}
		}
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE && n.Value != nil && isContainer(info.TypeOf(n.X)) {
				define(n.Value, n.X, true, nil)
			}
		case *ast.AssignStmt:
			if (n.Tok == token.DEFINE || n.Tok == token.ASSIGN) && len(n.Rhs) == 1 && (len(n.Lhs) == 1 || len(n.Lhs) == 2) {
				switch rhs := astq.Unparen(n.Rhs[0]).(type) {
				case *ast.IndexExpr:
					if isContainer(info.TypeOf(rhs.X)) {
						define(n.Lhs[0], rhs.X, true, n)
					}
				case *ast.SelectorExpr:
					if len(n.Lhs) == 1 && n.Tok == token.DEFINE {
						define(n.Lhs[0], rhs, false, n)
					}
				case *ast.CallExpr:
					if c, ok := lookupCall(info, rhs); ok && n.Tok == token.DEFINE {
						define(n.Lhs[0], c, true, n)
					}
				case *ast.TypeAssertExpr:
					// raw, ok := value.(map[string]any): what value holds.
					src, _ := info.Uses[astq.Ident(rhs.X)].(*types.Var)
					if a, ok := out[src]; ok && rhs.Type != nil && n.Tok == token.DEFINE {
						if v, isVar := info.Defs[astq.Ident(n.Lhs[0])].(*types.Var); isVar && reference(v.Type()) {
							out[v], asserted[v] = a, src
						}
					}
				}
			}
			for _, l := range n.Lhs {
				if id := astq.Ident(l); id != nil && info.Defs[id] == nil {
					if v, ok := info.Uses[id].(*types.Var); ok && late[v] != n {
						changed[v] = true
					}
				}
			}
		case *ast.Ident:
			if v, ok := info.Uses[n].(*types.Var); ok {
				used[v] = true
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
	for v, src := range asserted {
		if changed[src] {
			delete(out, v)
		}
	}
	return out
}

// lookups are the names of the methods by which a container type with no
// lock of its own hands back an element it holds: a tree map's Get or
// Floor (0xPolygon/bor's MVHashMap set a cell's flag through
// cells.tm.Get(txIdx) under the read lock, fixed in bor#1141).
var lookups = []string{"Get", "Find", "Lookup", "Floor", "Ceiling", "Peek", "Front", "Back"}

// lookupCall returns the container X.c of a call X.c.Get(k) (see
// lookups), when X.c's type has no lock of its own.
func lookupCall(info *types.Info, call *ast.CallExpr) (ast.Expr, bool) {
	sel, ok := astq.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || !slices.Contains(lookups, sel.Sel.Name) || info.Selections[sel] == nil || info.Selections[sel].Kind() != types.MethodVal {
		return nil, false
	}
	if _, _, isVar := variable(info, sel.X); !isVar || ownLock(info.TypeOf(sel.X)) || syncType(info.TypeOf(sel.X)) {
		return nil, false
	}
	return sel.X, true
}

// reference reports whether a variable of type t shares what it holds with
// the place it was copied from: a map or a pointer.
func reference(t types.Type) bool {
	switch t.Underlying().(type) {
	case *types.Map, *types.Pointer:
		return true
	}
	return false
}

// holdersOf returns the objects that hold x, the object a write changes,
// nearest first, as far as each object on the way has no lock of its own:
// the holder of a field x.f's value is x (k8s.io/utils' LRU called its
// inner cache's Get, which reorders its list, under the read lock), of an
// element x.c[i] is x, and of what an alias holds, the holder of what it
// aliases.
func holdersOf(info *types.Info, aliases map[*types.Var]alias, x ast.Expr) []holder {
	var out []holder
	elements := false
	for range 8 {
		x = astq.Unparen(x)
		if ownLock(info.TypeOf(x)) {
			return out
		}
		switch e := x.(type) {
		case *ast.Ident:
			v, _ := info.Uses[e].(*types.Var)
			if a, ok := aliases[v]; ok {
				x, elements = a.of, elements || a.element
				continue
			}
			if _, _, ok := variable(info, e); ok {
				// A package variable, the last holder.
				return append(out, holder{container: v, text: e.Name, elements: elements})
			}
			return out
		case *ast.IndexExpr:
			if !isContainer(info.TypeOf(e.X)) {
				return out
			}
			x, elements = e.X, true
		case *ast.StarExpr:
			x = e.X
		case *ast.TypeAssertExpr:
			// ci.(*WriteCell): the object ci holds.
			x = e.X
		case *ast.SelectorExpr:
			f, base, ok := variable(info, e)
			if !ok || base == "" {
				return out
			}
			out = append(out, holder{base: base, container: f, text: types.ExprString(e), elements: elements})
			x, elements = e.X, false
		default:
			return out
		}
	}
	return out
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

// ownLock reports whether t is or points to a struct with a field of a
// sync or sync/atomic type: a lock or atomic of its own.
func ownLock(t types.Type) bool {
	if t == nil {
		return true
	}
	st, ok := deref(t).Underlying().(*types.Struct)
	if !ok {
		return false
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
// lock itself, the writes it makes to fields of its receiver, itself or
// through such methods it calls on its receiver: a call of it writes them
// on the caller's X (couchbaselabs/walrus's _nextSequence; nats-server's
// consumer.applyState, "Lock should be held", called under the read lock
// before 47459ccb7; cloudfuse's attribute cache, whose insert wrote the
// tree through insertHelper, called under the read lock before PR #88).
func receiverWrites(info *types.Info, files []*ast.File) map[*types.Func][]write {
	type method struct {
		fn   *types.Func
		decl *ast.FuncDecl
		recv types.Object
	}
	var methods []method
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
			recv := decl.Recv.List[0].Names[0]
			methods = append(methods, method{fn, decl, info.Defs[recv]})
			for _, w := range nodeWrites(info, decl.Body, aliasVars(info, decl.Body)) {
				if w.base == recv.Name {
					w.via, w.viaAt = fn, w.node.Pos()
					out[fn] = append(out[fn], w)
				}
			}
		}
	}
	// Calls on the receiver, to a fixed point: each method gains the
	// writes of the lock-free methods it calls on its receiver, once per
	// written line.
	for changed := true; changed; {
		changed = false
		for _, m := range methods {
			directCalls(m.decl.Body, func(call *ast.CallExpr) {
				sel, isSel := astq.Unparen(call.Fun).(*ast.SelectorExpr)
				callee, isFunc := typeutil.Callee(info, call).(*types.Func)
				if !isSel || !isFunc || callee == m.fn {
					return
				}
				if id := astq.Ident(sel.X); id == nil || info.ObjectOf(id) != m.recv {
					return
				}
				for _, w := range out[callee] {
					if slices.ContainsFunc(out[m.fn], func(o write) bool { return o.viaAt == w.viaAt && o.field == w.field }) {
						continue
					}
					w.base = m.recv.Name()
					if w.chain == "" {
						w.chain = w.via.Name()
					}
					w.chain = m.fn.Name() + " → " + w.chain
					out[m.fn] = append(out[m.fn], w)
					changed = true
				}
			})
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
			w.node, w.base, w.baseExpr = call, base, sel.X
			w.target, w.shown = base+"."+w.field.Name(), ""
			out = append(out, w)
		}
	})
	return out
}

// nodeWrites returns the field writes n makes itself (not in function
// literals): assignments, increments and appends to X.f, and inserts,
// deletes and clears of a Go map X.f, or of one a local variable aliases
// (see aliasVars).
func nodeWrites(info *types.Info, n ast.Node, aliases map[*types.Var]alias) []write {
	var out []write
	add := func(node ast.Node, target ast.Expr, isMap bool) bool {
		shown := ""
		if id := astq.Ident(target); id != nil {
			if v, isVar := info.Uses[id].(*types.Var); isVar {
				if a, ok := aliases[v]; ok {
					target, shown = a.of, fmt.Sprintf("%s (%s)", id.Name, types.ExprString(a.of))
					if a.element {
						shown = fmt.Sprintf("%s (an element of %s)", id.Name, types.ExprString(a.of))
					}
				}
			}
		}
		v, base, ok := variable(info, target)
		if !ok || syncType(v.Type()) {
			return false
		}
		w := write{node: node, target: types.ExprString(target), shown: shown, field: v, base: base, isMap: isMap}
		if sel, isSel := astq.Unparen(target).(*ast.SelectorExpr); isSel {
			w.baseExpr, w.owner = sel.X, info.TypeOf(sel.X)
		}
		out = append(out, w)
		return true
	}
	lhs := func(node ast.Node, e ast.Expr) {
		if id := astq.Ident(e); id != nil {
			if v, isVar := info.Uses[id].(*types.Var); isVar && aliases[v] != (alias{}) {
				// The alias itself, made one here: not what it holds.
				return
			}
		}
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

// mutators are the methods that change a value of a type whose methods do
// not synchronise, by package path and type name. A simplelru LRU's Get
// moves the entry it finds to the front of its list; every method of a
// math/rand Rand that yields a number advances its source (a Rand made by
// rand.New is "not safe for concurrent use"; seaweedfs's vidMap picked a
// location with vc.r.Intn under RLock and panicked in production,
// seaweedfs/seaweedfs#1060); a bytes.Buffer's reads move its offset; a
// google/btree's Clone gives the tree a new copy-on-write context (etcd's
// treeIndex cloned its tree under RLock, fixed in etcd-io/etcd#10699).
var mutators = map[[2]string][]string{
	{"container/list", "List"}: {"Init", "PushFront", "PushBack", "PushFrontList", "PushBackList", "InsertBefore", "InsertAfter",
		"MoveToFront", "MoveToBack", "MoveBefore", "MoveAfter", "Remove"},
	{"github.com/hashicorp/golang-lru/simplelru", "LRU"}:    {"Add", "Get", "Remove", "RemoveOldest", "Purge", "Resize"},
	{"github.com/hashicorp/golang-lru/v2/simplelru", "LRU"}: {"Add", "Get", "Remove", "RemoveOldest", "Purge", "Resize"},
	{"math/rand", "Rand"}: {"ExpFloat64", "Float32", "Float64", "Int", "Int31", "Int31n", "Int63", "Int63n", "Intn",
		"NormFloat64", "Perm", "Read", "Seed", "Shuffle", "Uint32", "Uint64"},
	{"math/rand/v2", "Rand"}: {"ExpFloat64", "Float32", "Float64", "Int", "Int32", "Int32N", "Int64", "Int64N", "IntN",
		"NormFloat64", "Perm", "Shuffle", "Uint", "Uint32", "Uint32N", "Uint64", "Uint64N", "UintN"},
	{"math/rand/v2", "PCG"}:               {"Seed", "Uint64", "UnmarshalBinary"},
	{"math/rand/v2", "ChaCha8"}:           {"Read", "Seed", "Uint64", "UnmarshalBinary"},
	{"github.com/google/btree", "BTree"}:  {"Clear", "Clone", "Delete", "DeleteMax", "DeleteMin", "ReplaceOrInsert"},
	{"github.com/google/btree", "BTreeG"}: {"Clear", "Clone", "Delete", "DeleteMax", "DeleteMin", "ReplaceOrInsert"},
	{"bytes", "Buffer"}: {"Grow", "Next", "Read", "ReadByte", "ReadBytes", "ReadFrom", "ReadRune", "ReadString", "Reset",
		"Truncate", "UnreadByte", "UnreadRune", "Write", "WriteByte", "WriteRune", "WriteString", "WriteTo"},
	{"strings", "Builder"}: {"Grow", "Reset", "Write", "WriteByte", "WriteRune", "WriteString"},
}

// mutatorHarm says what concurrent calls of a mutator do, for the types
// that are not containers of linked elements.
var mutatorHarm = map[string]string{
	"math/rand":               "concurrent holders of the read lock advance its source at the same time as each other, so they draw the same numbers, and math/rand's source can index out of its range and panic",
	"math/rand/v2":            "concurrent holders of the read lock advance its source at the same time as each other, so they draw the same numbers and leave its state torn",
	"bytes":                   "concurrent holders of the read lock move its offsets and grow its storage at the same time as each other and as every reader, so bytes are lost, repeated or read torn",
	"strings":                 "concurrent holders of the read lock grow and append to it at the same time as each other, so bytes are lost and its contents torn",
	"github.com/google/btree": "concurrent holders of the read lock change its nodes or, with Clone, its copy-on-write context at the same time as each other and as every reader, so a clone can share nodes the tree later changes in place",
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
			if slices.Contains(mutators[port.of], method.Name()) && hasMethods(named, port.shape) {
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
