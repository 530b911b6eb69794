// Package checkthenact defines an analyzer that reports a check of a
// concurrent map's key followed by a write of the same key that depends on
// what the check saw: a check-then-act sequence that is not atomic even
// though every single call is. On a Go map guarded by a lock released
// between the check and the write it reports a lost update, a stale delete,
// a delete of collected keys, a replace decided by comparing the loaded
// value with what it stores, a delete after a check made by a helper of the
// package that takes and releases the lock itself (a getter, then a
// remove), a get-or-create of a new object without its second look and
// an insert past a size bound checked before the lock was released; with
// -plainmaps it reports every check-then-act on such a map. On one atomic
// variable it reports a flag checked, then set, before a close that two
// goroutines past the check would both make.
//
// # Analyzer checkthenact
//
// checkthenact: report non-atomic check-then-act sequences on concurrent maps, Go maps under a lock and atomic flags
//
// A map-like type is recognised by its shape: a Load-like method (Load, Get,
// Lookup) returning (value, bool), or (value, error) with the error nil
// exactly when the key was there, or a Has-like method (Has, Contains,
// Exists) returning bool, and a Store-like (Store, Set, Put, Swap),
// Delete-like (Delete, Remove, Del) or claiming (LoadOrStore, CompareAndSwap,
// Compute, …) method on the same key type, whatever their results. An
// Increment-like method (Increment…, Decrement… taking the key and a number
// and returning an error last, as patrickmn/go-cache's) is a check when it
// fails: the key was absent; Add(key, value, …) returning only an error
// inserts only when the key is absent, a claim. A LoadOrStore-like claim
// (LoadOr…, GetOr… returning the value found and whether it found one) is
// a check for the writes its found value decides or computes. It must be
// meant for concurrent use: sync.Map, the raceproof maps, a type with
// sync.Map's Load/Store naming, or a struct holding a lock, an atomic or a
// sync.Map (a sync.Once or WaitGroup alone does not count).
//
// Two key expressions are the same key when they are the same expression,
// the same operator, conversion or function applied to the same keys
// (namespace + "." + string(key), fmt.Sprintf("%s/%d", tenant, id)), or the
// same getter on the same receiver (req.Nonce()); a function or method
// whose name says it returns something new (nextKey, NewID, Pop) never is.
// A write's key that is a local assigned once from a clone… call of the
// check's key (labelCopy := cloneLabel(label)) is the check's key.
//
// For each write of key k that can run after a check of the same key on the
// same map, it follows the function's control-flow graph from the check to
// the write and reports the write when
//
//   - the write depends on the check: the value stored derives from the
//     loaded value on some path (variable by variable, path by path), or a
//     branch on the check's results decides whether the write runs (at any
//     nesting depth, including early returns), and
//   - no exclusive lock is held on every path from the check to the write
//     (read locks do not count: two readers interleave), no re-check of the
//     key under such a lock precedes the write, and no atomic claim of the
//     key (LoadOrStore, CompareAndSwap, …) lies between them, and
//   - the consequence is real: a lost update (the stored value is computed from
//     the loaded one, or a Store that runs only when an Increment failed
//     overwrites the increments made in between), a replace or delete decided
//     by a value that may have changed, a value taken by both goroutines (Load
//     then Delete), a Delete of a key the check found after which the function
//     goes on as the one that deleted it (it answers with the check's ok flag,
//     or its branch calls, counts, closes or returns true after the Delete,
//     where not every return of the function answers true), an
//     insert-if-absent claim (LoadOrStore, GetOrSet, PutIfAbsent, …), made by
//     the function or by a function of the package it calls, that runs only
//     when the check found the key of a map the package deletes from (a deleted
//     entry comes back), or an insert-if-absent whose two racing values differ
//     or whose branch has other effects. An insert-if-absent of a constant, of
//     a value computed from the key alone (a cache of a deterministic function:
//     code that builds no new object, save a value object (see valueObject),
//     and, for a value holding pointers, calls
//     no function value or interface method, except that a call handed a
//     reflect.Type key builds a description of that type; for a value holding
//     no pointers, from the key's inputs), or of a singleflight result for the
//     key is idempotent and not reported when its branch does nothing else (no
//     call but another map's Delete, no counter, atomic or not, no bool result
//     telling the caller it inserted: a "first seen" that both racing
//     goroutines answer true is reported; returning the stored bool itself is
//     a memo's answer, and a constant every return of the function gives
//     answers nothing; an entry
//     the function deletes again with a deferred Delete of the key marks the
//     key busy, and is reported whatever its value, and so is a marker (a
//     constant or an empty struct) followed by a return that calls a function),
//     nor is an update-if-present that ignores the old value, nor a deferred
//     Store putting back the unchanged loaded value (a save and restore, meant
//     to overwrite whatever was stored in between).
//
// A check of a key whose answer is used, after a LoadOrStore-like claim of
// it whose loaded result is dropped and with no Delete of the key between
// them, is reported too: it finds the entry the claim left, whatever was
// there before, and cannot tell whether the call inserted. So is a Store
// on every path after the check where the path on which the check found
// the key waits on what it found (a receive from it or from one of its
// fields, a Wait call on it): every goroutine that waited on the same busy
// marker stores its own, and each goes on as the key's holder. And so is a
// call, where the check found nothing, of a creator of the package that
// fails when the key exists, when the function answers the entry its check
// finds and hands the creator's error back (see lostcreate.go).
//
// The function a Range runs is handed entries Range found: a Delete there of
// the key it was handed, followed by a use that hands the value on (an
// argument of a call, a method called on it, a send), takes the entry as
// Load then Delete does, and is reported unless a lock held around the
// whole Range, a re-check or claim of the key before the Delete, or a sole
// taker (below) makes it atomic. A scan that collects, into a slice, the
// keys whose value passes a test (in the function m.Range runs, or a range
// statement over a Go map under its lock), or whose value a Load of the map
// by the key found passing a test (in any scan), followed by a loop
// deleting each collected key without looking at the entry again, deletes
// by what the scan saw, and is reported at the delete. A Delete handed a
// function that decides by the entry it is handed (a cmap's Delete(k,
// func(v V, exists bool) bool) reading v) looks again where it deletes.
//
// A call of a function of the package that stores into or deletes from a
// map reached from its receiver, a parameter or a package-level variable
// (through fields, or getters: part.Map(), see sameMap), under a key
// derived from a parameter or a field of its receiver (dm.name), without
// checking that map itself,
// is a write too (transitively, up to five calls deep): a check followed on
// its absent branch by such a Store is an insert-if-absent split across
// functions, and such a Delete is judged as one in place would be (a take,
// a stale delete), each reported at the call; a Store of the helper's
// parameter as it is, handed a value computed from the loaded one, is a
// lost update (n := t.get(k); t.set(k, n+1)). A write inside the function
// a singleflight.Group's Do runs is a write at the Do call: flights that do
// not overlap do not share. An insert there after a check outside the
// flight is reported only when its value owns something to give back or
// the flight counts (see flightKeepsNothing): a later flight's value is as
// new as the earlier one's. A call of a helper of the package that returns
// what one check of such a map found is a check: its ok flag, the value
// found with an error that is nil exactly when there was one (a getter
// answering ErrNotFound), the value found and true (false when there was
// none), or the value alone, nil when there was none (a Go map's entry
// returned as it is, whatever its type).
//
// On a Go map, m[k] read under a lock is a check (assigned as it is, read
// inside the expression a variable is assigned, n := m[k] + 1, or inside
// a condition, if m[k] != nil), and m[k] = v or
// delete(m, k) under the same lock held exclusively is a write, when the
// lock is released between them and nothing reads m[k] again under the
// write's lock: a write that the loaded value computes (a count written
// back incremented) or decides (an entry found expired, then deleted) is
// reported, and so is a write decided by comparing the loaded value with
// what it stores (an update's epoch with the node's), and an insert where
// the function answers an error of its own when the check finds the key
// (a registration refusing duplicates) or that inserts a parameter and
// hands it to a call (a received item processed). A write reached only
// where the check found nothing is an insert.
//
// On a Go map, an insert under its lock after len(m) was read under the
// lock released since, with a branch between them comparing that size
// with a bound (not testing for emptiness) that refuses the insert or
// evicts from the map, is reported: another goroutine inserts in between
// and the map grows past the bound (see sizecheck.go; the same for an
// append to a slice in a field or package variable, unless a field the
// bound reads, a reserved slot, is written in between, for a push onto a
// container/list.List in one, and for an insert made by a method of the
// package that takes the lock itself and does not read the size), and an
// insert of a value that a search of the map by value, under the lock
// released since, did not find (see valuesearch.go). So is, on one
// atomic variable (sync/atomic's types and functions, directly or through
// a getter and setter of the package that are that one step), a Store of
// the constant a branch on the loaded value looks for (with it loaded,
// the branch fails), before a close of a channel held in a field or a
// package variable on the path that passed: two goroutines pass the check
// and the second close panics (see atomics.go). So are a sync/atomic
// step on a local copy of shared state, which no other goroutine sees (see
// atomiccopy.go), and a field of an object loaded from a concurrent map
// (or read from a Go map under its lock, when another function reads or
// sets the field too) checked and set to a constant with plain reads and
// writes and no lock, on a branch that does more, or a field of the
// receiver of a method a go statement runs (directly, or by a call in the
// literal it runs), checked and set the same way (see sharedflag.go).
//
// On a Go map, a helper's check or write counts when the helper takes and
// releases, around it, a lock reached from the map's root (plt.mu for
// plt.inodes), and its caller does not hold that lock at the call: a
// getter returning m[k] (or m[k] with an ok flag or an error, or the entry
// it created when there was none) and a remover or setter that does not
// decide or compute its write by m[k] (one that hands back the entry it
// replaces, a swap, counts); the methods of a map-like type of the package count
// as helpers too. A delete after such a getter, made in place under the
// lock or by such a remover, and a delete by such a remover after the
// function's own read under the lock, are judged as on a concurrent map; a
// remover handed the value the getter found, whose delete is decided by it,
// is a stale delete. Inserts through such helpers are left to -plainmaps,
// and so is every other insert on a Go map but one: a get-or-create that
// reads m[k] under the lock, releases it, stores a new object (&T{…},
// new(T), the result of a New…, Dial… or Connect… call or of a function
// of the package returning only new objects) under the lock taken again where
// nothing was found, or has a helper that locks make, store and return
// it, or stores it in place (m[k] = newT()) and reads m[k] again after,
// or hands it to such a setter when it owns something to release (a
// Close method: vault's connPut swapped in a database connection and
// closed the one it replaced), and goes on with that object (see
// freshGetOrCreate). A function that
// claims its key on another map, returning when the claim finds it taken,
// and defers the claim's Delete, runs for that key in one goroutine at a
// time (see keyGuarded).
//
// Tests and test helpers (functions of a test file with a *testing.T, B or
// F parameter) that start no goroutine and run nothing in parallel are
// skipped for maps of their own or handed to them: they run in one
// goroutine. Maps held in local variables that never leave the function
// are skipped,
// and so are functions that document that their caller holds the lock: names
// ending in Locked, NoLock, LockHeld or UnderLock, or a doc comment saying
// the lock "must be held", the function is "called with mu held", etc.,
// or that it is not safe for concurrent use ("Reset is not thread-safe",
// "must not be called concurrently", "it's not atomic, so make sure …").
// An unexported function that every call of the package (outside test
// files, when there is one there) makes with the same package-level mutex
// held (or, for a method, the same mutex of the receiver it is called on),
// and that is never used as a value, deferred or run by a go statement,
// runs with that mutex held.
// Closures inherit the locks their creator holds where they are created,
// except closures run by go or defer statements. A helper of the package
// that only locks or unlocks one mutex (getShardLock(key)), paired with its
// counterpart, takes or releases that lock at its calls, for the keys it
// is handed; so does a keyed lock, x.Lock(k) and x.Unlock(k) on a type
// that has both, for key k.
//
// Maps one goroutine owns are skipped too. A field of the receiver that
// only the methods of one goroutine touch (an unexported method started
// once with a go statement, outside loops and outside literals other than
// the one a sync.Once runs, and the unexported methods only it calls)
// belongs to that goroutine; so do the maps reached through the receiver
// of a method documented as invoked from its own receiver's loop (its doc
// names a method of the receiver ending in "loop", such as readLoop); and
// the function a singleflight.Group runs for a key (or for the key converted
// to another string type, string(uid)) is the only one running for that
// key. A take (Load, then Delete, then use of the value) in a method one
// goroutine runs is skipped when no method of another goroutine takes from
// that map. A package-level map filled by a function that runs only
// through one package-level sync.Once's Do, when every other function of
// the package using the map calls Do on it first, is filled alone (see
// onceGuarded).
//
// Some races leave nothing wrong, and are skipped too: a Delete of a stale
// entry from a map named as a cache, followed only by a return of
// constants, and a cache fill (an insert-if-absent into a map named as a
// cache of what lookup calls returned, a value with nothing to release,
// with nothing else on its branch that outlives it) only cost a reload, and
// so does an insert of a *sync.Pool with nothing else on its branch (a pool
// may drop what it holds at any time); a
// Delete decided only by a failed type test of the loaded value, on an
// unexported map whose every store in the package's non-test files passes
// that test, never meets an entry the program stored; and a Store skipped
// only when the loaded value already equals the value it would store
// (in one if, or across the function when every other path stores the
// same value and every path answers the same, see storesUnlessEqual)
// leaves the map as an unconditional Store would. An entry keyed by the
// *http.Request an HTTP handler is handed is that call's own (see
// ownRequest), and a check and a write written with one key variable that
// every path between them sets anew are on different keys (see
// keyRebound).
//
// The diagnostic names the atomic operation to use instead, chosen from what
// the map type has. Writes after one check that would get the same
// diagnostic (a Store in each case of a switch on what the check decided)
// are one check-then-act, reported once at the first with the others'
// lines. The mechanical case
//
//	if _, ok := m.Load(k); !ok { m.Store(k, v) }
//
// with a side-effect-free v comes with a suggested fix, m.LoadOrStore(k, v),
// which is exactly equivalent.
//
// Each diagnostic names the rule that made it as its Category (a lost
// update is "lost-update", a get-or-create "insert-if-absent", a flag
// tested and set in plain "shared-flag"; rules.go lists all of them), which
// racecheck vet prints after the analyzer's name and go vet -json gives as
// "category". The -skip flag (a comma-separated list of rules) leaves the
// findings of those rules out; docs/vet.md gives each rule's precision on
// the projects it was measured on.
package checkthenact

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// Analyzer reports non-atomic check-then-act sequences on concurrent maps.
var Analyzer = &analysis.Analyzer{
	Name:     "checkthenact",
	Doc:      "report non-atomic check-then-act sequences on concurrent maps, Go maps under a lock and atomic flags",
	URL:      "https://github.com/raceproof/raceproof/tree/main/modules/racecheck/analyzers/checkthenact",
	Requires: []*analysis.Analyzer{inspect.Analyzer},
	Run:      run,
}

