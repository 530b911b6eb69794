package conformance

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/alphadose/haxmap"
	cmap "github.com/orcaman/concurrent-map/v2"
	"github.com/puzpuzpuz/xsync/v4"

	"github.com/raceproof/raceproof/modules/racecheck/lincheck"
	"github.com/raceproof/raceproof/modules/safemap"
	"github.com/raceproof/raceproof/modules/shardcache"
)

type (
	mapIn  = lincheck.MapInput[int, int]
	mapOut = lincheck.MapOutput[int]
	// mapDo applies one operation to one object.
	mapDo = func(mapIn) mapOut
)

// mapFamily is a group of operations checked together: the family applies to
// an implementation that offers every key operation; the support operations
// it offers are mixed in to observe their effects.
type mapFamily struct {
	name    string
	key     []lincheck.MapOpKind
	support []lincheck.MapOpKind
}

var mapFamilies = []mapFamily{
	{"Load, Store, Delete", []lincheck.MapOpKind{lincheck.MapLoad, lincheck.MapStore, lincheck.MapDelete}, nil},
	{"LoadOrStore", []lincheck.MapOpKind{lincheck.MapLoadOrStore}, []lincheck.MapOpKind{lincheck.MapLoad, lincheck.MapDelete}},
	{"LoadAndDelete", []lincheck.MapOpKind{lincheck.MapLoadAndDelete}, []lincheck.MapOpKind{lincheck.MapStore, lincheck.MapLoad}},
	{"Swap", []lincheck.MapOpKind{lincheck.MapSwap}, []lincheck.MapOpKind{lincheck.MapLoad, lincheck.MapDelete}},
	{"CompareAndSwap", []lincheck.MapOpKind{lincheck.MapCompareAndSwap}, []lincheck.MapOpKind{lincheck.MapStore, lincheck.MapLoad, lincheck.MapDelete}},
	{"CompareAndDelete", []lincheck.MapOpKind{lincheck.MapCompareAndDelete}, []lincheck.MapOpKind{lincheck.MapStore, lincheck.MapLoad}},
	{"Compute", []lincheck.MapOpKind{lincheck.MapCompute}, []lincheck.MapOpKind{lincheck.MapLoad, lincheck.MapStore, lincheck.MapDelete}},
	{"Clear", []lincheck.MapOpKind{lincheck.MapClear}, []lincheck.MapOpKind{lincheck.MapStore, lincheck.MapLoad, lincheck.MapLoadOrStore}},
}

// computes are the read-modify-write functions of the Compute family: one
// that always updates and one that deletes or cancels.
var computes = []lincheck.ComputeFunc[int]{
	{Name: "inc", Fn: func(old int, _ bool) (int, lincheck.ComputeAction) { return old%3 + 1, lincheck.ComputeUpdate }},
	{Name: "deleteIfOdd", Fn: func(old int, loaded bool) (int, lincheck.ComputeAction) {
		if loaded && old%2 == 1 {
			return 0, lincheck.ComputeDelete
		}
		return old, lincheck.ComputeCancel
	}},
}

// mapImpl adapts a map implementation to lincheck's map operations.
type mapImpl struct {
	name string
	st   strictness
	// missing says why an operation is not offered.
	missing map[lincheck.MapOpKind]string
	// keyOnly lists operations checked only in their own family, not mixed
	// into others (their documented weakness would mask the others' results).
	keyOnly map[lincheck.MapOpKind]bool
	// documented maps a family to the implementation's documentation that
	// says it is not linearizable (ours and peers alike).
	documented map[string]string
	// upstream maps a family to links to upstream reports of its violations;
	// "*" applies to every family.
	upstream map[string]string
	// mapping says how the family operations map onto the API, if not by name.
	mapping string
	// new returns a fresh map and a function applying an operation to it,
	// and a function to release it (nil if nothing to release).
	new func() (mapDo, func())
}

