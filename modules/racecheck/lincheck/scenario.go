package lincheck

import (
	"math/rand/v2"
	"slices"
)

// Scenario is the list of operations one round executes: Init sequentially on
// the calling goroutine, then each Parallel[i] on its own goroutine (all
// released together by a barrier), then Post sequentially once every
// goroutine has returned.
type Scenario[I any] struct {
	Init     []I
	Parallel [][]I
	Post     []I
}

// Len returns the number of operations in s.
func (s Scenario[I]) Len() int {
	n := len(s.Init) + len(s.Post)
	for _, ops := range s.Parallel {
		n += len(ops)
	}
	return n
}

func (s Scenario[I]) clone() Scenario[I] {
	c := Scenario[I]{Init: slices.Clone(s.Init), Post: slices.Clone(s.Post)}
	for _, ops := range s.Parallel {
		c.Parallel = append(c.Parallel, slices.Clone(ops))
	}
	return c
}

// Generate returns the scenario that [Run] executes in the given round for the
// given seed: the same arguments always give the same scenario. gen is called
// with a random source derived from (seed, round) and the index of the
// operation within the scenario, which generators can use to make values
// unique (a queue test enqueues distinct values so a duplicate is visible).
func Generate[I any](gen func(r *rand.Rand, seq int) I, opts Options, seed uint64, round int) Scenario[I] {
	opts = opts.withDefaults()
	r := rand.New(rand.NewPCG(seed, uint64(round)))
	seq := 0
	next := func() I {
		in := gen(r, seq)
		seq++
		return in
	}
	var s Scenario[I]
	for range max(opts.InitOps, 0) {
		s.Init = append(s.Init, next())
	}
	for range opts.Goroutines {
		ops := make([]I, 0, opts.OpsPerGoroutine)
		for range opts.OpsPerGoroutine {
			ops = append(ops, next())
		}
		s.Parallel = append(s.Parallel, ops)
	}
	for range max(opts.PostOps, 0) {
		s.Post = append(s.Post, next())
	}
	return s
}
