package lincheck_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/raceproof/raceproof/modules/racecheck/lincheck"
)

// bugOptions bound the search for a known bug: the fixtures call Yield inside
// their bug window and Perturb enables it, so a violation is found within a
// few dozen rounds at every GOMAXPROCS; Rounds and Budget only bound the time
// if it were not.
func bugOptions() lincheck.Options {
	return lincheck.Options{Rounds: 20000, Budget: 20 * time.Second, Perturb: true, MinimizeBudget: 3 * time.Second}
}

// correctRounds is the number of scenarios a correct implementation must pass
// at each GOMAXPROCS value.
func correctRounds() int {
	if testing.Short() {
		return 200
	}
	return 1000
}

func correctOptions() lincheck.Options {
	return lincheck.Options{Rounds: correctRounds(), Budget: time.Minute, Perturb: true}
}

// requireViolation runs spec, requires a violation, logs it (writing the
// artifacts) and returns the report.
func requireViolation[T, S, I, O any](t *testing.T, spec lincheck.Spec[T, S, I, O], opts lincheck.Options) *lincheck.Report[I, O] {
	t.Helper()
	rep, err := lincheck.Run(spec, opts)
	require.NoError(t, err)
	require.Equal(t, lincheck.Violation, rep.Verdict(), "bug not found: %v", rep)
	lincheck.LogFailure(t, rep.Failure)
	f := rep.Failure
	require.LessOrEqual(t, f.Minimal.Len(), f.Scenario.Len())
	require.Equal(t, lincheck.Violation, lincheck.CheckHistory(spec.Model, f.MinimalHistory, 0),
		"the reported minimal history must itself be a violation")
	return rep
}

// requireLinearizable runs spec on a correct implementation and requires
// every round to pass.
func requireLinearizable[T, S, I, O any](t *testing.T, spec lincheck.Spec[T, S, I, O]) {
	t.Helper()
	rep := lincheck.Check(t, spec, correctOptions())
	require.Equal(t, lincheck.Linearizable, rep.Verdict(), "%v", rep)
	require.Equal(t, correctRounds(), rep.Rounds)
}

func TestCatchesSplitLoadOrStore(t *testing.T) {
	forEachProcs(t, func(t *testing.T) {
		opts := bugOptions()
		// Minimisation normally ends within a second, when no removal
		// still fails; the budget only bounds a heavily loaded machine.
		opts.MinimizeBudget = 30 * time.Second
		rep := requireViolation(t, lockedMapSpec(true, lincheck.MapLoad, lincheck.MapLoadOrStore, lincheck.MapDelete), opts)
		// Two concurrent LoadOrStores of one key both storing is the
		// smallest failing scenario; allow one extra operation in case
		// minimisation stopped at another local minimum.
		require.LessOrEqual(t, rep.Failure.Minimal.Len(), 3, "\n%v", rep.Failure)
	})
}

func TestCatchesLoadStoreCounter(t *testing.T) {
	forEachProcs(t, func(t *testing.T) {
		requireViolation(t, counterSpec(true, lincheck.CounterAdd, lincheck.CounterLoad), bugOptions())
	})
}

func TestCatchesDuplicatingQueue(t *testing.T) {
	forEachProcs(t, func(t *testing.T) {
		requireViolation(t, queueSpec(0, duplicating, lincheck.QueueEnqueue, lincheck.QueueTryDequeue), bugOptions())
	})
}

func TestCatchesSpuriousTryDequeue(t *testing.T) {
	forEachProcs(t, func(t *testing.T) {
		requireViolation(t, queueSpec(4, spurious, lincheck.QueueTryEnqueue, lincheck.QueueTryDequeue), bugOptions())
	})
}

func TestSyncMapIsLinearizable(t *testing.T) {
	forEachProcs(t, func(t *testing.T) { requireLinearizable(t, syncMapSpec()) })
}

func TestMutexMapIsLinearizable(t *testing.T) {
	ops := append([]lincheck.MapOpKind{lincheck.MapCompute}, allMapOps...)
	forEachProcs(t, func(t *testing.T) { requireLinearizable(t, lockedMapSpec(false, ops...)) })
}

func TestMutexQueueIsLinearizable(t *testing.T) {
	forEachProcs(t, func(t *testing.T) {
		t.Run("bounded", func(t *testing.T) {
			requireLinearizable(t, queueSpec(2, noBug, lincheck.QueueTryEnqueue, lincheck.QueueTryDequeue))
		})
		t.Run("unbounded", func(t *testing.T) {
			requireLinearizable(t, queueSpec(0, noBug, lincheck.QueueEnqueue, lincheck.QueueTryDequeue))
		})
	})
}

func TestAtomicCounterIsLinearizable(t *testing.T) {
	forEachProcs(t, func(t *testing.T) {
		requireLinearizable(t, counterSpec(false, lincheck.CounterAdd, lincheck.CounterAddAndGet,
			lincheck.CounterLoad, lincheck.CounterSwap, lincheck.CounterReset))
	})
}

func TestMutexSetIsLinearizable(t *testing.T) {
	forEachProcs(t, func(t *testing.T) {
		requireLinearizable(t, lincheck.Spec[*mutexSet, map[int]struct{}, lincheck.SetInput[int], bool]{
			Model: lincheck.SetModel[int](),
			New:   func() *mutexSet { return &mutexSet{m: map[int]bool{}} },
			Do:    (*mutexSet).do,
			Gen:   lincheck.RandomSetOps([]int{1, 2}, lincheck.SetAdd, lincheck.SetRemove, lincheck.SetContains),
		})
	})
}

func TestAtomicRegisterIsLinearizable(t *testing.T) {
	forEachProcs(t, func(t *testing.T) {
		requireLinearizable(t, lincheck.Spec[*atomic.Int64, int64, lincheck.RegisterInput[int64], lincheck.RegisterOutput[int64]]{
			Model: lincheck.RegisterModel[int64](0),
			New:   func() *atomic.Int64 { return new(atomic.Int64) },
			Do:    registerDo,
			Gen: lincheck.RandomRegisterOps([]int64{0, 1, 2}, lincheck.RegisterLoad, lincheck.RegisterStore,
				lincheck.RegisterSwap, lincheck.RegisterCompareAndSwap),
		})
	})
}

// TestRunsInParallel checks that independent runs share nothing: two
// concurrent runs, one of a buggy and one of a correct implementation, get
// their own verdicts.
func TestRunsInParallel(t *testing.T) {
	var wg sync.WaitGroup
	var bad, good *lincheck.Report[mapIn, mapOut]
	var badErr, goodErr error
	wg.Go(func() { bad, badErr = lincheck.Run(lockedMapSpec(true, lincheck.MapLoadOrStore), bugOptions()) })
	wg.Go(func() { good, goodErr = lincheck.Run(syncMapSpec(), correctOptions()) })
	wg.Wait()
	require.NoError(t, badErr)
	require.NoError(t, goodErr)
	require.Equal(t, lincheck.Violation, bad.Verdict())
	require.Equal(t, lincheck.Linearizable, good.Verdict(), "%v", good)
}
