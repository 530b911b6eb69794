package checkthenact

import (
	"go/types"
	"strings"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// opKind is what a method of a map-like type does to the entry of its
// first argument.
type opKind uint8

const (
	opNone   opKind = iota
	opLoad          // Load-like: (key) -> (value, ok bool)
	opHas           // Has-like: (key) -> bool
	opStore         // Store-like: (key, value, ...) -> anything
	opDelete        // Delete-like: (key, ...) -> anything
	opClaim         // an atomic read-modify-write: LoadOrStore, CompareAndSwap, ...
	opBump          // Increment-like: (key, delta) -> (..., error), failing when the key is absent
)

// shape is what checkthenact knows about a map-like type: which of its
// methods check a key, write it, or claim it atomically.
type shape struct {
	name    string            // the type as written in messages
	ops     map[string]opKind // method name -> kind, for the methods that matter
	safemap bool              // safemap.Map, whose fixes are Compute/LoadOrCompute
	// errLoads: the Load-like methods returning (value, error), the
	// error nil exactly when the key was there (Get(k) (V, error)
	// answering ErrNotFound).
	errLoads map[string]bool
}

// has reports whether the type has a method name of kind k.
func (s *shape) has(name string) bool { return s.ops[name] != opNone }

// Method names by role. A type is map-like when it has a check (Load-like
// or Has-like) and a write or claim whose first parameter has the check's
// key type.
var (
	// Find is not among the Load-like names: it is one only with a (V,
	// bool) result (pion/turn's TransactionMap.Find, see classify); a
	// Find(k) (V, error) is as often a query of a store that these rules
	// do not know.
	loadNames   = map[string]bool{"Load": true, "Get": true, "Lookup": true}
	hasNames    = map[string]bool{"Has": true, "Contains": true, "Exists": true}
	storeNames  = map[string]bool{"Store": true, "Set": true, "SetDefault": true, "Put": true, "Swap": true}
	deleteNames = map[string]bool{"Delete": true, "Remove": true, "Del": true}
)

// claimPrefixes name atomic read-modify-write operations: one of them on the
// key between a check and a write decides atomically which goroutine goes
// on, so the write no longer depends on the check alone.
var claimPrefixes = []string{"LoadOr", "LoadAnd", "CompareAnd", "Compute", "GetOr", "SetIf", "PutIf", "StoreIf", "Upsert", "Update", "ContainsOr", "PeekOr"}

// insertsIfAbsent reports whether a claim stores its value when the key is
// absent: LoadOrStore, GetOrSet, PutIfAbsent, ContainsOrAdd, ….
func insertsIfAbsent(name string) bool {
	return strings.HasPrefix(name, "LoadOr") || strings.HasPrefix(name, "GetOr") || strings.HasSuffix(name, "IfAbsent") ||
		name == "ContainsOrAdd" || name == "PeekOrAdd"
}

func isClaimName(name string) bool {
	for _, p := range claimPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// shapes caches the classification of each receiver type of a package.
type shapes struct {
	cache map[types.Type]*shape
}

// of returns the shape of t (a map type, a pointer to one, or an interface),
// or nil when t is not map-like or is not safe for concurrent use.
func (ss *shapes) of(t types.Type) *shape {
	if t == nil {
		return nil
	}
	if s, ok := ss.cache[t]; ok {
		return s
	}
	s := classify(t)
	ss.cache[t] = s
	return s
}

func classify(t types.Type) *shape {
	base := t
	if p, ok := t.Underlying().(*types.Pointer); ok {
		base = p.Elem()
	}
	mset := t
	if _, isPtr := t.Underlying().(*types.Pointer); !isPtr && !types.IsInterface(t) {
		mset = types.NewPointer(t)
	}
	ms := types.NewMethodSet(mset)
	s := &shape{name: typeName(base), ops: map[string]opKind{}}
	var keys []types.Type
	var loaded [][2]types.Type // the key and value types of the Load-like methods
	for i := range ms.Len() {
		fn, ok := ms.At(i).Obj().(*types.Func)
		if !ok || !fn.Exported() {
			continue
		}
		sig := fn.Type().(*types.Signature)
		name := fn.Name()
		params, results := sig.Params(), sig.Results()
		if params.Len() == 0 {
			continue
		}
		key := params.At(0).Type()
		if astq.Named(key, "context", "Context") {
			// Get(ctx) (*Conn, error) takes from a pool; a context is
			// no key.
			continue
		}
		switch {
		case (loadNames[name] || name == "Find") && params.Len() == 1 && results.Len() == 2 && isBool(results.At(1).Type()):
			s.ops[name] = opLoad
			keys = append(keys, key)
			loaded = append(loaded, [2]types.Type{key, results.At(0).Type()})
		case loadNames[name] && params.Len() == 1 && results.Len() == 2 && isError(results.At(1).Type()):
			s.ops[name] = opLoad
			if s.errLoads == nil {
				s.errLoads = map[string]bool{}
			}
			s.errLoads[name] = true
			keys = append(keys, key)
			loaded = append(loaded, [2]types.Type{key, results.At(0).Type()})
		case hasNames[name] && params.Len() == 1 && results.Len() == 1 && isBool(results.At(0).Type()):
			s.ops[name] = opHas
			keys = append(keys, key)
		case storeNames[name] && params.Len() >= 2 && !returnsSelf(sig, base):
			// A setter that returns its receiver's type (db.Set(k,
			// v) *DB) builds a new value; it is not a map write.
			s.ops[name] = opStore
		case deleteNames[name]:
			s.ops[name] = opDelete
		case isClaimName(name):
			s.ops[name] = opClaim
		case bumps(name, sig):
			s.ops[name] = opBump
		case name == "Add" && params.Len() >= 2 && results.Len() == 1 && isError(results.At(0).Type()):
			// Add(key, value, ...) error inserts only when the key
			// is absent (patrickmn/go-cache, memcache clients).
			s.ops[name] = opClaim
		}
	}
	if len(keys) == 0 {
		return nil
	}
	// Add(key, value) stores when its value is what a Load-like method
	// returns for the key (hashicorp/golang-lru's Cache); Add(key, delta)
	// on a counter does not qualify unless its counts are what Get returns.
	if add := ms.Lookup(nil, "Add"); add != nil && s.ops["Add"] == opNone {
		p := add.Obj().Type().(*types.Signature).Params()
		for _, kv := range loaded {
			if p.Len() == 2 && types.Identical(p.At(0).Type(), kv[0]) && types.Identical(p.At(1).Type(), kv[1]) && !isCounter(kv[1]) {
				s.ops["Add"] = opStore
			}
		}
	}
	// Keep only writes and claims on a key type of some check.
	writes := 0
	for i := range ms.Len() {
		fn := ms.At(i).Obj().(*types.Func)
		k := s.ops[fn.Name()]
		if k != opStore && k != opDelete && k != opClaim && k != opBump {
			continue
		}
		key := fn.Type().(*types.Signature).Params().At(0).Type()
		same := false
		for _, ck := range keys {
			if types.Identical(ck, key) {
				same = true
				break
			}
		}
		if !same {
			delete(s.ops, fn.Name())
			continue
		}
		if k != opBump {
			writes++
		}
	}
	if writes == 0 {
		return nil
	}
	s.safemap = astq.Named(base, astq.SafemapPath, "Map")
	if !concurrent(base, s) {
		return nil
	}
	return s
}

// concurrent reports whether the map-like type is meant for concurrent use:
// it is sync.Map or a raceproof map, an interface with sync.Map's naming
// (Load with Store or LoadOrStore), or a type holding a lock, an atomic or
// a sync.Map (see holdsSync). safemap.Batch, with sync.Map's names, holds none: it is
// used inside Update's callback, under the map's locks. A plain ordered map with Get/Set is not: its users must
// lock around it anyway, and a missing lock is a data race the race
// detector reports, not a check-then-act.
func concurrent(t types.Type, s *shape) bool {
	if astq.Named(t, "sync", "Map") || astq.Named(t, astq.SafemapPath, "Map") || astq.Named(t, astq.SafemapPath, "SyncMap") {
		return true
	}
	if types.IsInterface(t) {
		// Only an interface with sync.Map's naming promises concurrent
		// use.
		return s.ops["Load"] == opLoad && (s.ops["Store"] == opStore || s.ops["LoadOrStore"] == opClaim)
	}
	if heldLock(t) {
		return false
	}
	return holdsSync(t, 3, map[types.Type]bool{})
}

// heldLock reports whether t is the handle of a lock already held: it has
// an Unlock (or RUnlock) method and no Lock (RLock) to take it again, as
// C-Pro/geche's Tx, which Locker.Lock returns holding the lock until
// tx.Unlock. Everything done through it is done under that lock.
func heldLock(t types.Type) bool {
	ms := types.NewMethodSet(types.NewPointer(t))
	has := func(name string) bool { return ms.Lookup(nil, name) != nil }
	return has("Unlock") && !has("Lock") || has("RUnlock") && !has("RLock")
}

// holdsSync reports whether t contains, within depth levels of fields,
// pointers, arrays and slices, a lock (sync.Mutex, sync.RWMutex, a
// sync.Locker), a sync.Map or a sync/atomic value. A sync.Once, WaitGroup,
// Pool or Cond alone does not make a map safe for concurrent use (beego's
// ModelCache, a plain map with a sync.Once for its bootstrap).
func holdsSync(t types.Type, depth int, seen map[types.Type]bool) bool {
	if depth < 0 || seen[t] {
		return false
	}
	seen[t] = true
	if n, ok := types.Unalias(t).(*types.Named); ok && n.Obj().Pkg() != nil {
		switch n.Obj().Pkg().Path() {
		case "sync":
			switch n.Obj().Name() {
			case "Mutex", "RWMutex", "Locker", "Map":
				return true
			}
			return false
		case "sync/atomic":
			return true
		}
	}
	switch u := t.Underlying().(type) {
	case *types.Struct:
		for f := range u.Fields() {
			if holdsSync(f.Type(), depth-1, seen) {
				return true
			}
		}
	case *types.Pointer:
		return holdsSync(u.Elem(), depth, seen)
	case *types.Array:
		return holdsSync(u.Elem(), depth-1, seen)
	case *types.Slice:
		return holdsSync(u.Elem(), depth-1, seen)
	}
	return false
}

// returnsSelf reports whether a method returns its receiver's type or a
// pointer to it.
func returnsSelf(sig *types.Signature, base types.Type) bool {
	for r := range sig.Results().Variables() {
		t := r.Type()
		if p, ok := t.Underlying().(*types.Pointer); ok {
			t = p.Elem()
		}
		if types.Identical(t, base) {
			return true
		}
	}
	return false
}

func isBool(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Kind() == types.Bool
}

func typeName(t types.Type) string {
	if n, ok := types.Unalias(t).(*types.Named); ok {
		if n.Obj().Pkg() != nil {
			return n.Obj().Pkg().Name() + "." + n.Obj().Name()
		}
		return n.Obj().Name()
	}
	return types.TypeString(t, func(p *types.Package) string { return p.Name() })
}

// bumps reports whether a method adds a number to the entry of its key and
// fails when there is none (patrickmn/go-cache's Increment, IncrementUint,
// Decrement…): named Increment… or Decrement…, taking the key and a
// number, with an error last among its results. A failed bump is a check
// that found no entry.
func bumps(name string, sig *types.Signature) bool {
	if !strings.HasPrefix(name, "Increment") && !strings.HasPrefix(name, "Decrement") {
		return false
	}
	p, r := sig.Params(), sig.Results()
	return p.Len() == 2 && isCounter(p.At(1).Type()) && r.Len() >= 1 && isError(r.At(r.Len()-1).Type())
}

func isError(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

// isCounter reports whether t is a number: Add(key, n) of a number adds to
// what is there.
func isCounter(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsNumeric != 0
}
