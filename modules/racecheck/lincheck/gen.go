package lincheck

import "math/rand/v2"

// pick returns a uniformly chosen element of s.
func pick[E any](r *rand.Rand, s []E) E {
	return s[r.IntN(len(s))]
}

// RandomMapOps returns a [Spec.Gen] that draws operations uniformly from ops,
// keys from keys, Value and Old from values, and compute functions from
// computes (only needed if ops contains MapCompute). Few keys and values
// make conflicts, and so violations, likely. It panics if a list it needs is
// empty.
func RandomMapOps[K comparable, V comparable](keys []K, values []V, computes []ComputeFunc[V], ops ...MapOpKind) func(r *rand.Rand, seq int) MapInput[K, V] {
	if len(keys) == 0 || len(values) == 0 || len(ops) == 0 {
		panic("lincheck: RandomMapOps needs at least one key, value and operation")
	}
	for _, op := range ops {
		if op == MapCompute && len(computes) == 0 {
			panic("lincheck: RandomMapOps with MapCompute needs compute functions")
		}
	}
	return func(r *rand.Rand, _ int) MapInput[K, V] {
		in := MapInput[K, V]{Op: pick(r, ops), Key: pick(r, keys), Value: pick(r, values), Old: pick(r, values)}
		if in.Op == MapCompute {
			in.Compute = pick(r, computes)
		}
		return in
	}
}

// RandomQueueOps returns a [Spec.Gen] that draws operations uniformly from
// ops and gives every enqueued element a distinct value (seq + 1), so a lost
// or duplicated element is visible.
func RandomQueueOps(ops ...QueueOpKind) func(r *rand.Rand, seq int) QueueInput[int] {
	if len(ops) == 0 {
		panic("lincheck: RandomQueueOps needs at least one operation")
	}
	return func(r *rand.Rand, seq int) QueueInput[int] {
		return QueueInput[int]{Op: pick(r, ops), Value: seq + 1}
	}
}

// RandomCounterOps returns a [Spec.Gen] that draws operations uniformly from
// ops and deltas from deltas.
func RandomCounterOps(deltas []int64, ops ...CounterOpKind) func(r *rand.Rand, seq int) CounterInput {
	if len(deltas) == 0 || len(ops) == 0 {
		panic("lincheck: RandomCounterOps needs at least one delta and operation")
	}
	return func(r *rand.Rand, _ int) CounterInput {
		return CounterInput{Op: pick(r, ops), Delta: pick(r, deltas)}
	}
}

// RandomSetOps returns a [Spec.Gen] that draws operations uniformly from ops
// and elements from elems.
func RandomSetOps[T comparable](elems []T, ops ...SetOpKind) func(r *rand.Rand, seq int) SetInput[T] {
	if len(elems) == 0 || len(ops) == 0 {
		panic("lincheck: RandomSetOps needs at least one element and operation")
	}
	return func(r *rand.Rand, _ int) SetInput[T] {
		return SetInput[T]{Op: pick(r, ops), Elem: pick(r, elems)}
	}
}

// RandomRegisterOps returns a [Spec.Gen] that draws operations uniformly from
// ops and Value and Old from values.
func RandomRegisterOps[V comparable](values []V, ops ...RegisterOpKind) func(r *rand.Rand, seq int) RegisterInput[V] {
	if len(values) == 0 || len(ops) == 0 {
		panic("lincheck: RandomRegisterOps needs at least one value and operation")
	}
	return func(r *rand.Rand, _ int) RegisterInput[V] {
		return RegisterInput[V]{Op: pick(r, ops), Value: pick(r, values), Old: pick(r, values)}
	}
}