func mapFamilyNames() []string {
	var s []string
	for _, f := range mapFamilies {
		s = append(s, f.name)
	}
	return s
}

func mapMappings() map[string]string {
	m := map[string]string{}
	for _, impl := range mapImpls {
		if impl.mapping != "" {
			m[impl.name] = impl.mapping
		}
	}
	return m
}

func mapImplNames() []string {
	var s []string
	for _, m := range mapImpls {
		s = append(s, m.name)
	}
	return s
}

func out(v int, ok bool) mapOut { return mapOut{Value: v, Ok: ok} }

// anyOut converts the results of an untyped map's Load, LoadAndDelete or Swap.
func anyOut(v any, ok bool) mapOut {
	if !ok {
		return mapOut{}
	}
	return mapOut{Value: v.(int), Ok: true}
}

func unsupported(in mapIn) mapOut { panic(fmt.Sprintf("unsupported operation %v", in.Op)) }

// syncMapLike is the method set of sync.Map and safemap.SyncMap.
type syncMapLike interface {
	Load(key any) (any, bool)
	Store(key, value any)
	LoadOrStore(key, value any) (any, bool)
	LoadAndDelete(key any) (any, bool)
	Delete(key any)
	Swap(key, value any) (any, bool)
	CompareAndSwap(key, old, new any) bool
	CompareAndDelete(key, old any) bool
	Clear()
}

func syncMapDo(m syncMapLike) mapDo {
	return func(in mapIn) mapOut {
		switch in.Op {
		case lincheck.MapLoad:
			return anyOut(m.Load(in.Key))
		case lincheck.MapStore:
			m.Store(in.Key, in.Value)
		case lincheck.MapLoadOrStore:
			v, loaded := m.LoadOrStore(in.Key, in.Value)
			return out(v.(int), loaded)
		case lincheck.MapLoadAndDelete:
			return anyOut(m.LoadAndDelete(in.Key))
		case lincheck.MapDelete:
			m.Delete(in.Key)
		case lincheck.MapSwap:
			return anyOut(m.Swap(in.Key, in.Value))
		case lincheck.MapCompareAndSwap:
			return out(0, m.CompareAndSwap(in.Key, in.Old, in.Value))
		case lincheck.MapCompareAndDelete:
			return out(0, m.CompareAndDelete(in.Key, in.Old))
		case lincheck.MapClear:
			m.Clear()
		default:
			return unsupported(in)
		}
		return mapOut{}
	}
}

func safemapDo(m *safemap.Map[int, int]) mapDo {
	return func(in mapIn) mapOut {
		switch in.Op {
		case lincheck.MapLoad:
			return out(m.Load(in.Key))
		case lincheck.MapStore:
			m.Store(in.Key, in.Value)
		case lincheck.MapLoadOrStore:
			return out(m.LoadOrStore(in.Key, in.Value))
		case lincheck.MapLoadAndDelete:
			return out(m.LoadAndDelete(in.Key))
		case lincheck.MapDelete:
			m.Delete(in.Key)
		case lincheck.MapSwap:
			return out(m.Swap(in.Key, in.Value))
		case lincheck.MapCompareAndSwap:
			return out(0, m.CompareAndSwap(in.Key, in.Old, in.Value))
		case lincheck.MapCompareAndDelete:
			return out(0, m.CompareAndDelete(in.Key, in.Old))
		case lincheck.MapCompute:
			return out(m.Compute(in.Key, func(old int, loaded bool) (int, safemap.ComputeOp) {
				v, action := in.Compute.Fn(old, loaded)
				return v, [...]safemap.ComputeOp{lincheck.ComputeUpdate: safemap.UpdateOp,
					lincheck.ComputeDelete: safemap.DeleteOp, lincheck.ComputeCancel: safemap.CancelOp}[action]
			}))
		case lincheck.MapClear:
			m.Clear()
		default:
			return unsupported(in)
		}
		return mapOut{}
	}
}

