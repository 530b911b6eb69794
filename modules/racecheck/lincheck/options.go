package lincheck

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalidOptions is wrapped by the error [Run] returns for bad [Options].
var ErrInvalidOptions = errors.New("lincheck: invalid options")

// ErrInvalidSpec is wrapped by the error [Run] returns for an incomplete [Spec].
var ErrInvalidSpec = errors.New("lincheck: invalid spec")

// Options tune [Run]. The zero value selects the defaults documented on each
// field.
type Options struct {
	// Seed derives every generated scenario. 0 picks a random seed (or the
	// value of the LINCHECK_SEED environment variable, if set); the seed in use
	// is in [Report.Seed], so a failing run can be replayed.
	Seed uint64
	// Goroutines is the number of goroutines in the parallel part. Default 3.
	Goroutines int
	// OpsPerGoroutine is the number of operations each goroutine runs.
	// Default 4.
	OpsPerGoroutine int
	// InitOps and PostOps are the lengths of the sequential parts before and
	// after the parallel part. 0 selects the default of 2; a negative value
	// means none.
	InitOps, PostOps int
	// Rounds is the maximum number of scenarios to run. Default 2000.
	Rounds int
	// Budget bounds the wall time spent running rounds (not counting
	// minimisation). Default 2s. Run stops at whichever of Rounds and Budget
	// comes first, and at the first violation.
	Budget time.Duration
	// CheckTimeout bounds the checker on one history; a history it cannot
	// decide in time counts as [Unknown]. Default 1s.
	CheckTimeout time.Duration
	// Perturb enables [Yield] while Run executes operations, and makes the
	// goroutines of the parallel part call it before each operation, which
	// varies the interleavings, most of all at GOMAXPROCS=1.
	Perturb bool
	// MinimizeBudget bounds the wall time spent minimising a failing
	// scenario. Default 5s; a negative value disables minimisation.
	MinimizeBudget time.Duration
	// MinimizeAttempts is how many times each candidate scenario is re-run
	// during minimisation before concluding that it does not fail (failures
	// are probabilistic). Default 200.
	MinimizeAttempts int
}

const maxGoroutines = 64

func (o Options) withDefaults() Options {
	if o.Goroutines == 0 {
		o.Goroutines = 3
	}
	if o.OpsPerGoroutine == 0 {
		o.OpsPerGoroutine = 4
	}
	if o.InitOps == 0 {
		o.InitOps = 2
	}
	if o.PostOps == 0 {
		o.PostOps = 2
	}
	if o.Rounds == 0 {
		o.Rounds = 2000
	}
	if o.Budget == 0 {
		o.Budget = 2 * time.Second
	}
	if o.CheckTimeout == 0 {
		o.CheckTimeout = time.Second
	}
	if o.MinimizeBudget == 0 {
		o.MinimizeBudget = 5 * time.Second
	}
	if o.MinimizeAttempts == 0 {
		o.MinimizeAttempts = 200
	}
	return o
}

func (o Options) validate() error {
	switch {
	case o.Goroutines < 0 || o.Goroutines > maxGoroutines:
		return fmt.Errorf("lincheck: Goroutines must be in [1, %d], got %d: %w", maxGoroutines, o.Goroutines, ErrInvalidOptions)
	case o.OpsPerGoroutine < 0:
		return fmt.Errorf("lincheck: OpsPerGoroutine must be > 0, got %d: %w", o.OpsPerGoroutine, ErrInvalidOptions)
	case o.Rounds < 0:
		return fmt.Errorf("lincheck: Rounds must be > 0, got %d: %w", o.Rounds, ErrInvalidOptions)
	case o.Budget < 0:
		return fmt.Errorf("lincheck: Budget must be > 0, got %v: %w", o.Budget, ErrInvalidOptions)
	case o.CheckTimeout < 0:
		return fmt.Errorf("lincheck: CheckTimeout must be > 0, got %v: %w", o.CheckTimeout, ErrInvalidOptions)
	case o.MinimizeAttempts < 0:
		return fmt.Errorf("lincheck: MinimizeAttempts must be > 0, got %d: %w", o.MinimizeAttempts, ErrInvalidOptions)
	}
	return nil
}