// plainMaps is the -plainmaps flag: report every check-then-act on Go maps
// guarded by a lock released between the check and the write (see
// plainmap.go). Off by default, as its precision on real projects is
// lower than checkthenact's; without it only the kinds reportedByDefault
// names are.
var plainMaps bool

func init() {
	Analyzer.Flags.BoolVar(&plainMaps, "plainmaps", false, "report every check-then-act on Go maps whose lock is released between the check and the write, inserts, takes and double deletes too (experimental)")
}

// op is one call of a map-like method.
type op struct {
	call  *ast.CallExpr
	kind  opKind
	name  string
	shape *shape
	recv  ast.Expr
	key   ast.Expr
	// helper: the call is of a check helper of the package (see
	// checkVia), and recv is built from the helper's map path.
	helper bool
	// plain: an index expression or delete on a Go map (see plainmap.go).
	plain bool
	// errAbsent: the check's last result is an error that is non-nil when
	// the key was absent (a failed Increment, a check helper answering
	// ErrNotFound).
	errAbsent bool
	// inside: for a helper's op on a Go map, the lock the helper takes and
	// releases around it, in the caller's terms (see lockAround).
	inside string
}

// fn is a function body with the map operations directly inside it.
type fn struct {
	node   ast.Node // *ast.FuncDecl or *ast.FuncLit
	body   *ast.BlockStmt
	parent *fn // the enclosing function of a literal
	decl   *ast.FuncDecl
	ops    []op
	// calls: calls of the package's own functions directly in the body,
	// not run by a go statement; they may store through their callee.
	calls []*ast.CallExpr
	// runs: calls directly in the body that run a function literal in
	// this goroutine before the function returns: singleflight's Do, a
	// literal called where it is written, a deferred literal.
	runs []*ast.CallExpr
	g    *graph
	// async: a literal run by a go or defer statement, which does not run
	// under its creator's locks.
	async bool
}