var xsyncOps = [...]xsync.ComputeOp{lincheck.ComputeUpdate: xsync.UpdateOp,
	lincheck.ComputeDelete: xsync.DeleteOp, lincheck.ComputeCancel: xsync.CancelOp}

func xsyncDo(m *xsync.Map[int, int]) mapDo {
	// compareAnd runs a compare-and-swap or compare-and-delete as one
	// Compute, which holds the bucket lock: xsync has no native CAS.
	compareAnd := func(in mapIn, onMatch xsync.ComputeOp) mapOut {
		matched := false
		m.Compute(in.Key, func(old int, loaded bool) (int, xsync.ComputeOp) {
			if loaded && old == in.Old {
				matched = true
				return in.Value, onMatch
			}
			return old, xsync.CancelOp
		})
		return out(0, matched)
	}
	return func(in mapIn) mapOut {
		switch in.Op {
		case lincheck.MapLoad:
			return out(m.Load(in.Key))
		case lincheck.MapStore:
			m.Store(in.Key, in.Value)
		case lincheck.MapLoadOrStore:
			return out(m.LoadOrStore(in.Key, in.Value))
		case lincheck.MapLoadAndDelete:
			return out(m.LoadAndDelete(in.Key))
		case lincheck.MapDelete:
			m.Delete(in.Key)
		case lincheck.MapSwap:
			return out(m.LoadAndStore(in.Key, in.Value))
		case lincheck.MapCompareAndSwap:
			return compareAnd(in, xsync.UpdateOp)
		case lincheck.MapCompareAndDelete:
			return compareAnd(in, xsync.DeleteOp)
		case lincheck.MapCompute:
			return out(m.Compute(in.Key, func(old int, loaded bool) (int, xsync.ComputeOp) {
				v, action := in.Compute.Fn(old, loaded)
				return v, xsyncOps[action]
			}))
		case lincheck.MapClear:
			m.Clear()
		default:
			return unsupported(in)
		}
		return mapOut{}
	}
}

func haxmapDo(m *haxmap.Map[int, int]) mapDo {
	return func(in mapIn) mapOut {
		switch in.Op {
		case lincheck.MapLoad:
			return out(m.Get(in.Key))
		case lincheck.MapStore:
			m.Set(in.Key, in.Value)
		case lincheck.MapLoadOrStore:
			return out(m.GetOrSet(in.Key, in.Value))
		case lincheck.MapLoadAndDelete:
			return out(m.GetAndDel(in.Key))
		case lincheck.MapDelete:
			m.Del(in.Key)
		case lincheck.MapCompareAndSwap:
			return out(0, m.CompareAndSwap(in.Key, in.Old, in.Value))
		case lincheck.MapClear:
			m.Clear()
		default:
			return unsupported(in)
		}
		return mapOut{}
	}
}

func cmapDo(m cmap.ConcurrentMap[int, int]) mapDo {
	return func(in mapIn) mapOut {
		switch in.Op {
		case lincheck.MapLoad:
			return out(m.Get(in.Key))
		case lincheck.MapStore:
			m.Set(in.Key, in.Value)
		case lincheck.MapLoadOrStore:
			// Upsert runs its callback under the shard lock.
			var loaded bool
			v := m.Upsert(in.Key, in.Value, func(exist bool, old, new int) int {
				loaded = exist
				if exist {
					return old
				}
				return new
			})
			return out(v, loaded)
		case lincheck.MapLoadAndDelete:
			return out(m.Pop(in.Key))
		case lincheck.MapDelete:
			m.Remove(in.Key)
		case lincheck.MapSwap:
			var prev mapOut
			m.Upsert(in.Key, in.Value, func(exist bool, old, new int) int {
				prev = out(old, exist)
				return new
			})
			return prev
		case lincheck.MapCompareAndDelete:
			return out(0, m.RemoveCb(in.Key, func(_ int, v int, exists bool) bool {
				return exists && v == in.Old
			}))
		case lincheck.MapClear:
			m.Clear()
		default:
			return unsupported(in)
		}
		return mapOut{}
	}
}

