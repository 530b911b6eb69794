package lincheck

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Spec describes the object under test: how to create one, how to apply an
// operation to it, and which operations to generate.
type Spec[T, S, I, O any] struct {
	// Model is the sequential specification the histories are checked against.
	Model Model[S, I, O]
	// New returns a fresh object for one round.
	New func() T
	// Do applies the operation described by in to obj and returns its
	// result. It is called from several goroutines at once. It must not
	// block forever (a blocking Dequeue on an empty queue would hang a round).
	Do func(obj T, in I) O
	// Gen returns a random operation. seq is the index of the operation in
	// its scenario, unique within a scenario. Gen must depend only on r and seq
	// so that a seed replays the same scenarios.
	Gen func(r *rand.Rand, seq int) I
	// Close, if not nil, is called with each object after its round.
	Close func(obj T)
}

func (s Spec[T, S, I, O]) validate() error {
	switch {
	case s.Model.Init == nil:
		return fmt.Errorf("lincheck: Spec.Model.Init is nil: %w", ErrInvalidSpec)
	case s.Model.Step == nil:
		return fmt.Errorf("lincheck: Spec.Model.Step is nil: %w", ErrInvalidSpec)
	case s.New == nil:
		return fmt.Errorf("lincheck: Spec.New is nil: %w", ErrInvalidSpec)
	case s.Do == nil:
		return fmt.Errorf("lincheck: Spec.Do is nil: %w", ErrInvalidSpec)
	case s.Gen == nil:
		return fmt.Errorf("lincheck: Spec.Gen is nil: %w", ErrInvalidSpec)
	}
	return nil
}

// Report is the outcome of [Run].
type Report[I, O any] struct {
	// Seed is the seed the scenarios were generated from.
	Seed uint64
	// Rounds is the number of scenarios executed; Passed of them were
	// linearizable and Unknown could not be decided within
	// [Options.CheckTimeout].
	Rounds, Passed, Unknown int
	// Elapsed is the wall time spent, minimisation included.
	Elapsed time.Duration
	// Failure describes the first violation, or is nil if none was found.
	Failure *Failure[I, O]
}

// Verdict summarises the report: [Violation] if a violation was found, else
// [Unknown] if any round could not be decided, else [Linearizable].
func (r *Report[I, O]) Verdict() Verdict {
	switch {
	case r.Failure != nil:
		return Violation
	case r.Unknown > 0:
		return Unknown
	}
	return Linearizable
}

// String returns a one-line summary.
func (r *Report[I, O]) String() string {
	return fmt.Sprintf("%s: %d rounds (%d linearizable, %d unknown) in %v, seed %d",
		r.Verdict(), r.Rounds, r.Passed, r.Unknown, r.Elapsed.Round(time.Millisecond), r.Seed)
}

// Failure describes a violation and its minimised reproduction.
type Failure[I, O any] struct {
	// Round is the round that failed; Generate(gen, opts, seed, Round)
	// returns Scenario again.
	Round int
	// Scenario and History are the failing scenario and its history.
	Scenario Scenario[I]
	History  History[I, O]
	// Minimal is the smallest scenario minimisation found that still fails,
	// and MinimalHistory a failing history of it. They equal Scenario and
	// History if minimisation was disabled or found nothing smaller.
	Minimal        Scenario[I]
	MinimalHistory History[I, O]
	// MinimizeRuns is the number of scenario executions minimisation spent.
	MinimizeRuns int

	describe  func(I, O) string
	visualize func(w io.Writer) error
}

// String renders the minimal failing history and the original one.
func (f *Failure[I, O]) String() string {
	s := fmt.Sprintf("linearizability violation in round %d; minimal failing history (%d of %d operations, %d minimisation runs):\n%s",
		f.Round, f.Minimal.Len(), f.Scenario.Len(), f.MinimizeRuns, f.MinimalHistory.Format(f.describe))
	if f.Minimal.Len() != f.Scenario.Len() {
		s += "original failing history:\n" + f.History.Format(f.describe)
	}
	return s
}

func seedFromEnv() uint64 {
	if s := os.Getenv("LINCHECK_SEED"); s != "" {
		if v, err := strconv.ParseUint(s, 10, 64); err == nil && v != 0 {
			return v
		}
	}
	return rand.Uint64() | 1
}