type checker struct {
	pass   *analysis.Pass
	shapes shapes
	funcs  map[ast.Node]*fn
	// via: what calling each function of the package stores (see via.go).
	via map[*types.Func][]writeVia
	// flights: the key of each literal a singleflight.Group runs.
	flights map[*ast.FuncLit]ast.Expr
	// checkVia: the package's check helpers (see via.go).
	checkVia map[*types.Func]checkVia
	// refusers: the package's creators that fail when the key exists
	// (see lostcreate.go).
	refusers map[*types.Func][]refuser
	// owners: methods and fields one goroutine owns (see owner.go).
	owners owners
	// locks: what takes and releases locks, the package's lock helpers
	// included.
	locks *lockCalls
	// decls: the package's function declarations (see declOf).
	decls map[*types.Func]*ast.FuncDecl
	// nonZeroSets: the fields the package assigns a value that is not a
	// zero one (see setToNonZero).
	nonZeroSets map[*types.Var]bool
	// probeFuncs: the package's functions answering whether a channel is
	// closed (see probes); netPkg, ioPkg: packages net and io, when
	// imported (see streamContract).
	probeFuncs map[*types.Func]probe
	// closes, cleared: the channel fields the package closes a value of
	// (with the close) and sets to nil (see closedFields).
	closes        map[*types.Var]*ast.CallExpr
	cleared       map[*types.Var]bool
	netPkg, ioPkg *types.Package
	ioLooked      bool
	typeDocs      map[*types.TypeName]*ast.CommentGroup // doc comments of the package's type declarations (see typeDoc)
	// synthetic: the index expression of each plain-map op's call.
	synthetic map[*ast.CallExpr]*ast.IndexExpr
	// ranges: the literals a map-like type's Range runs (see rangetake.go).
	ranges map[*ast.FuncLit]rangeScan
	// deleted: the maps (fields or variables) the package deletes from
	// (see resurrect.go), computed on first use.
	deleted map[types.Object]bool
	// mapLocks: for each Go map in a field or variable, the functions that
	// use it and the locks each takes (see findMapLocks).
	mapLocks map[types.Object]map[*ast.FuncDecl]map[types.Object]bool
	// goRoots: for each function of the package that goroutines started
	// in a loop run, where they are started (see computeGoRoots); computed
	// on first use.
	goRoots map[*types.Func]ast.Node
	// onceFuncs: the package's functions run only through Do of one
	// package-level sync.Once, and that Once (see findOnceFuncs), computed
	// on first use.
	onceFuncs map[*types.Func]*types.Var
	// callerHeld: the package-level locks held at every call of a function
	// (see computeCallerHeld).
	callerHeld map[*types.Func]lockSet
	// started: the package's methods go statements run on the receiver or
	// a parameter of the function holding the statement (so that two runs
	// of it start two goroutines on one object), each with one such call.
	started map[*types.Func]*ast.CallExpr
	// counted: the atomic fields and variables the package's non-test
	// code adds to (see countedByAdd), computed on first use.
	counted map[*types.Var]bool
	// implementations: for each interface type of the package's method
	// calls, its one implementation in the package (see callee).
	implementations map[*types.Interface]*types.Named
	// boundMethods: for each function-typed field the package only ever
	// sets to one method value, that method (see boundMethod); computed
	// on first use.
	boundMethods map[*types.Var]*types.Func
	// fieldVals: the values the package gives each struct field (see
	// fieldValues); computed on first use.
	fieldVals map[*types.Var][]fieldValue
	// methodRuns: for each method of the package, a call running it in a
	// goroutine of its own and a plain call of it (see startedAndCalled),
	// computed on first use.
	methodRuns map[*types.Func]*[2]*ast.CallExpr
	// adopted: the Store-like calls whose result, of the stored value's
	// type, the caller goes on with in place of the value it stored (see
	// adopted.go).
	adopted map[*ast.CallExpr]bool
	// writtenFields: the struct fields the package writes after building
	// the struct (see valueObject), computed on first use.
	writtenFields map[*types.Var]bool
	// overwritten: the struct types the package overwrites whole through
	// a pointer (*p = T{…}), computed with writtenFields.
	overwritten map[types.Type]bool
	// callers: the calls of each of the package's functions (see
	// callersOf), computed on first use.
	callers map[*types.Func][]callSite
	// funcVars: the package-level variables of function type set only
	// by their declaration to a function literal, and that literal (see
	// funcVarLit), computed on first use.
	funcVars map[*types.Var]*ast.FuncLit
}

