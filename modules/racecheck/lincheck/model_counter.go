package lincheck

import "fmt"

// CounterOpKind names a counter operation.
type CounterOpKind uint8

const (
	// CounterAdd adds Delta; its output is ignored.
	CounterAdd CounterOpKind = iota + 1
	// CounterAddAndGet adds Delta and returns the new value (atomic.Int64.Add).
	CounterAddAndGet
	// CounterLoad returns the value.
	CounterLoad
	// CounterSwap returns the value and resets it to zero (sum-then-reset).
	CounterSwap
	// CounterReset sets the value to zero; its output is ignored.
	CounterReset
)

// CounterInput describes a counter operation.
type CounterInput struct {
	Op    CounterOpKind
	Delta int64
}

// CounterModel returns the sequential specification of an int64 counter that
// starts at zero. Outputs are the int64 results of CounterAddAndGet,
// CounterLoad and CounterSwap; the outputs of other operations are ignored.
func CounterModel() Model[int64, CounterInput, int64] {
	return Model[int64, CounterInput, int64]{
		Init:  func() int64 { return 0 },
		Equal: func(a, b int64) bool { return a == b },
		Step: func(s int64, in CounterInput, out int64) (bool, int64) {
			switch in.Op {
			case CounterAdd:
				return true, s + in.Delta
			case CounterAddAndGet:
				return out == s+in.Delta, s + in.Delta
			case CounterLoad:
				return out == s, s
			case CounterSwap:
				return out == s, 0
			case CounterReset:
				return true, 0
			}
			return false, s
		},
		Describe: func(in CounterInput, out int64) string {
			switch in.Op {
			case CounterAdd:
				return fmt.Sprintf("Add(%d)", in.Delta)
			case CounterAddAndGet:
				return fmt.Sprintf("AddAndGet(%d) -> %d", in.Delta, out)
			case CounterLoad:
				return fmt.Sprintf("Load() -> %d", out)
			case CounterSwap:
				return fmt.Sprintf("Swap() -> %d", out)
			case CounterReset:
				return "Reset()"
			}
			return fmt.Sprintf("CounterOp(%d)", in.Op)
		},
	}
}
