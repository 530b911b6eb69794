package lincheck

import (
	"fmt"
	"maps"
)

// MapOpKind names a key-value map operation. The set covers every method of
// sync.Map except Range (whose results are not linearizable by contract),
// plus compute-style updates. When an operation reports a missing key (Ok
// false), the Value it returns is not checked, except for LoadOrStore, whose
// actual value is the stored one.
type MapOpKind uint8

const (
	// MapLoad returns (value, present).
	MapLoad MapOpKind = iota + 1
	// MapStore sets Key to Value; its output is ignored.
	MapStore
	// MapLoadOrStore returns (existing, true) if Key is present, else stores
	// Value and returns (Value, false).
	MapLoadOrStore
	// MapLoadAndDelete deletes Key and returns (previous, wasPresent).
	MapLoadAndDelete
	// MapDelete deletes Key; its output is ignored.
	MapDelete
	// MapSwap stores Value and returns (previous, wasPresent).
	MapSwap
	// MapCompareAndSwap stores Value if Key holds Old; Ok reports whether it did.
	MapCompareAndSwap
	// MapCompareAndDelete deletes Key if it holds Old; Ok reports whether it did.
	MapCompareAndDelete
	// MapCompute applies Compute atomically. After ComputeUpdate it returns
	// (new value, true); after ComputeDelete, Ok false (Value unchecked);
	// after ComputeCancel, the unchanged (value, present), Value unchecked
	// when absent.
	MapCompute
	// MapClear deletes every key; its output is ignored. A history that
	// contains it is checked without partitioning.
	MapClear
)

var mapOpNames = [...]string{MapLoad: "Load", MapStore: "Store", MapLoadOrStore: "LoadOrStore",
	MapLoadAndDelete: "LoadAndDelete", MapDelete: "Delete", MapSwap: "Swap",
	MapCompareAndSwap: "CompareAndSwap", MapCompareAndDelete: "CompareAndDelete",
	MapCompute: "Compute", MapClear: "Clear"}

// String returns the method name, for example "LoadOrStore".
func (k MapOpKind) String() string {
	if int(k) < len(mapOpNames) && mapOpNames[k] != "" {
		return mapOpNames[k]
	}
	return fmt.Sprintf("MapOpKind(%d)", uint8(k))
}

// ComputeAction is what a [ComputeFunc] asks the map to do.
type ComputeAction uint8

const (
	// ComputeUpdate stores the returned value.
	ComputeUpdate ComputeAction = iota
	// ComputeDelete deletes the key.
	ComputeDelete
	// ComputeCancel leaves the key as it was.
	ComputeCancel
)

// ComputeFunc is a named, deterministic read-modify-write function for
// [MapCompute]. Fn must be pure: the model calls it many times.
type ComputeFunc[V any] struct {
	// Name renders the function in histories, for example "add(1)".
	Name string
	// Fn receives the current value and whether the key is present.
	Fn func(old V, loaded bool) (newValue V, action ComputeAction)
}

// MapInput describes a map operation.
type MapInput[K comparable, V comparable] struct {
	Op    MapOpKind
	Key   K
	Value V
	// Old is the expected value of CompareAndSwap and CompareAndDelete.
	Old V
	// Compute is the function of MapCompute.
	Compute ComputeFunc[V] `json:"-"`
}

// MapOutput is a map operation's result; which fields matter depends on the
// operation (see [MapOpKind]).
type MapOutput[V comparable] struct {
	Value V
	Ok    bool
}

// MapState is the model's state: the map's contents. Step never modifies a
// state; it copies on write.
type MapState[K comparable, V comparable] map[K]V

// MapModel returns the sequential specification of a key-value map with the
// semantics of sync.Map's methods. Operations are partitioned by key unless a
// history contains MapClear.
func MapModel[K comparable, V comparable]() Model[MapState[K, V], MapInput[K, V], MapOutput[V]] {
	return Model[MapState[K, V], MapInput[K, V], MapOutput[V]]{
		Init:  func() MapState[K, V] { return MapState[K, V]{} },
		Step:  mapStep[K, V],
		Equal: func(a, b MapState[K, V]) bool { return maps.Equal(a, b) },
		Partition: func(in MapInput[K, V]) (any, bool) {
			return in.Key, in.Op != MapClear
		},
		Describe: describeMapOp[K, V],
	}
}

func mapStep[K comparable, V comparable](s MapState[K, V], in MapInput[K, V], out MapOutput[V]) (bool, MapState[K, V]) {
	cur, present := s[in.Key]
	set := func(v V) MapState[K, V] {
		n := maps.Clone(s)
		if n == nil {
			n = MapState[K, V]{}
		}
		n[in.Key] = v
		return n
	}
	del := func() MapState[K, V] {
		if !present {
			return s
		}
		n := maps.Clone(s)
		delete(n, in.Key)
		return n
	}
	// found checks a (value, present) result; the value of a miss is
	// unspecified (sync.Map returns nil, haxmap a stale value).
	found := func() bool {
		return out.Ok == present && (!present || out.Value == cur)
	}
	switch in.Op {
	case MapLoad:
		return found(), s
	case MapStore:
		return true, set(in.Value)
	case MapLoadOrStore:
		if present {
			return out.Ok && out.Value == cur, s
		}
		return !out.Ok && out.Value == in.Value, set(in.Value)
	case MapLoadAndDelete:
		return found(), del()
	case MapDelete:
		return true, del()
	case MapSwap:
		return found(), set(in.Value)
	case MapCompareAndSwap:
		if present && cur == in.Old {
			return out.Ok, set(in.Value)
		}
		return !out.Ok, s
	case MapCompareAndDelete:
		if present && cur == in.Old {
			return out.Ok, del()
		}
		return !out.Ok, s
	case MapCompute:
		v, action := in.Compute.Fn(cur, present)
		switch action {
		case ComputeUpdate:
			return out.Ok && out.Value == v, set(v)
		case ComputeDelete:
			return !out.Ok, del()
		default:
			return found(), s
		}
	case MapClear:
		return true, MapState[K, V]{}
	}
	return false, s
}

func describeMapOp[K comparable, V comparable](in MapInput[K, V], out MapOutput[V]) string {
	switch in.Op {
	case MapStore:
		return fmt.Sprintf("Store(%v, %v)", in.Key, in.Value)
	case MapDelete:
		return fmt.Sprintf("Delete(%v)", in.Key)
	case MapClear:
		return "Clear()"
	case MapLoad, MapLoadAndDelete:
		return fmt.Sprintf("%v(%v) -> (%v, %v)", in.Op, in.Key, out.Value, out.Ok)
	case MapLoadOrStore, MapSwap:
		return fmt.Sprintf("%v(%v, %v) -> (%v, %v)", in.Op, in.Key, in.Value, out.Value, out.Ok)
	case MapCompareAndSwap:
		return fmt.Sprintf("CompareAndSwap(%v, %v, %v) -> %v", in.Key, in.Old, in.Value, out.Ok)
	case MapCompareAndDelete:
		return fmt.Sprintf("CompareAndDelete(%v, %v) -> %v", in.Key, in.Old, out.Ok)
	case MapCompute:
		return fmt.Sprintf("Compute(%v, %s) -> (%v, %v)", in.Key, in.Compute.Name, out.Value, out.Ok)
	}
	return fmt.Sprintf("%v(%v) -> %+v", in.Op, in.Key, out)
}