func run(pass *analysis.Pass) (any, error) {
	ins := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	c := &checker{pass: pass, shapes: shapes{cache: map[types.Type]*shape{}}, funcs: map[ast.Node]*fn{}, flights: map[*ast.FuncLit]ast.Expr{}, synthetic: map[*ast.CallExpr]*ast.IndexExpr{}, ranges: map[*ast.FuncLit]rangeScan{}, started: map[*types.Func]*ast.CallExpr{}, adopted: map[*ast.CallExpr]bool{}}
	var stack []*fn
	filter := []ast.Node{(*ast.FuncDecl)(nil), (*ast.FuncLit)(nil), (*ast.CallExpr)(nil), (*ast.GoStmt)(nil), (*ast.DeferStmt)(nil), (*ast.AssignStmt)(nil), (*ast.ValueSpec)(nil), (*ast.ReturnStmt)(nil), (*ast.IfStmt)(nil)}
	var pendingAsync []*ast.FuncLit
	var decls []*fn
	goCalls := map[*ast.CallExpr]bool{}
	started := map[*types.Func]bool{}
	ins.Nodes(filter, func(n ast.Node, push bool) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if !push {
				stack = stack[:len(stack)-1]
				return true
			}
			if n.Body == nil {
				return false
			}
			f := &fn{node: n, body: n.Body, decl: n}
			c.funcs[n] = f
			decls = append(decls, f)
			stack = append(stack, f)
		case *ast.FuncLit:
			if !push {
				stack = stack[:len(stack)-1]
				return true
			}
			f := &fn{node: n, body: n.Body}
			if len(stack) > 0 {
				f.parent = stack[len(stack)-1]
				f.decl = f.parent.decl
			}
			f.async = slices.Contains(pendingAsync, n)
			c.funcs[n] = f
			stack = append(stack, f)
		case *ast.GoStmt:
			if push {
				pendingAsync = append(pendingAsync, asyncLits(n.Call)...)
				goCalls[n.Call] = true
				if callee := typeutil.StaticCallee(pass.TypesInfo, n.Call); callee != nil && callee.Pkg() == pass.Pkg && callee.Signature().Recv() != nil {
					started[callee] = true
					if c.started[callee] == nil && len(stack) > 0 && startedOnOwnArg(pass.TypesInfo, stack[len(stack)-1].decl, n.Call) {
						c.started[callee] = n.Call
					}
				}
				if lit, isLit := astq.Unparen(n.Call.Fun).(*ast.FuncLit); isLit && len(stack) > 0 {
					c.noteStartedInLiteral(stack[len(stack)-1].decl, lit)
				}
			}
		case *ast.DeferStmt:
			if push {
				pendingAsync = append(pendingAsync, asyncLits(n.Call)...)
			}
		case *ast.AssignStmt, *ast.ValueSpec, *ast.ReturnStmt:
			if push {
				c.noteAdoptedResult(n)
			}
			if push && len(stack) > 0 {
				f := stack[len(stack)-1]
				f.ops = append(f.ops, c.plainOps(n)...)
			}
		case *ast.IfStmt:
			if push && len(stack) > 0 {
				f := stack[len(stack)-1]
				f.ops = append(f.ops, c.plainCondOps(n.Cond)...)
			}
		case *ast.CallExpr:
			if push && len(stack) > 0 {
				f := stack[len(stack)-1]
				if lit, scan, ok := c.rangeCall(n); ok {
					c.ranges[lit] = scan
				}
				if flightCall(pass.TypesInfo, n) {
					for _, lit := range asyncLits(n) {
						c.flights[lit] = n.Args[0]
					}
				}
				if _, called := astq.Unparen(n.Fun).(*ast.FuncLit); (called || flightCall(pass.TypesInfo, n)) && !goCalls[n] {
					f.runs = append(f.runs, n)
				}
				if o, ok := c.mapOp(n); ok {
					f.ops = append(f.ops, o)
				}
				// A method of a map-like type of this package is also a
				// call whose body is known: what it does to the Go map
				// inside counts as well (grimd's Get read its map under
				// the read lock, then dropped an expired entry by calling
				// its own Remove).
				if callee := c.callee(n); callee != nil && callee.Pkg() == pass.Pkg && !goCalls[n] {
					f.calls = append(f.calls, n)
				}
			}
		}
		return true
	})
	c.locks = &lockCalls{info: pass.TypesInfo, helpers: findLockHelpers(pass.TypesInfo, decls), args: map[string][]string{}}
	c.summarize(decls)
	c.summarizeChecks(decls)
	c.summarizeRefusers(decls)
	c.owners = c.computeOwners(started)
	c.computeCallerHeld()
	for _, f := range c.funcs {
		c.checkFunc(f)
		c.checkLostCreates(f)
		c.checkAtomics(f)
		c.checkAtomicCopies(f)
		c.checkAtomicClears(f)
		c.checkLockedClears(f)
		c.checkLockedUpdates(f)
		c.checkSharedFlags(f)
		c.checkProbeCloses(f)
		c.checkSendsAfterRelease(f)
		c.checkFlaggedSends(f)
		c.checkSendsBeforeClear(f)
		c.checkLazyGlobals(f)
		c.checkLockedLazy(f)
		c.checkLockedLazyHelpers(f)
		c.checkCounterBounds(f)
		c.checkAtomicCountBounds(f)
		c.checkAddThenLoad(f)
		c.checkClosedInserts(f)
		c.checkSizeBounds(f)
		c.checkValueSearches(f)
		c.checkSwapCloses(f)
		c.checkCondWaits(f)
		c.checkBareWaits(f)
		c.checkLenReceives(f)
		c.checkLenPops(f)
		c.checkLateFlags(f)
		c.checkStaleIndexes(f)
		c.checkSplitSections(f)
		c.checkLockedClaims(f)
		c.checkAtomicUpdates(f)
	}
	return nil, nil
}

// asyncLits returns the function literals a go or defer statement runs
// later: the called literal itself, or literals passed to the call.
func asyncLits(call *ast.CallExpr) []*ast.FuncLit {
	var out []*ast.FuncLit
	if lit, ok := astq.Unparen(call.Fun).(*ast.FuncLit); ok {
		out = append(out, lit)
	}
	for _, a := range call.Args {
		if lit, ok := astq.Unparen(a).(*ast.FuncLit); ok {
			out = append(out, lit)
		}
	}
	return out
}

// mapOp recognises a call of a check, write or claim method of a map-like
// type.
func (c *checker) mapOp(call *ast.CallExpr) (op, bool) {
	if o, ok := c.plainDeleteOp(call); ok {
		return o, true
	}
	sel, ok := astq.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || len(call.Args) == 0 {
		return op{}, false
	}
	name := sel.Sel.Name
	if !loadNames[name] && name != "Find" && !hasNames[name] && !storeNames[name] && !deleteNames[name] && !isClaimName(name) && name != "Add" &&
		!strings.HasPrefix(name, "Increment") && !strings.HasPrefix(name, "Decrement") {
		return op{}, false
	}
	recv, method, ok := astq.MethodCall(c.pass.TypesInfo, call)
	if !ok {
		return op{}, false
	}
	s := c.shapes.of(c.pass.TypesInfo.TypeOf(recv))
	if s == nil || s.ops[method.Name()] == opNone {
		return op{}, false
	}
	kind := s.ops[method.Name()]
	if kind == opStore && (c.keepsExistingData(method) || c.adopted[call] && c.mayAnswerExisting(method)) {
		kind = opClaim
	}
	return op{call: call, kind: kind, name: method.Name(), shape: s, recv: recv, key: call.Args[0], errAbsent: s.errLoads[method.Name()]}, true
}

// check is one check of a key: v, ok := m.Load(k), ok := m.Has(k),
// err := m.Increment(k, n) (a failed Increment found no entry), or m.Has(k)
// or m.Increment(k, n) inside a condition.
type check struct {
	op
	at     site
	value  types.Object // nil when blank or absent
	ok     types.Object // nil when blank or absent
	inline bool         // a Has-like or Increment-like call, or a single-valued read, used directly in a condition
	// computed: a variable assigned an expression the single-valued read
	// is part of (n := m[k] + 1): it derives from the loaded value, but is
	// not that value.
	computed types.Object
}

// write is one Store-like or Delete-like call, or a call of a function
// that stores through its callees (via is then what it stores, and op's
// call, recv and key are the call and the map and key in the caller's
// terms).
type write struct {
	op
	at  site
	via *writeVia
	// runner: the call that runs the function literal making this write
	// (see fn.runs); at is then the runner's site.
	runner *ast.CallExpr
	// keyText: for a write through a call whose callee computes its key
	// from a parameter (address.Host()+":"+strconv.Itoa(address.Port())),
	// that key as the caller would write it, the parameter replaced by the
	// argument (see viaKeyText).
	keyText string
}

