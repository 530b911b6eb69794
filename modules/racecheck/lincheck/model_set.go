package lincheck

import (
	"fmt"
	"maps"
)

// SetOpKind names a set operation.
type SetOpKind uint8

const (
	// SetAdd inserts Elem and reports whether it was absent.
	SetAdd SetOpKind = iota + 1
	// SetRemove removes Elem and reports whether it was present.
	SetRemove
	// SetContains reports whether Elem is present.
	SetContains
)

// SetInput describes a set operation.
type SetInput[T comparable] struct {
	Op   SetOpKind
	Elem T
}

// SetModel returns the sequential specification of a set. Operations are
// partitioned by element. A state is the set's members; Step never modifies
// a state.
func SetModel[T comparable]() Model[map[T]struct{}, SetInput[T], bool] {
	names := [...]string{SetAdd: "Add", SetRemove: "Remove", SetContains: "Contains"}
	return Model[map[T]struct{}, SetInput[T], bool]{
		Init:  func() map[T]struct{} { return map[T]struct{}{} },
		Equal: func(a, b map[T]struct{}) bool { return maps.Equal(a, b) },
		Partition: func(in SetInput[T]) (any, bool) {
			return in.Elem, true
		},
		Step: func(s map[T]struct{}, in SetInput[T], out bool) (bool, map[T]struct{}) {
			_, present := s[in.Elem]
			switch in.Op {
			case SetAdd:
				if present {
					return !out, s
				}
				n := maps.Clone(s)
				n[in.Elem] = struct{}{}
				return out, n
			case SetRemove:
				if !present {
					return !out, s
				}
				n := maps.Clone(s)
				delete(n, in.Elem)
				return out, n
			case SetContains:
				return out == present, s
			}
			return false, s
		},
		Describe: func(in SetInput[T], out bool) string {
			if int(in.Op) < len(names) && names[in.Op] != "" {
				return fmt.Sprintf("%s(%v) -> %v", names[in.Op], in.Elem, out)
			}
			return fmt.Sprintf("SetOp(%d)", in.Op)
		},
	}
}