func shardcacheDo(c *shardcache.Cache[int, int]) mapDo {
	return func(in mapIn) mapOut {
		switch in.Op {
		case lincheck.MapLoad:
			return out(c.Get(in.Key))
		case lincheck.MapStore:
			c.Set(in.Key, in.Value)
		case lincheck.MapLoadOrStore:
			// GetOrLoad is the cache's LoadOrStore: the value was loaded
			// (already present, or loaded by a concurrent caller) unless
			// this caller's loader ran.
			ran := false
			v, err := c.GetOrLoad(context.Background(), in.Key, func(context.Context, int) (int, error) {
				ran = true
				return in.Value, nil
			})
			if err != nil {
				panic(err)
			}
			return out(v, !ran)
		case lincheck.MapDelete:
			c.Delete(in.Key)
		case lincheck.MapClear:
			c.Clear()
		default:
			return unsupported(in)
		}
		return mapOut{}
	}
}

var (
	ours = strictness{ours: true}
	peer = strictness{}
)

// haxmapIssues are haxmap's open upstream issues about lost or stale
// entries under concurrent Set, Del and resize.
const haxmapIssues = "[alphadose/haxmap#32](https://github.com/alphadose/haxmap/issues/32) (open: \"Race condition\", " +
	"the Harris list's delete flag and next pointer are not updated in one atomic step) and " +
	"[alphadose/haxmap#23](https://github.com/alphadose/haxmap/issues/23) (open: entries set and deleted concurrently stop being found)"