func (c *checker) checkFunc(f *fn) {
	c.checkRangeTakes(f)
	c.checkEagerClaims(f)
	c.checkOwnEntryDeletes(f)
	c.checkHandedEntryDeletes(f)
	c.checkCollectedDeletes(f)
	c.checkCollectorDeletes(f)
	var hasCheck, hasWrite bool
	var helperChecks []op
	for _, call := range f.calls {
		if o, ok := c.viaCheck(call); ok {
			helperChecks = append(helperChecks, o)
		}
	}
	for _, o := range append(f.ops, helperChecks...) {
		switch {
		case o.kind == opLoad, o.kind == opHas, o.kind == opBump, getOrSet(c.pass.TypesInfo, o):
			hasCheck = true
		case o.kind == opStore, o.kind == opDelete:
			hasWrite = true
		}
		if o.kind == opClaim && insertsIfAbsent(o.name) {
			hasWrite = true
		}
	}
	var viaWrites []write
	if hasCheck {
		for _, call := range f.calls {
			viaWrites = append(viaWrites, c.viaWrites(call)...)
		}
		viaWrites = append(viaWrites, c.litWrites(f)...)
	}
	if !hasCheck || !hasWrite && len(viaWrites) == 0 || c.callerLocked(f) {
		return
	}
	info := c.pass.TypesInfo
	g := c.graph(f)
	var checks []check
	var reads []check // getters' reads used in place (see readInStore)
	var writes []write
	var claims []op
	for _, o := range append(f.ops, helperChecks...) {
		at, ok := g.calls[o.call]
		if !ok {
			continue // unreachable code
		}
		switch o.kind {
		case opLoad, opHas, opBump:
			if ch, ok := asCheck(info, o, at); ok {
				checks = append(checks, ch)
			} else if o.helper && o.kind == opLoad {
				reads = append(reads, check{op: o, at: at})
			}
		case opStore, opDelete:
			writes = append(writes, write{op: o, at: at})
		case opClaim:
			claims = append(claims, o)
			if getOrSet(info, o) {
				if ch, ok := asCheck(info, o, at); ok {
					checks = append(checks, ch)
				}
			}
			if insertsIfAbsent(o.name) {
				writes = append(writes, write{op: o, at: at})
			}
		}
	}
	c.reportRecheckedClaims(f, g, checks, claims)
	for _, w := range viaWrites {
		site := w.call
		if w.runner != nil {
			site = w.runner
		}
		if c.judgedAsMapOp(info, w, writes, checks) {
			continue
		}
		if at, ok := g.calls[site]; ok {
			w.at = at
			writes = append(writes, w)
		}
	}
	var found []*finding
	for _, w := range writes {
		if c.localMap(f, w.recv) || c.onceGuarded(f, w.recv) || c.ownedByLoop(f, w.recv) || c.ownedByGoroutine(f, w.recv) && !c.keyedRoot(f, w.key) || c.inFlight(f, w.key) || c.keyGuarded(f, w.key) || c.ownRequest(f, w.key) {
			continue
		}
		var best *finding
		protected := false
		for _, rd := range reads {
			if rd.at == w.at && best == nil {
				best = c.readInStore(g, rd, w)
			}
		}
		for _, ch := range checks {
			if ch.call == w.call || ch.at == w.at || !sameMap(info, ch.recv, w.recv) || !sameKey(info, ch.key, w.key) && !clonedKey(info, f, ch.key, w.key) && !sameKeyText(info, ch.key, w.keyText) && !c.literalKey(f, ch.key, w) && !c.loadedKey(f, ch, w) {
				continue
			}
			bt, ok := g.between(ch.at, w.at)
			if !ok || astq.Same(info, ch.key, w.key) && g.keyRebound(info, ch.at, w.at, ch.key) {
				continue
			}
			fd := c.analyzePair(f, g, ch, w, bt)
			if fd == nil {
				continue
			}
			if c.atomicBetween(g, bt, ch, claims) {
				protected = true
				break
			}
			if w.plain {
				fd.unlockedCheck = c.unlockedCheck(f, g, ch, w, bt)
				if fd.unlockedCheck == "" && (!c.plainLocked(f, g, ch, w, bt) || !plainMaps && !c.reportedByDefault(f, fd, bt)) {
					continue
				}
			}
			if best == nil || ch.call.Pos() > best.check.call.Pos() {
				best = fd
			}
		}
		if !protected && best != nil && best.kind != nothing && !c.sequentialTest(f, w.recv) && !c.soleGoroutineOfTest(f, w.recv) {
			found = append(found, best)
		}
	}
	c.report(found)
}

// readInStore returns the lost update of a Store whose value is computed
// in place from a getter's read of the same key, t.set(k, t.get(k)+1),
// or nil: the getter's read and the Store are two steps, with nothing
// holding a lock from one to the other.
func (c *checker) readInStore(g *graph, ch check, w write) *finding {
	info := c.pass.TypesInfo
	stored := storedArg(w)
	if stored == nil || w.plain && w.via == nil || !sameMap(info, ch.recv, w.recv) || !sameKey(info, ch.key, w.key) ||
		!containsNode(stored, ch.call) || astq.Unparen(stored) == ch.call || len(g.heldAt(c.locks, ch.at)) > 0 {
		return nil
	}
	return &finding{kind: lostUpdate, check: ch, write: w}
}

// judgedAsMapOp reports whether a write through a call is also a write of
// a map-like type of the package (its Set or Remove) that a check of the
// same type and key in f already pairs with: that pair is judged on the
// type's own terms (Exists then Set(k, true) stores an equal value), and
// the Go map inside counts only where the check is not made through the
// type (a read of its map in place, as in grimd's Get).
func (c *checker) judgedAsMapOp(info *types.Info, w write, writes []write, checks []check) bool {
	for _, o := range writes {
		if o.call != w.call {
			continue
		}
		for _, ch := range checks {
			if sameMap(info, ch.recv, o.recv) && sameKey(info, ch.key, o.key) {
				return true
			}
		}
	}
	return false
}

// callerLocked reports whether f, or the declaration it is written in, says
// its caller holds the lock, or that it is not safe for concurrent use.
func (c *checker) callerLocked(f *fn) bool {
	return f.decl != nil && (astq.CallerHoldsLock(f.decl) || docSaysUnsynchronized(f.decl)) && !(f.async && f.node != f.decl)
}

// litWrites returns the writes made by the function literals f runs in its
// own goroutine (see fn.runs), as writes at the call that runs them:
// singleflight's Do runs its function before it returns (kitex's gRPC
// connection pool stored a new pool entry inside the flight after a check
// outside it, and two goroutines whose flights did not overlap each stored
// their own), and a deferred or immediately called literal runs in f. A
// literal that checks or claims the key itself before writing decides on
// its own (inside a flight, see inFlight).
func (c *checker) litWrites(f *fn) []write {
	info := c.pass.TypesInfo
	var out []write
	for _, call := range f.runs {
		for _, lit := range asyncLits(call) {
			lf := c.funcs[lit]
			if lf == nil {
				continue
			}
		ops:
			for _, o := range lf.ops {
				if o.kind != opStore && o.kind != opDelete || o.plain {
					continue
				}
				for _, other := range lf.ops {
					if other.kind != opStore && other.kind != opDelete && other.call.Pos() < o.call.Pos() &&
						sameMap(info, other.recv, o.recv) && astq.Same(info, other.key, o.key) {
						continue ops
					}
				}
				out = append(out, write{op: o, runner: call})
			}
		}
	}
	return out
}

// runnerText names the function literal a runner call runs.
func (c *checker) runnerText(call *ast.CallExpr) string {
	line := c.pass.Fset.Position(call.Pos()).Line
	if _, lit := astq.Unparen(call.Fun).(*ast.FuncLit); lit {
		return fmt.Sprintf("the function literal run on line %d", line)
	}
	return fmt.Sprintf("the function %s runs on line %d", render(c.pass.Fset, call.Fun), line)
}

// checkText says what the check was: m.Load(k), or for a check helper
// r.has(k), which calls r.m.Load(k).
func (c *checker) checkText(ch check) string {
	fset := c.pass.Fset
	if ch.helper && ch.plain {
		return fmt.Sprintf("%s, which reads %s under %s,", render(fset, ch.call), plainText(types.ExprString(ch.recv), render(fset, ch.key), ch.op), ch.inside)
	}
	if ch.helper {
		return fmt.Sprintf("%s, which calls %s.%s(%s),", render(fset, ch.call), types.ExprString(ch.recv), ch.name, render(fset, ch.key))
	}
	if ch.plain {
		return plainText(render(fset, ch.recv), render(fset, ch.key), ch.op)
	}
	return fmt.Sprintf("%s.%s(%s)", render(fset, ch.recv), ch.name, render(fset, ch.key))
}

// inFlight reports whether f is the function a singleflight.Group runs for
// key: Do runs it once per key at a time, so a check-then-act of that key
// inside it cannot interleave with another flight's.
func (c *checker) inFlight(f *fn, key ast.Expr) bool {
	lit, ok := f.node.(*ast.FuncLit)
	if !ok {
		return false
	}
	k, ok := c.flights[lit]
	return ok && namesKey(c.pass.TypesInfo, k, key)
}

// ownRequest reports whether key is the *http.Request an HTTP handler
// function (a ServeHTTP method or a function with http.HandlerFunc's
// signature) is handed: net/http hands each request to one call, on its
// own goroutine, so entries keyed by it are that call's alone
// (go-chassis's fork of hystrix-go registers an event channel under the
// request its ServeHTTP serves and deletes it when the request ends).
func (c *checker) ownRequest(f *fn, key ast.Expr) bool {
	info := c.pass.TypesInfo
	v, ok := info.ObjectOf(astq.Ident(key)).(*types.Var)
	if !ok || !param(f, v) {
		return false
	}
	var sig *types.Signature
	switch n := f.node.(type) {
	case *ast.FuncDecl:
		if fn, isFunc := info.Defs[n.Name].(*types.Func); isFunc {
			sig = fn.Signature()
		}
	case *ast.FuncLit:
		sig, _ = info.TypeOf(n).(*types.Signature)
	}
	return sig != nil && httpHandler(sig) && sig.Params().At(1) == v
}

