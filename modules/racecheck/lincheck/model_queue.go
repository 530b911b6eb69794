package lincheck

import (
	"fmt"
	"slices"
)

// QueueOpKind names a FIFO queue operation.
type QueueOpKind uint8

const (
	// QueueEnqueue appends Value and always succeeds (an unbounded queue, or
	// a blocking enqueue that is only generated when there is room); its
	// output is ignored.
	QueueEnqueue QueueOpKind = iota + 1
	// QueueTryEnqueue appends Value if the queue is not full; Ok reports
	// whether it did. It may fail only if the queue is full.
	QueueTryEnqueue
	// QueueTryDequeue removes and returns the head; Ok reports whether there
	// was one. It may fail only if the queue is empty.
	QueueTryDequeue
)

// QueueInput describes a queue operation.
type QueueInput[T comparable] struct {
	Op    QueueOpKind
	Value T
}

// QueueOutput is a queue operation's result.
type QueueOutput[T comparable] struct {
	Value T
	Ok    bool
}

// QueueModel returns the sequential specification of a FIFO queue holding at
// most capacity elements (capacity <= 0 means unbounded). "Try" operations
// must not fail spuriously: TryEnqueue fails only when the queue is full and
// TryDequeue only when it is empty. A state is the queue's contents, head
// first; Step never modifies a state.
func QueueModel[T comparable](capacity int) Model[[]T, QueueInput[T], QueueOutput[T]] {
	push := func(s []T, v T) []T {
		n := make([]T, len(s)+1)
		copy(n, s)
		n[len(s)] = v
		return n
	}
	return Model[[]T, QueueInput[T], QueueOutput[T]]{
		Init:  func() []T { return nil },
		Equal: func(a, b []T) bool { return slices.Equal(a, b) },
		Step: func(s []T, in QueueInput[T], out QueueOutput[T]) (bool, []T) {
			switch in.Op {
			case QueueEnqueue:
				return true, push(s, in.Value)
			case QueueTryEnqueue:
				if capacity > 0 && len(s) >= capacity {
					return !out.Ok, s
				}
				return out.Ok, push(s, in.Value)
			case QueueTryDequeue:
				if len(s) == 0 {
					return !out.Ok, s
				}
				return out.Ok && out.Value == s[0], s[1:]
			}
			return false, s
		},
		Describe: func(in QueueInput[T], out QueueOutput[T]) string {
			switch in.Op {
			case QueueEnqueue:
				return fmt.Sprintf("Enqueue(%v)", in.Value)
			case QueueTryEnqueue:
				return fmt.Sprintf("TryEnqueue(%v) -> %v", in.Value, out.Ok)
			case QueueTryDequeue:
				if !out.Ok {
					return "TryDequeue() -> (_, false)"
				}
				return fmt.Sprintf("TryDequeue() -> (%v, true)", out.Value)
			}
			return fmt.Sprintf("QueueOp(%d)", in.Op)
		},
	}
}