// Run executes generated scenarios against spec until a violation is found, or
// opts.Rounds rounds ran, or opts.Budget elapsed. A violation is minimised
// before Run returns. Run returns an error for invalid arguments, or if an
// operation panicked (the panic value is in the error).
//
// Run uses no global state except [Yield]'s switch when opts.Perturb is set,
// so runs may proceed in parallel.
func Run[T, S, I, O any](spec Spec[T, S, I, O], opts Options) (*Report[I, O], error) {
	if err := spec.validate(); err != nil {
		return nil, err
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	if opts.Seed == 0 {
		opts.Seed = seedFromEnv()
	}
	if opts.Perturb {
		defer EnableYield()()
	}
	start := time.Now()
	deadline := start.Add(opts.Budget)
	rep := &Report[I, O]{Seed: opts.Seed}
	for round := 0; round < opts.Rounds && (round == 0 || time.Now().Before(deadline)); round++ {
		sc := Generate(spec.Gen, opts, opts.Seed, round)
		h, err := execute(spec, sc, opts.Perturb)
		if err != nil {
			return nil, fmt.Errorf("lincheck: round %d (seed %d): %w", round, opts.Seed, err)
		}
		rep.Rounds++
		switch CheckHistory(spec.Model, h, opts.CheckTimeout) {
		case Linearizable:
			rep.Passed++
		case Unknown:
			rep.Unknown++
		case Violation:
			f := &Failure[I, O]{Round: round, Scenario: sc, History: h, Minimal: sc, MinimalHistory: h, describe: spec.Model.DescribeOp}
			if opts.MinimizeBudget > 0 {
				if err := minimize(spec, opts, f); err != nil {
					return nil, fmt.Errorf("lincheck: minimising round %d (seed %d): %w", round, opts.Seed, err)
				}
			}
			f.visualize = func(w io.Writer) error { return visualize(spec.Model, f.MinimalHistory, opts.CheckTimeout, w) }
			rep.Failure = f
			rep.Elapsed = time.Since(start)
			return rep, nil
		}
	}
	rep.Elapsed = time.Since(start)
	return rep, nil
}

// execute runs one scenario on a fresh object and returns its history.
func execute[T, S, I, O any](spec Spec[T, S, I, O], sc Scenario[I], perturb bool) (h History[I, O], err error) {
	obj := spec.New()
	if spec.Close != nil {
		defer spec.Close(obj)
	}
	var clock atomic.Int64
	apply := func(g int, p Phase, in I) (op Operation[I, O], err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("operation %s on goroutine %d panicked: %v", spec.Model.DescribeOp(in, *new(O)), g, r)
			}
		}()
		op = Operation[I, O]{Goroutine: g, Phase: p, Input: in}
		op.Call = clock.Add(1)
		op.Output = spec.Do(obj, in)
		op.Return = clock.Add(1)
		return op, nil
	}
	h = make(History[I, O], 0, sc.Len())
	for _, in := range sc.Init {
		op, err := apply(0, PhaseInit, in)
		if err != nil {
			return nil, err
		}
		h = append(h, op)
	}
	n := len(sc.Parallel)
	per := make([]History[I, O], n)
	errs := make([]error, n)
	var (
		ready   atomic.Int32
		release atomic.Bool
		wg      sync.WaitGroup
	)
	for g, ops := range sc.Parallel {
		wg.Go(func() {
			ready.Add(1)
			for !release.Load() {
				runtime.Gosched()
			}
			for _, in := range ops {
				if perturb {
					Yield()
				}
				op, err := apply(g+1, PhaseParallel, in)
				if err != nil {
					errs[g] = err
					return
				}
				per[g] = append(per[g], op)
			}
		})
	}
	for ready.Load() != int32(n) {
		runtime.Gosched()
	}
	release.Store(true)
	wg.Wait()
	for g := range n {
		if errs[g] != nil {
			return nil, errs[g]
		}
		h = append(h, per[g]...)
	}
	for _, in := range sc.Post {
		op, err := apply(0, PhasePost, in)
		if err != nil {
			return nil, err
		}
		h = append(h, op)
	}
	return h, nil
}