// keyGuarded reports whether f runs for key in one goroutine at a time: it
// claims the key on another map with an insert-if-absent claim, a claim
// found taken returns or waits (calls a Wait method or receives), and f
// defers the claim's Delete, directly or in a deferred literal:
//
//	if _, busy := pending.LoadOrStore(id, true); busy { return }
//	defer pending.Delete(id)
//
// livekit's AddSubscriber guards its check and insert of a subscriber's
// track this way (livekit/livekit#723), nats-server's addStream waits on the
// WaitGroup of the add of the same name in flight.
func (c *checker) keyGuarded(f *fn, key ast.Expr) bool {
	info := c.pass.TypesInfo
	for _, o := range f.ops {
		if o.kind != opClaim || !insertsIfAbsent(o.name) || !namesKey(info, o.key, key) || !c.defersDelete(f, o) {
			continue
		}
		loaded := claimLoaded(f.body, o.call)
		if loaded == nil {
			continue
		}
		waits := false
		ast.Inspect(f.body, func(n ast.Node) bool {
			if _, isLit := n.(*ast.FuncLit); isLit || waits {
				return false
			}
			if is, ok := n.(*ast.IfStmt); ok && isObj(info, is.Cond, info.ObjectOf(loaded)) {
				waits = astq.Terminates(info, is.Body.List) || blocks(is.Body)
			}
			return !waits
		})
		if waits {
			return true
		}
	}
	return false
}

// claimLoaded returns the variable that takes a claim's loaded result (the
// second of v, loaded := m.LoadOrStore(k, x)), or nil.
func claimLoaded(body *ast.BlockStmt, call *ast.CallExpr) *ast.Ident {
	var loaded *ast.Ident
	ast.Inspect(body, func(n ast.Node) bool {
		if a, ok := n.(*ast.AssignStmt); ok && len(a.Lhs) == 2 && len(a.Rhs) == 1 && astq.Unparen(a.Rhs[0]) == call {
			loaded = astq.Ident(a.Lhs[1])
		}
		return loaded == nil
	})
	return loaded
}

// blocks reports whether b waits: calls a method named Wait or receives
// from a channel.
func blocks(b *ast.BlockStmt) bool {
	found := false
	ast.Inspect(b, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.UnaryExpr:
			found = found || n.Op == token.ARROW
		case *ast.CallExpr:
			if sel, ok := astq.Unparen(n.Fun).(*ast.SelectorExpr); ok && sel.Sel.Name == "Wait" {
				found = true
			}
		}
		return !found
	})
	return found
}

// defersDelete reports whether f defers a Delete of the key the claim o
// made, from o's map: as the deferred call, or in a deferred literal.
func (c *checker) defersDelete(f *fn, o op) bool {
	info := c.pass.TypesInfo
	deletes := func(g *fn, call *ast.CallExpr) bool {
		for _, d := range g.ops {
			if (call == nil || d.call == call) && d.kind == opDelete && sameMap(info, d.recv, o.recv) && sameKey(info, d.key, o.key) {
				return true
			}
		}
		return false
	}
	found := false
	ast.Inspect(f.body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit || found {
			return false
		}
		d, ok := n.(*ast.DeferStmt)
		if !ok {
			return true
		}
		if lit, ok := astq.Unparen(d.Call.Fun).(*ast.FuncLit); ok {
			found = c.funcs[lit] != nil && deletes(c.funcs[lit], nil)
		} else {
			found = deletes(f, d.Call)
		}
		return false
	})
	return found
}

// namesKey reports whether a flight's key k names the map key key: the
// same key, or key converted between string types (string(uid) for a uid
// of a named string type), a conversion that maps different keys to
// different strings.
func namesKey(info *types.Info, k, key ast.Expr) bool {
	if sameKey(info, k, key) {
		return true
	}
	conv, ok := astq.Unparen(k).(*ast.CallExpr)
	if !ok || len(conv.Args) != 1 || !info.Types[conv.Fun].IsType() {
		return false
	}
	return stringType(info.TypeOf(conv)) && stringType(info.TypeOf(conv.Args[0])) && sameKey(info, conv.Args[0], key)
}

