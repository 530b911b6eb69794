package lincheck

import (
	"slices"
	"time"
)

// minimize shrinks f.Minimal by delta debugging over operations: it tries
// removing each goroutine, then each operation, keeping every removal after
// which the scenario still fails within opts.MinimizeAttempts executions
// (failures are probabilistic), and repeats until a whole pass removes
// nothing or opts.MinimizeBudget is spent.
func minimize[T, S, I, O any](spec Spec[T, S, I, O], opts Options, f *Failure[I, O]) error {
	deadline := time.Now().Add(opts.MinimizeBudget)
	expired := func() bool { return time.Now().After(deadline) }
	// try reports whether c still fails, and if so makes it the minimum.
	try := func(c Scenario[I]) (bool, error) {
		for range opts.MinimizeAttempts {
			if expired() {
				return false, nil
			}
			h, err := execute(spec, c, opts.Perturb)
			if err != nil {
				return false, err
			}
			f.MinimizeRuns++
			if CheckHistory(spec.Model, h, opts.CheckTimeout) == Violation {
				f.Minimal, f.MinimalHistory = c, h
				return true, nil
			}
		}
		return false, nil
	}
	for changed := true; changed && !expired(); {
		changed = false
		for g := 0; len(f.Minimal.Parallel) > 1 && g < len(f.Minimal.Parallel) && !expired(); {
			c := f.Minimal.clone()
			c.Parallel = slices.Delete(c.Parallel, g, g+1)
			ok, err := try(c)
			if err != nil {
				return err
			}
			if ok {
				changed = true
			} else {
				g++
			}
		}
		// Removing operation i shifts the next one into position i, so i
		// only advances when a removal is rejected.
		for i := 0; i < f.Minimal.Len() && !expired(); {
			ok, err := try(f.Minimal.without(i))
			if err != nil {
				return err
			}
			if ok {
				changed = true
			} else {
				i++
			}
		}
	}
	return nil
}

// without returns a copy of s without its i-th operation, counting the final
// part first, then the initial part, then each goroutine's operations (so the
// sequential parts, which rarely matter, are shed first). A goroutine left
// with no operations is removed.
func (s Scenario[I]) without(i int) Scenario[I] {
	c := s.clone()
	if i < len(c.Post) {
		c.Post = slices.Delete(c.Post, i, i+1)
		return c
	}
	i -= len(c.Post)
	if i < len(c.Init) {
		c.Init = slices.Delete(c.Init, i, i+1)
		return c
	}
	i -= len(c.Init)
	for g, ops := range c.Parallel {
		if i < len(ops) {
			c.Parallel[g] = slices.Delete(ops, i, i+1)
			if len(c.Parallel[g]) == 0 {
				c.Parallel = slices.Delete(c.Parallel, g, g+1)
			}
			return c
		}
		i -= len(ops)
	}
	return c
}
