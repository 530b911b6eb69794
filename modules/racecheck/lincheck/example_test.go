package lincheck_test

import (
	"fmt"
	"sync"
	"time"

	"github.com/raceproof/raceproof/modules/racecheck/lincheck"
)

// A LoadOrStore made of two locked steps passes -race but is not atomic:
// lincheck finds two callers that both "stored".
func ExampleRun() {
	type kv = lincheck.MapInput[string, int]
	var mu sync.Mutex
	spec := lincheck.Spec[map[string]int, lincheck.MapState[string, int], kv, lincheck.MapOutput[int]]{
		Model: lincheck.MapModel[string, int](),
		New:   func() map[string]int { return map[string]int{} },
		Do: func(m map[string]int, in kv) lincheck.MapOutput[int] {
			mu.Lock()
			v, ok := m[in.Key]
			if in.Op == lincheck.MapDelete {
				delete(m, in.Key)
			}
			mu.Unlock()
			if ok || in.Op == lincheck.MapDelete {
				return lincheck.MapOutput[int]{Value: v, Ok: true}
			}
			lincheck.Yield() // the window between the two critical sections
			mu.Lock()
			m[in.Key] = in.Value
			mu.Unlock()
			return lincheck.MapOutput[int]{Value: in.Value}
		},
		Gen: lincheck.RandomMapOps([]string{"a"}, []int{1, 2}, nil, lincheck.MapLoadOrStore, lincheck.MapDelete),
	}
	rep, err := lincheck.Run(spec, lincheck.Options{Perturb: true, Rounds: 20000, Budget: time.Minute})
	if err != nil {
		panic(err)
	}
	fmt.Println(rep.Verdict())
	// Output: violation
}

func ExampleCheckHistory() {
	type in = lincheck.CounterInput
	add := in{Op: lincheck.CounterAdd, Delta: 1}
	load := in{Op: lincheck.CounterLoad}
	// Two concurrent increments, then a read that saw only one of them.
	h := lincheck.History[in, int64]{
		{Goroutine: 1, Phase: lincheck.PhaseParallel, Input: add, Call: 1, Return: 3},
		{Goroutine: 2, Phase: lincheck.PhaseParallel, Input: add, Call: 2, Return: 4},
		{Goroutine: 0, Phase: lincheck.PhasePost, Input: load, Output: 1, Call: 5, Return: 6},
	}
	fmt.Println(lincheck.CheckHistory(lincheck.CounterModel(), h, 0))
	fmt.Print(h.Format(lincheck.CounterModel().DescribeOp))
	// Output:
	// violation
	//   parallel:
	//     g1 [1, 3] Add(1)
	//     g2 [2, 4] Add(1)
	//   post:
	//     g0 [5, 6] Load() -> 1
}

// sync.Map is linearizable. In a test, use lincheck.Check(t, spec, opts),
// which fails the test on a violation and attaches the history artifacts.
func ExampleRun_syncMap() {
	spec := lincheck.Spec[*sync.Map, lincheck.MapState[int, int], lincheck.MapInput[int, int], lincheck.MapOutput[int]]{
		Model: lincheck.MapModel[int, int](),
		New:   func() *sync.Map { return new(sync.Map) },
		Do:    syncMapDo,
		Gen: lincheck.RandomMapOps([]int{1, 2}, []int{1, 2, 3}, nil,
			lincheck.MapLoad, lincheck.MapStore, lincheck.MapLoadOrStore, lincheck.MapSwap),
	}
	rep, err := lincheck.Run(spec, lincheck.Options{Rounds: 500, Budget: time.Minute})
	if err != nil {
		panic(err)
	}
	fmt.Println(rep.Verdict(), rep.Rounds)
	// Output: linearizable 500
}
