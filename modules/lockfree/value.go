package lockfree

import "sync/atomic"

// Value is a typed atomic holder of a *T, for read-mostly data such as
// configuration or routing tables that is replaced as a whole. The zero value
// holds nil and is ready to use. A Value must not be copied after first use.
//
// Load never blocks and never allocates: it is one atomic load. Every method is
// atomic, and a Store (or successful Swap, CompareAndSwap or Update)
// synchronizes before every Load that observes the stored pointer, so a reader
// sees everything the writer wrote to *p before storing it. The pointed-to T
// must be treated as immutable once stored: build a new T and store it instead
// of modifying the current one.
type Value[T any] struct {
	_ noCopy
	p atomic.Pointer[T]
}

// Load returns the current pointer (nil for a zero Value).
func (v *Value[T]) Load() *T { return v.p.Load() }

// Store sets the current pointer to p.
func (v *Value[T]) Store(p *T) { v.p.Store(p) }

// Swap sets the current pointer to p and returns the previous one.
func (v *Value[T]) Swap(p *T) (old *T) { return v.p.Swap(p) }

// CompareAndSwap sets the current pointer to new if it is old (compared as
// pointers, not by the T they point to) and reports whether it did.
func (v *Value[T]) CompareAndSwap(old, new *T) bool { return v.p.CompareAndSwap(old, new) }

// Update replaces the current pointer by f(current) atomically and returns the
// pointer it stored. If another writer changes the Value between the read and
// the compare-and-swap, Update calls f again with the newer pointer, so f may
// run several times and must have no side effects beyond building its result.
// f must not modify *old. If f panics, the Value is left unchanged and the
// panic propagates; no lock is held.
func (v *Value[T]) Update(f func(old *T) *T) (new *T) {
	for {
		old := v.p.Load()
		new = f(old)
		if v.p.CompareAndSwap(old, new) {
			return new
		}
	}
}
