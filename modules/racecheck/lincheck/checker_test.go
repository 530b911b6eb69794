package lincheck_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/raceproof/raceproof/modules/racecheck/lincheck"
)

func mapOp(g int, call, ret int64, in mapIn, out mapOut) lincheck.Operation[mapIn, mapOut] {
	return lincheck.Operation[mapIn, mapOut]{Goroutine: g, Phase: lincheck.PhaseParallel, Input: in, Output: out, Call: call, Return: ret}
}

func TestCheckHistoryMap(t *testing.T) {
	m := lincheck.MapModel[int, int]()
	los := func(k, v int) mapIn { return mapIn{Op: lincheck.MapLoadOrStore, Key: k, Value: v} }
	tests := []struct {
		name string
		h    lincheck.History[mapIn, mapOut]
		want lincheck.Verdict
	}{
		{"empty", nil, lincheck.Linearizable},
		{"concurrent LoadOrStore, one wins", lincheck.History[mapIn, mapOut]{
			mapOp(1, 1, 3, los(1, 10), mapOut{Value: 10}),
			mapOp(2, 2, 4, los(1, 20), mapOut{Value: 10, Ok: true}),
		}, lincheck.Linearizable},
		{"concurrent LoadOrStore, both store", lincheck.History[mapIn, mapOut]{
			mapOp(1, 1, 3, los(1, 10), mapOut{Value: 10}),
			mapOp(2, 2, 4, los(1, 20), mapOut{Value: 20}),
		}, lincheck.Violation},
		{"different keys are independent", lincheck.History[mapIn, mapOut]{
			mapOp(1, 1, 3, los(1, 10), mapOut{Value: 10}),
			mapOp(2, 2, 4, los(2, 20), mapOut{Value: 20}),
		}, lincheck.Linearizable},
		{"stale read after the store returned", lincheck.History[mapIn, mapOut]{
			mapOp(1, 1, 2, mapIn{Op: lincheck.MapStore, Key: 1, Value: 5}, mapOut{}),
			mapOp(2, 3, 4, mapIn{Op: lincheck.MapLoad, Key: 1}, mapOut{}),
		}, lincheck.Violation},
		{"read concurrent with the store may miss it", lincheck.History[mapIn, mapOut]{
			mapOp(1, 1, 3, mapIn{Op: lincheck.MapStore, Key: 1, Value: 5}, mapOut{}),
			mapOp(2, 2, 4, mapIn{Op: lincheck.MapLoad, Key: 1}, mapOut{}),
		}, lincheck.Linearizable},
		{"Clear disables partitioning and empties the map", lincheck.History[mapIn, mapOut]{
			mapOp(1, 1, 2, mapIn{Op: lincheck.MapStore, Key: 1, Value: 5}, mapOut{}),
			mapOp(1, 3, 4, mapIn{Op: lincheck.MapClear}, mapOut{}),
			mapOp(2, 5, 6, mapIn{Op: lincheck.MapLoad, Key: 1}, mapOut{Value: 5, Ok: true}),
		}, lincheck.Violation},
		{"CompareAndSwap on the right old value", lincheck.History[mapIn, mapOut]{
			mapOp(1, 1, 2, mapIn{Op: lincheck.MapStore, Key: 1, Value: 5}, mapOut{}),
			mapOp(1, 3, 4, mapIn{Op: lincheck.MapCompareAndSwap, Key: 1, Old: 5, Value: 6}, mapOut{Ok: true}),
			mapOp(1, 5, 6, mapIn{Op: lincheck.MapCompareAndDelete, Key: 1, Old: 5}, mapOut{}),
			mapOp(1, 7, 8, mapIn{Op: lincheck.MapLoadAndDelete, Key: 1}, mapOut{Value: 6, Ok: true}),
		}, lincheck.Linearizable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, lincheck.CheckHistory(m, tt.h, 0))
		})
	}
}

func TestCheckHistoryQueue(t *testing.T) {
	m := lincheck.QueueModel[int](1)
	op := func(g int, call, ret int64, in qIn, out qOut) lincheck.Operation[qIn, qOut] {
		return lincheck.Operation[qIn, qOut]{Goroutine: g, Input: in, Output: out, Call: call, Return: ret}
	}
	enq := func(v int) qIn { return qIn{Op: lincheck.QueueTryEnqueue, Value: v} }
	deq := qIn{Op: lincheck.QueueTryDequeue}
	// A TryEnqueue that fails on a full queue is fine; one that fails on an
	// empty queue is a spurious failure.
	require.Equal(t, lincheck.Linearizable, lincheck.CheckHistory(m, lincheck.History[qIn, qOut]{
		op(0, 1, 2, enq(1), qOut{Ok: true}),
		op(0, 3, 4, enq(2), qOut{}),
		op(0, 5, 6, deq, qOut{Value: 1, Ok: true}),
	}, 0))
	require.Equal(t, lincheck.Violation, lincheck.CheckHistory(m, lincheck.History[qIn, qOut]{
		op(0, 1, 2, enq(1), qOut{}),
	}, 0))
	// A dequeue that fails while an element sat in the queue the whole time.
	require.Equal(t, lincheck.Violation, lincheck.CheckHistory(m, lincheck.History[qIn, qOut]{
		op(0, 1, 2, enq(1), qOut{Ok: true}),
		op(1, 3, 4, deq, qOut{}),
	}, 0))
	// Two dequeues cannot both get the only element.
	require.Equal(t, lincheck.Violation, lincheck.CheckHistory(m, lincheck.History[qIn, qOut]{
		op(0, 1, 2, enq(1), qOut{Ok: true}),
		op(1, 3, 5, deq, qOut{Value: 1, Ok: true}),
		op(2, 4, 6, deq, qOut{Value: 1, Ok: true}),
	}, 0))
}