// stringType reports whether t's underlying type is string.
func stringType(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

// ownedByLoop reports whether f is a method documented as invoked from its
// receiver's own loop and m is reached through the receiver (see ownLoop).
func (c *checker) ownedByLoop(f *fn, m ast.Expr) bool {
	if f.decl == nil || f.async && f.node != f.decl {
		return false
	}
	recv := recvObj(c.pass.TypesInfo, f)
	root, _, ok := c.splitPath(m)
	return ok && recv != nil && c.pass.TypesInfo.ObjectOf(root) == recv && ownLoop(c.pass.TypesInfo, f.decl)
}

// graph returns f's control-flow graph with its lock states, building it
// on first use. A literal starts with the locks its creator holds where it
// is created, unless a go or defer statement runs it.
func (c *checker) graph(f *fn) *graph {
	if f.g != nil {
		return f.g
	}
	info := c.pass.TypesInfo
	f.g = newGraph(info, f.body)
	entry := lockSet{}
	if d, isDecl := f.node.(*ast.FuncDecl); isDecl {
		if obj, ok := info.Defs[d.Name].(*types.Func); ok {
			for key := range c.callerHeld[obj] {
				entry[key] = true
			}
		}
	}
	if lit, ok := f.node.(*ast.FuncLit); ok && f.parent != nil && !f.async {
		pg := c.graph(f.parent)
		if at, ok := pg.lits[lit]; ok {
			entry = pg.heldAt(c.locks, at)
		}
	}
	f.g.computeLocks(c.locks, entry)
	f.g.entry = entry
	c.placeSynthetic(f, f.g)
	return f.g
}

// asCheck completes a check from the statement around its call.
func asCheck(info *types.Info, o op, at site) (check, bool) {
	ch := check{op: o, at: at}
	obj := func(e ast.Expr) types.Object {
		id := astq.Ident(e)
		if id == nil || id.Name == "_" {
			return nil
		}
		return info.ObjectOf(id)
	}
	var lhs []ast.Expr
	var rhs ast.Expr
	switch n := at.block.Nodes[at.index].(type) {
	case *ast.AssignStmt:
		if len(n.Rhs) == 1 {
			lhs, rhs = n.Lhs, n.Rhs[0]
		}
	case *ast.ValueSpec:
		if len(n.Values) == 1 {
			for _, id := range n.Names {
				lhs = append(lhs, id)
			}
			rhs = n.Values[0]
		}
	}
	if rhs != nil && (astq.Unparen(rhs) == o.call || o.plain && astq.Unparen(rhs) == o.call.Fun) {
		switch o.kind {
		case opLoad, opClaim:
			ch.value = obj(lhs[0])
			if len(lhs) == 2 || o.errAbsent && len(lhs) > 2 {
				ch.ok = obj(lhs[len(lhs)-1])
			}
		case opHas:
			ch.ok = obj(lhs[0])
		case opBump:
			// The error says whether the key was there; ok holds it,
			// and a non-nil ok means absent (see exprPolarity).
			ch.ok = obj(lhs[len(lhs)-1])
		}
		return ch, ch.value != nil || ch.ok != nil
	}
	var read ast.Node = o.call
	if o.plain {
		read = o.call.Fun // the index expression
	}
	if rhs != nil && len(lhs) == 1 && o.kind == opLoad && containsNode(rhs, read) {
		// A single-valued read (a Go map's m[k], a getter's call)
		// inside the expression assigned.
		ch.computed = obj(lhs[0])
		return ch, ch.computed != nil
	}
	if o.kind == opHas || o.kind == opBump || o.kind == opLoad {
		// A Has-like call directly in the condition of an if, for or
		// switch case: the branch on it is the check.
		if _, _, isCond := (&graph{}).cond(at.block); isCond && at.index == len(at.block.Nodes)-1 {
			ch.inline = true
			return ch, true
		}
	}
	return check{}, false
}

// getOrSet reports whether o is a claim that also answers like a Load: a
// LoadOrStore-like method (LoadOr…, GetOr…) returning the value it found
// and whether it found one. A write decided by or computed from that value
// is as stale as one after a Load (dolt's autoincrement tracker kept a
// maximum with LoadOrStore, then Store when the value loaded was lower).
func getOrSet(info *types.Info, o op) bool {
	if o.kind != opClaim || !strings.HasPrefix(o.name, "LoadOr") && !strings.HasPrefix(o.name, "GetOr") {
		return false
	}
	res, ok := info.TypeOf(o.call).(*types.Tuple)
	return ok && res.Len() == 2 && isBool(res.At(1).Type())
}

// atomicBetween reports whether the write is made atomic with the check
// after all: an exclusive lock is held from the check to the write, or an
// atomic claim of the same key can run between them.
func (c *checker) atomicBetween(g *graph, bt between, ch check, claims []op) bool {
	info := c.pass.TypesInfo
	for key := range g.heldAt(c.locks, ch.at) {
		if c.locks.covers(key, ch.key) && !bt.released(c.locks, key) {
			return true
		}
	}
	claimed := false
	bt.nodes(func(n ast.Node, _ site) {
		if claimed {
			return
		}
		for _, cl := range claims {
			if cl.call != ch.call && cl.call.Pos() >= n.Pos() && cl.call.End() <= n.End() && sameMap(info, cl.recv, ch.recv) && sameKey(info, cl.key, ch.key) {
				claimed = true
				return
			}
		}
	})
	if !claimed {
		// A claim in the check's own statement or the write's, before it.
		for _, cl := range claims {
			if at, ok := g.calls[cl.call]; ok && (at == ch.at && cl.call.Pos() > ch.call.End() || at == bt.w && cl.call.End() < bt.w.block.Nodes[bt.w.index].End() && cl.call.Pos() < ch.call.Pos()) {
				claimed = true
			}
		}
	}
	return claimed
}

func render(fset *token.FileSet, e ast.Expr) string {
	var b bytes.Buffer
	if err := format.Node(&b, fset, e); err != nil || bytes.ContainsRune(b.Bytes(), '\n') {
		// A key built from a helper's source has positions from two
		// files, which the printer lays out over lines.
		return types.ExprString(e)
	}
	return b.String()
}

// report reports a function's findings, one diagnostic per check-then-act:
// the writes that race with one check in the same way, whose diagnostics
// would say the same, are alternatives of one decision and are fixed
// together (ergo's registerType stores its map in eighteen cases of a switch
// on what it checked), so they are reported once, at the first, with the
// others' lines. A write silenced by an ignore directive is left out.
func (c *checker) report(found []*finding) {
	var order []string
	same := map[string][]analysis.Diagnostic{}
	for _, fd := range found {
		if astq.Suppressed(c.pass, fd.write.call.Pos()) {
			continue
		}
		d := c.diagnostic(fd)
		if _, ok := same[d.Message]; !ok {
			order = append(order, d.Message)
		}
		same[d.Message] = append(same[d.Message], d)
	}
	for _, msg := range order {
		ds := same[msg]
		slices.SortFunc(ds, func(a, b analysis.Diagnostic) int { return int(a.Pos - b.Pos) })
		d := ds[0]
		if len(ds) > 1 {
			lines := make([]string, 0, len(ds)-1)
			for _, o := range ds[1:] {
				line := c.pass.Fset.Position(o.Pos).Line
				lines = append(lines, strconv.Itoa(line))
				d.Related = append(d.Related, analysis.RelatedInformation{Pos: o.Pos, End: o.End, Message: "the same write"})
			}
			d.Message += fmt.Sprintf(" (the same holds for the writes on lines %s)", strings.Join(lines, ", "))
			d.SuggestedFixes = nil // a fix rewrites one if statement
		}
		c.emit(d.Category, d)
	}
}

// diagnostic describes one finding.
func (c *checker) diagnostic(fd *finding) analysis.Diagnostic {
	pass := c.pass
	w, ch := fd.write, fd.check
	recv := render(pass.Fset, w.recv)
	if w.via != nil {
		// Built by viaWrites from the caller's receiver and the callee's
		// field names, whose positions lie far apart: printed without them.
		recv = types.ExprString(w.recv)
	}
	key := render(pass.Fset, w.key)
	if w.keyText != "" {
		key = w.keyText
	}
	what, consequence, fix := fd.describe(recv, key)
	checked := c.checkText(ch)
	if fd.unlockedCheck != "" {
		checked += ", read with no lock held,"
		fix = lockBase(fd.unlockedCheck) + " held across the check and the write"
	}
	write := fmt.Sprintf("%s.%s(%s)", recv, w.name, key)
	if w.plain {
		write = plainText(recv, key, w.op)
	}
	if w.runner != nil {
		write += " in " + c.runnerText(w.runner)
	}
	if w.via != nil {
		how := fmt.Sprintf("calls %s.%s(%s)", recv, w.name, key)
		if w.plain {
			how = "makes " + write
		}
		if w.inside != "" {
			how += " under " + w.inside
		}
		write = fmt.Sprintf("%s, which %s through %s,", render(pass.Fset, w.call), how, c.describeVia(w.via))
		if fd.kind == lostUpdate {
			// What to store is computed here: the fix cannot live in
			// the helper that stores it.
			fix += ", in one function in place of this read and " + w.via.chain[0]
		} else if fd.marksWork {
			// The mark moves before the work: no one helper holds it.
		} else if w.via.lockedBy != "" {
			fix += " in " + w.via.lockedBy
		} else {
			fix += " in " + w.via.chain[len(w.via.chain)-1]
		}
	}
	d := analysis.Diagnostic{
		Pos:      w.call.Pos(),
		End:      w.call.End(),
		Category: ruleOf(fd.kind),
		Message: fmt.Sprintf("%s after %s on line %d %s, but is not atomic with it: another goroutine can %s; use %s",
			write, checked, pass.Fset.Position(ch.call.Pos()).Line, what, consequence, fix),
		Related: []analysis.RelatedInformation{{Pos: ch.call.Pos(), End: ch.call.End(), Message: "the check"}},
	}
	if w.via != nil {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: w.via.write.call.Pos(), End: w.via.write.call.End(), Message: "the " + w.name})
	}
	if f, ok := c.mechanicalFix(fd); ok {
		d.SuggestedFixes = []analysis.SuggestedFix{f}
	}
	return d
}

// sameKey reports whether two key expressions denote the same key: the
// same expression (astq.Same); the same operator, conversion or function
// applied to the same keys (namespace + "." + string(key),
// fmt.Sprintf("%s/%d", tenant, id), strings.ToLower(name)); or the same
// getter called on the same receiver (req.Nonce(), ep.Key()). A function
// counts only when it has arguments (time.Now() is new on each call) and
// its name does not say it makes or takes something new (nextKey, NewID,
// Pop, …); a getter is a method with no parameters and one result.
func sameKey(info *types.Info, a, b ast.Expr) bool {
	if astq.Same(info, a, b) {
		return true
	}
	a, b = astq.Unparen(a), astq.Unparen(b)
	switch a := a.(type) {
	case *ast.BinaryExpr:
		b, ok := b.(*ast.BinaryExpr)
		return ok && a.Op == b.Op && sameKey(info, a.X, b.X) && sameKey(info, a.Y, b.Y)
	case *ast.CallExpr:
		b, ok := b.(*ast.CallExpr)
		return ok && sameCall(info, a, b)
	}
	return false
}

