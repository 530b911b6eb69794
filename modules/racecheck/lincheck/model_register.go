package lincheck

import "fmt"

// RegisterOpKind names a register (atomic variable) operation.
type RegisterOpKind uint8

const (
	// RegisterLoad returns the value in Value.
	RegisterLoad RegisterOpKind = iota + 1
	// RegisterStore sets the value; its output is ignored.
	RegisterStore
	// RegisterSwap sets the value and returns the previous one.
	RegisterSwap
	// RegisterCompareAndSwap sets the value to Value if it equals Old; Ok
	// reports whether it did.
	RegisterCompareAndSwap
)

// RegisterInput describes a register operation.
type RegisterInput[V comparable] struct {
	Op    RegisterOpKind
	Value V
	Old   V
}

// RegisterOutput is a register operation's result.
type RegisterOutput[V comparable] struct {
	Value V
	Ok    bool
}

// RegisterModel returns the sequential specification of a register that holds
// initial at first, like atomic.Int64 or atomic.Pointer.
func RegisterModel[V comparable](initial V) Model[V, RegisterInput[V], RegisterOutput[V]] {
	return Model[V, RegisterInput[V], RegisterOutput[V]]{
		Init:  func() V { return initial },
		Equal: func(a, b V) bool { return a == b },
		Step: func(s V, in RegisterInput[V], out RegisterOutput[V]) (bool, V) {
			switch in.Op {
			case RegisterLoad:
				return out.Value == s, s
			case RegisterStore:
				return true, in.Value
			case RegisterSwap:
				return out.Value == s, in.Value
			case RegisterCompareAndSwap:
				if s == in.Old {
					return out.Ok, in.Value
				}
				return !out.Ok, s
			}
			return false, s
		},
		Describe: func(in RegisterInput[V], out RegisterOutput[V]) string {
			switch in.Op {
			case RegisterLoad:
				return fmt.Sprintf("Load() -> %v", out.Value)
			case RegisterStore:
				return fmt.Sprintf("Store(%v)", in.Value)
			case RegisterSwap:
				return fmt.Sprintf("Swap(%v) -> %v", in.Value, out.Value)
			case RegisterCompareAndSwap:
				return fmt.Sprintf("CompareAndSwap(%v, %v) -> %v", in.Old, in.Value, out.Ok)
			}
			return fmt.Sprintf("RegisterOp(%d)", in.Op)
		},
	}
}