func TestCheckHistoryCounterSetRegister(t *testing.T) {
	type cop = lincheck.Operation[lincheck.CounterInput, int64]
	c := lincheck.CounterModel()
	add := lincheck.CounterInput{Op: lincheck.CounterAdd, Delta: 1}
	load := lincheck.CounterInput{Op: lincheck.CounterLoad}
	require.Equal(t, lincheck.Violation, lincheck.CheckHistory(c, lincheck.History[lincheck.CounterInput, int64]{
		cop{Goroutine: 1, Input: add, Call: 1, Return: 3},
		cop{Goroutine: 2, Input: add, Call: 2, Return: 4},
		cop{Goroutine: 0, Input: load, Output: 1, Call: 5, Return: 6},
	}, 0), "a lost update")
	require.Equal(t, lincheck.Linearizable, lincheck.CheckHistory(c, lincheck.History[lincheck.CounterInput, int64]{
		cop{Goroutine: 1, Input: add, Call: 1, Return: 3},
		cop{Goroutine: 2, Input: load, Output: 0, Call: 2, Return: 4},
		cop{Goroutine: 0, Input: lincheck.CounterInput{Op: lincheck.CounterSwap}, Output: 1, Call: 5, Return: 6},
		cop{Goroutine: 0, Input: load, Output: 0, Call: 7, Return: 8},
	}, 0))

	type sop = lincheck.Operation[lincheck.SetInput[string], bool]
	s := lincheck.SetModel[string]()
	require.Equal(t, lincheck.Violation, lincheck.CheckHistory(s, lincheck.History[lincheck.SetInput[string], bool]{
		sop{Goroutine: 1, Input: lincheck.SetInput[string]{Op: lincheck.SetAdd, Elem: "a"}, Output: true, Call: 1, Return: 3},
		sop{Goroutine: 2, Input: lincheck.SetInput[string]{Op: lincheck.SetAdd, Elem: "a"}, Output: true, Call: 2, Return: 4},
	}, 0), "both Adds of one element report it absent")

	type rin = lincheck.RegisterInput[int]
	type rout = lincheck.RegisterOutput[int]
	type rop = lincheck.Operation[rin, rout]
	r := lincheck.RegisterModel(7)
	require.Equal(t, lincheck.Linearizable, lincheck.CheckHistory(r, lincheck.History[rin, rout]{
		rop{Input: rin{Op: lincheck.RegisterCompareAndSwap, Old: 7, Value: 8}, Output: rout{Ok: true}, Call: 1, Return: 2},
		rop{Input: rin{Op: lincheck.RegisterSwap, Value: 9}, Output: rout{Value: 8}, Call: 3, Return: 4},
		rop{Input: rin{Op: lincheck.RegisterLoad}, Output: rout{Value: 9}, Call: 5, Return: 6},
	}, 0))
	require.Equal(t, lincheck.Violation, lincheck.CheckHistory(r, lincheck.History[rin, rout]{
		rop{Input: rin{Op: lincheck.RegisterLoad}, Output: rout{Value: 0}, Call: 1, Return: 2},
	}, 0), "the initial value is 7")
}

// TestCheckHistoryUnknown uses a model whose Step blocks until the check has
// returned, so the only possible outcome is the checker's timeout.
func TestCheckHistoryUnknown(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	m := lincheck.Model[int, int, int]{
		Init: func() int { return 0 },
		Step: func(s, in, out int) (bool, int) {
			<-release
			return true, s
		},
	}
	h := lincheck.History[int, int]{{Call: 1, Return: 2}}
	require.Equal(t, lincheck.Unknown, lincheck.CheckHistory(m, h, 10_000_000))
}

func TestFormat(t *testing.T) {
	m := lincheck.MapModel[string, int]()
	h := lincheck.History[lincheck.MapInput[string, int], lincheck.MapOutput[int]]{
		{Goroutine: 0, Phase: lincheck.PhasePost, Input: lincheck.MapInput[string, int]{Op: lincheck.MapDelete, Key: "a"}, Call: 9, Return: 10},
		{Goroutine: 2, Phase: lincheck.PhaseParallel, Input: lincheck.MapInput[string, int]{Op: lincheck.MapLoad, Key: "a"}, Output: lincheck.MapOutput[int]{Value: 1, Ok: true}, Call: 4, Return: 8},
		{Goroutine: 1, Phase: lincheck.PhaseParallel, Input: lincheck.MapInput[string, int]{Op: lincheck.MapSwap, Key: "a", Value: 1}, Call: 3, Return: 5},
		{Goroutine: 0, Phase: lincheck.PhaseInit, Input: lincheck.MapInput[string, int]{Op: lincheck.MapStore, Key: "a", Value: 0}, Call: 1, Return: 2},
	}
	want := "  init:\n" +
		"    g0 [ 1,  2] Store(a, 0)\n" +
		"  parallel:\n" +
		"    g1 [ 3,  5] Swap(a, 1) -> (0, false)\n" +
		"    g2 [ 4,  8] Load(a) -> (1, true)\n" +
		"  post:\n" +
		"    g0 [ 9, 10] Delete(a)\n"
	require.Equal(t, want, h.Format(m.DescribeOp))
	require.Equal(t, "violation", lincheck.Violation.String())
	require.Equal(t, "parallel", lincheck.PhaseParallel.String())
	require.Equal(t, "CompareAndDelete", lincheck.MapCompareAndDelete.String())
}