var mapImpls = []mapImpl{
	{name: "safemap.Map", st: ours, new: func() (mapDo, func()) { return safemapDo(new(safemap.Map[int, int])), nil }},
	{name: "safemap.SyncMap", st: ours,
		missing: map[lincheck.MapOpKind]string{lincheck.MapCompute: "no Compute (sync.Map API)"},
		new:     func() (mapDo, func()) { return syncMapDo(new(safemap.SyncMap)), nil }},
	{name: "shardcache.Cache", st: ours,
		keyOnly: map[lincheck.MapOpKind]bool{lincheck.MapLoadOrStore: true},
		documented: map[string]string{"LoadOrStore": "shardcache.Cache.GetOrLoad: the result of a load " +
			"\"is returned but not stored\" if \"a Set, Delete or Clear of the key happened after the load started\"",
			"Clear": "shardcache.Cache.Clear: \"removes every entry, one shard at a time\"; " +
				"\"Entries written concurrently with Clear may survive it\""},
		mapping: "Load = Get, Store = Set, LoadOrStore = GetOrLoad (loaded = this caller's loader did not run)",
		missing: map[lincheck.MapOpKind]string{
			lincheck.MapLoadAndDelete: "no LoadAndDelete", lincheck.MapSwap: "no Swap",
			lincheck.MapCompareAndSwap: "no CompareAndSwap", lincheck.MapCompareAndDelete: "no CompareAndDelete",
			lincheck.MapCompute: "no Compute"},
		new: func() (mapDo, func()) {
			c, err := shardcache.New(shardcache.Options[int, int]{MaxEntries: 1 << 12})
			if err != nil {
				panic(err)
			}
			return shardcacheDo(c), func() { c.Close() }
		}},
	{name: "sync.Map", st: peer,
		missing: map[lincheck.MapOpKind]string{lincheck.MapCompute: "no Compute"},
		new:     func() (mapDo, func()) { return syncMapDo(new(sync.Map)), nil }},
	{name: "xsync.Map", st: peer,
		mapping: "Swap = LoadAndStore; CompareAndSwap and CompareAndDelete = one Compute each (xsync has neither). " +
			"Its Clear is documented as \"Clear deletes all keys and values currently stored in the map\"",
		upstream: map[string]string{"Clear": "none found (searched the puzpuzpuz/xsync issues for Clear and concurrent resize)"},
		new:      func() (mapDo, func()) { return xsyncDo(xsync.NewMap[int, int]()), nil }},
	{name: "haxmap", st: peer,
		mapping: "Load = Get, Store = Set, LoadOrStore = GetOrSet, LoadAndDelete = GetAndDel, Delete = Del. " +
			"Its Set documents one weakness, an item set during a resize may show up only after the resize; " +
			"the histories here hold at most two keys in a map of default size, which never resizes, so that note does not cover them",
		upstream: map[string]string{"*": haxmapIssues},
		missing: map[lincheck.MapOpKind]string{
			lincheck.MapSwap:             "Swap only replaces an existing key",
			lincheck.MapCompareAndDelete: "no CompareAndDelete", lincheck.MapCompute: "no Compute"},
		new: func() (mapDo, func()) { return haxmapDo(haxmap.New[int, int]()), nil }},
	{name: "cmap", st: peer,
		mapping: "Load = Get, Store = Set, LoadOrStore and Swap = Upsert, LoadAndDelete = Pop, Delete = Remove, CompareAndDelete = RemoveCb. " +
			"Its Clear (\"Clear removes all items from map\") removes the items one at a time, so writes concurrent with it may survive: " +
			"the behaviour shardcache.Cache.Clear has and documents",
		upstream: map[string]string{"Clear": "Clear was added as an iteration that calls Remove per item in " +
			"[orcaman/concurrent-map#93](https://github.com/orcaman/concurrent-map/pull/93); " +
			"[orcaman/concurrent-map#162](https://github.com/orcaman/concurrent-map/pull/162) (open) proposes resetting each shard under its lock instead, " +
			"which would still leave Clear non-atomic across shards"},
		missing: map[lincheck.MapOpKind]string{
			lincheck.MapCompareAndSwap: "no CompareAndSwap (Upsert always stores)",
			lincheck.MapCompute:        "no Compute (Upsert cannot delete or cancel)"},
		new: func() (mapDo, func()) {
			return cmapDo(cmap.NewWithCustomShardingFunction[int, int](func(k int) uint32 { return uint32(k) })), nil
		}},
}

func TestConformanceMaps(t *testing.T) {
	for _, fam := range mapFamilies {
		t.Run(fam.name, func(t *testing.T) {
			for _, impl := range mapImpls {
				t.Run("impl="+impl.name, func(t *testing.T) {
					for _, op := range fam.key {
						if why, ok := impl.missing[op]; ok {
							notApplicable(t, "Maps", fam.name, impl.name, why)
							return
						}
					}
					ops := append([]lincheck.MapOpKind(nil), fam.key...)
					for _, op := range fam.support {
						if _, ok := impl.missing[op]; !ok && !impl.keyOnly[op] {
							ops = append(ops, op)
						}
					}
					st := impl.st
					st.documented = impl.documented[fam.name]
					st.upstream = impl.upstream[fam.name]
					if st.upstream == "" {
						st.upstream = impl.upstream["*"]
					}
					var keyOps []string
					for _, op := range fam.key {
						keyOps = append(keyOps, op.String())
					}
					var release func()
					runCell(t, "TestConformanceMaps", "Maps", fam.name, impl.name, keyOps, st, lincheck.Spec[mapDo, lincheck.MapState[int, int], mapIn, mapOut]{
						Model: lincheck.MapModel[int, int](),
						New: func() mapDo {
							do, rel := impl.new()
							release = rel
							return do
						},
						Do:  func(do mapDo, in mapIn) mapOut { return do(in) },
						Gen: lincheck.RandomMapOps([]int{1, 2}, []int{1, 2, 3}, computes, ops...),
						Close: func(mapDo) {
							if release != nil {
								release()
							}
						},
					})
				})
			}
		})
	}
}
