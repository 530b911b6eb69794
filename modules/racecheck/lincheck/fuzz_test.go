package lincheck_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/raceproof/raceproof/modules/racecheck/lincheck"
)

// FuzzMapModel checks MapModel against a plain map: a sequential history of
// lockedMap (a mutex around a Go map) must be linearizable, and flipping the
// Ok of any operation whose Ok the model checks must make it a violation.
func FuzzMapModel(f *testing.F) {
	f.Add([]byte{2, 1, 1, 3, 1, 2, 1, 1, 0, 4, 1, 0})
	f.Add([]byte{6, 0, 1, 7, 0, 1, 9, 0, 0, 10, 1, 1, 8, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		m := newLockedMap()
		var h lincheck.History[mapIn, mapOut]
		for i := 0; i+2 < len(data) && len(h) < 64; i += 3 {
			in := mapIn{
				Op:    lincheck.MapOpKind(1 + int(data[i])%10),
				Key:   int(data[i+1] % 3),
				Value: int(data[i+2] % 3),
				Old:   int(data[i+2] / 3 % 3),
			}
			in.Compute = computes[int(data[i+2])%len(computes)]
			clock := int64(2 * len(h))
			h = append(h, lincheck.Operation[mapIn, mapOut]{Input: in, Output: m.do(in), Call: clock + 1, Return: clock + 2})
		}
		model := lincheck.MapModel[int, int]()
		require.Equal(t, lincheck.Linearizable, lincheck.CheckHistory(model, h, 0), "\n%s", h.Format(model.DescribeOp))
		for i, op := range h {
			switch op.Input.Op {
			case lincheck.MapLoad, lincheck.MapLoadOrStore, lincheck.MapLoadAndDelete, lincheck.MapSwap,
				lincheck.MapCompareAndSwap, lincheck.MapCompareAndDelete:
				bad := append(lincheck.History[mapIn, mapOut](nil), h...)
				bad[i].Output.Ok = !bad[i].Output.Ok
				require.Equal(t, lincheck.Violation, lincheck.CheckHistory(model, bad, 0), "\n%s", bad.Format(model.DescribeOp))
				return
			}
		}
	})
}

// FuzzQueueModel checks QueueModel against a mutex queue of capacity 3: a
// sequential history is linearizable, and changing a successful dequeue's
// value, or the Ok of any Try operation, makes it a violation.
func FuzzQueueModel(f *testing.F) {
	f.Add([]byte{0, 0, 1, 0, 0, 0, 1, 1, 1, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		q := &mutexQueue{cap: 3}
		var h lincheck.History[qIn, qOut]
		for i, b := range data[:min(len(data), 64)] {
			in := qIn{Op: lincheck.QueueTryEnqueue, Value: i + 1}
			if b%2 == 1 {
				in.Op = lincheck.QueueTryDequeue
			}
			h = append(h, lincheck.Operation[qIn, qOut]{Input: in, Output: q.do(in), Call: int64(2*i + 1), Return: int64(2*i + 2)})
		}
		model := lincheck.QueueModel[int](3)
		require.Equal(t, lincheck.Linearizable, lincheck.CheckHistory(model, h, 0))
		for i := range h {
			bad := append(lincheck.History[qIn, qOut](nil), h...)
			bad[i].Output.Ok = !bad[i].Output.Ok
			require.Equal(t, lincheck.Violation, lincheck.CheckHistory(model, bad, 0), "\n%s", bad.Format(model.DescribeOp))
			if h[i].Output.Ok && h[i].Input.Op == lincheck.QueueTryDequeue {
				bad[i].Output = qOut{Value: -1, Ok: true}
				require.Equal(t, lincheck.Violation, lincheck.CheckHistory(model, bad, 0))
			}
		}
	})
}
