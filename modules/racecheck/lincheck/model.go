package lincheck

import (
	"fmt"
	"reflect"

	"github.com/anishathalye/porcupine"
)

// Model is a sequential specification of a concurrent object: its states S, the
// inputs I that describe an operation and its arguments, and the outputs O that
// an operation returns.
//
// Step must be a pure function: it must not modify the state it is given, and
// it must return the same result every time it is called with the same
// arguments. The checker calls it many times on the same state while it searches
// for a linearization.
type Model[S, I, O any] struct {
	// Init returns the initial state.
	Init func() S
	// Step reports whether the operation described by in may return out when
	// applied to state, and returns the state after it.
	Step func(state S, in I, out O) (ok bool, next S)
	// Equal reports whether two states are equal. If nil, reflect.DeepEqual is used.
	Equal func(a, b S) bool
	// Partition, if not nil, returns the partition an operation belongs to
	// (for a map, its key). A history is linearizable if and only if each
	// partition is, which makes checking much cheaper. If any operation of a
	// history returns ok == false (it spans partitions, like Clear), the
	// history is checked as a whole. Keys must be comparable.
	Partition func(in I) (key any, ok bool)
	// Describe renders an operation and its result, for example
	// "LoadOrStore(1, 2) -> (2, false)". If nil, a generic rendering is used.
	Describe func(in I, out O) string
	// DescribeState renders a state. If nil, fmt's %v is used.
	DescribeState func(state S) string
}

// DescribeOp renders an operation with the model's Describe function.
func (m Model[S, I, O]) DescribeOp(in I, out O) string {
	if m.Describe != nil {
		return m.Describe(in, out)
	}
	return fmt.Sprintf("%+v -> %+v", in, out)
}

func (m Model[S, I, O]) describeState(s S) string {
	if m.DescribeState != nil {
		return m.DescribeState(s)
	}
	return fmt.Sprintf("%v", s)
}

// as converts a porcupine value back to its static type; a nil interface value
// becomes the zero value (porcupine stores nil for nil interfaces).
func as[T any](v any) T {
	t, _ := v.(T)
	return t
}

func (m Model[S, I, O]) porcupine() porcupine.Model {
	equal := m.Equal
	if equal == nil {
		equal = func(a, b S) bool { return reflect.DeepEqual(a, b) }
	}
	pm := porcupine.Model{
		Init: func() any { return m.Init() },
		Step: func(state, in, out any) (bool, any) {
			return m.Step(as[S](state), as[I](in), as[O](out))
		},
		Equal:             func(a, b any) bool { return equal(as[S](a), as[S](b)) },
		DescribeOperation: func(in, out any) string { return m.DescribeOp(as[I](in), as[O](out)) },
		DescribeState:     func(s any) string { return m.describeState(as[S](s)) },
		DescribeOperationMetadata: func(info any) string {
			if info == nil {
				return ""
			}
			return fmt.Sprint(info)
		},
	}
	if m.Partition != nil {
		pm.Partition = func(h []porcupine.Operation) [][]porcupine.Operation {
			index := make(map[any]int)
			var parts [][]porcupine.Operation
			for _, op := range h {
				key, ok := m.Partition(as[I](op.Input))
				if !ok {
					return [][]porcupine.Operation{h}
				}
				i, seen := index[key]
				if !seen {
					i = len(parts)
					index[key] = i
					parts = append(parts, nil)
				}
				parts[i] = append(parts[i], op)
			}
			return parts
		}
	}
	return pm
}