// sameCall reports whether two calls in key expressions compute the same
// key (see sameKey).
func sameCall(info *types.Info, a, b *ast.CallExpr) bool {
	if len(a.Args) != len(b.Args) || a.Ellipsis.IsValid() != b.Ellipsis.IsValid() {
		return false
	}
	if info.Types[a.Fun].IsType() {
		ta, tb := info.TypeOf(a), info.TypeOf(b)
		return len(a.Args) == 1 && ta != nil && tb != nil && types.Identical(ta, tb) && sameKey(info, a.Args[0], b.Args[0])
	}
	fn, ok := typeutil.Callee(info, a).(*types.Func)
	if !ok || fn != typeutil.Callee(info, b) || fn.Signature().Results().Len() != 1 {
		return false
	}
	name := strings.ToLower(fn.Name())
	for _, verb := range freshVerbs {
		if strings.HasPrefix(name, strings.ToLower(verb)) {
			return false
		}
	}
	for i := range a.Args {
		if !sameKey(info, a.Args[i], b.Args[i]) {
			return false
		}
	}
	if fn.Signature().Recv() == nil {
		return len(a.Args) > 0
	}
	sa, okA := astq.Unparen(a.Fun).(*ast.SelectorExpr)
	sb, okB := astq.Unparen(b.Fun).(*ast.SelectorExpr)
	return okA && okB && sameKey(info, sa.X, sb.X)
}

// clonedKey reports whether the write's key is a local of f assigned once,
// from a clone of the check's key (labelCopy := cloneLabel(label),
// strings.Clone(k)): an equal key (VictoriaMetrics' labels compressor
// stores a copy of the label it checked).
func clonedKey(info *types.Info, f *fn, checked, written ast.Expr) bool {
	id := astq.Ident(written)
	if id == nil {
		return false
	}
	v, ok := info.ObjectOf(id).(*types.Var)
	if !ok || v.Pos() < f.body.Pos() || v.Pos() >= f.body.End() {
		return false
	}
	from := assignedFrom(info, f.body, v)
	if len(from) != 1 {
		return false
	}
	call, ok := astq.Unparen(from[0]).(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return false
	}
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	return ok && strings.HasPrefix(strings.ToLower(fn.Name()), "clone") && sameKey(info, call.Args[0], checked)
}

// literalKey reports whether a write through a helper stores under a
// field of the value it is handed (r.services[inst.Name] = inst, in
// Register(inst)), and the caller hands it a struct literal, or a local
// assigned once from one and whose fields it never sets, that puts the
// checked key in that field (inst := Instance{Name: name, …}): the key
// written is the key checked.
func (c *checker) literalKey(f *fn, checked ast.Expr, w write) bool {
	info := c.pass.TypesInfo
	if w.via == nil || len(w.via.chain) != 1 || w.via.key < 0 || w.via.key >= len(w.call.Args) {
		return false
	}
	sel, ok := astq.Unparen(w.via.write.key).(*ast.SelectorExpr)
	if !ok || astq.Ident(sel.X) == nil {
		return false
	}
	callee := c.callee(w.call)
	if callee == nil || w.via.key >= callee.Signature().Params().Len() || info.Uses[astq.Ident(sel.X)] != callee.Signature().Params().At(w.via.key) {
		return false
	}
	arg := astq.Unparen(w.call.Args[w.via.key])
	if id := astq.Ident(arg); id != nil {
		v, ok := info.Uses[id].(*types.Var)
		if !ok || v.Pos() < f.body.Pos() || v.Pos() >= f.body.End() || fieldSet(info, f.body, v) {
			return false
		}
		from := assignedFrom(info, f.body, v)
		if len(from) != 1 {
			return false
		}
		arg = astq.Unparen(from[0])
	}
	if u, ok := arg.(*ast.UnaryExpr); ok && u.Op == token.AND {
		arg = astq.Unparen(u.X)
	}
	lit, ok := arg.(*ast.CompositeLit)
	if !ok {
		return false
	}
	for _, e := range lit.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			if id := astq.Ident(kv.Key); id != nil && id.Name == sel.Sel.Name {
				return sameKey(info, checked, kv.Value)
			}
		}
	}
	return false
}

// loadedKey reports whether w stores under a field of the copy the check
// loaded, m[v.ID] = v directly or Put(v) through a helper that stores
// under its parameter's field (s.wallets[w.ID] = w), with the copy a
// struct (not a pointer) and that field never set in f: an entry kept under its own ID, loaded by that ID, changed and
// put back is written under the key checked (a wallet spent through a
// store's Get and Put). Deletes by such a key are left out: keyed by a
// pointer's own unique ID (a subscription's sid), the entry cannot have
// been replaced by another in between.
func (c *checker) loadedKey(f *fn, ch check, w write) bool {
	info := c.pass.TypesInfo
	v, isVar := ch.value.(*types.Var)
	if !isVar || w.kind != opStore || !copyValue(v.Type()) {
		return false
	}
	key := w.key
	if w.via != nil {
		// The helper's own key expression, with its root in the caller's
		// terms: the argument handed to the parameter it is read from.
		if len(w.via.chain) != 1 || w.via.key < 0 || w.via.key >= len(w.call.Args) {
			return false
		}
		callee := c.callee(w.call)
		sel, ok := astq.Unparen(w.via.write.key).(*ast.SelectorExpr)
		if !ok || callee == nil || w.via.key >= callee.Signature().Params().Len() || info.Uses[astq.Ident(sel.X)] != callee.Signature().Params().At(w.via.key) || astq.Ident(sel.X) != astq.Unparen(sel.X) {
			return false
		}
		arg := astq.Ident(w.call.Args[w.via.key])
		if arg == nil || arg != astq.Unparen(w.call.Args[w.via.key]) || info.Uses[arg] != ch.value {
			return false
		}
		return !fieldAssigned(info, f.body, ch.value, sel.Sel.Name)
	}
	sel, ok := astq.Unparen(key).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	root := astq.Ident(sel.X)
	if root == nil || root != astq.Unparen(sel.X) || info.Uses[root] != ch.value {
		return false
	}
	if s := info.Selections[sel]; s == nil || s.Kind() != types.FieldVal {
		return false
	}
	return !fieldAssigned(info, f.body, ch.value, sel.Sel.Name)
}

// copyValue reports whether t is a struct or an array: a value copied out
// of where it is kept.
func copyValue(t types.Type) bool {
	switch t.Underlying().(type) {
	case *types.Struct, *types.Array:
		return true
	}
	return false
}

// fieldAssigned reports whether body assigns v's field name (v.ID = …).
func fieldAssigned(info *types.Info, body *ast.BlockStmt, v types.Object, name string) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if a, ok := n.(*ast.AssignStmt); ok {
			for _, l := range a.Lhs {
				if sel, ok := astq.Unparen(l).(*ast.SelectorExpr); ok && sel.Sel.Name == name && isObj(info, sel.X, v) {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// fieldSet reports whether body assigns a field of v (v.Name = …) or takes
// v's address.
func fieldSet(info *types.Info, body *ast.BlockStmt, v *types.Var) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if a, ok := n.(*ast.AssignStmt); ok {
			for _, l := range a.Lhs {
				if sel, ok := astq.Unparen(l).(*ast.SelectorExpr); ok && isObj(info, sel.X, v) {
					found = true
				}
			}
		}
		return !found
	})
	return found || addressTaken(info, body, v)
}

// freshVerbs start the names of functions and methods that return something
// new on each call (compared without case: nextKey, NewID).
var freshVerbs = []string{"Next", "New", "Gen", "Rand", "Pop", "Take", "Read", "Inc", "Add", "Alloc", "Acquire", "Create", "Make", "Now", "Clone", "Copy"}

// sameMap reports whether two map expressions name the same map: the same
// expression (see astq.Same), or the same getter called on the same
// receiver (part.Map() twice: olric reached each partition's sync.Map
// through its Map method; see getter).
func sameMap(info *types.Info, a, b ast.Expr) bool {
	if astq.Same(info, a, b) {
		return true
	}
	ga, okA := getter(info, a)
	gb, okB := getter(info, b)
	return okA && okB && astq.Origin(info.Uses[ga.Sel]) == astq.Origin(info.Uses[gb.Sel]) && sameMap(info, ga.X, gb.X)
}
