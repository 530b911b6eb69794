// Package atomic is the part of go.uber.org/atomic the tests use: types
// whose methods are each one atomic step.
package atomic

import "sync/atomic"

// Bool is an atomic bool.
type Bool struct{ v uint32 }

// Load atomically loads the value.
func (b *Bool) Load() bool { return atomic.LoadUint32(&b.v) == 1 }

// Store atomically stores the value.
func (b *Bool) Store(val bool) {
	var n uint32
	if val {
		n = 1
	}
	atomic.StoreUint32(&b.v, n)
}

// CAS is an atomic compare-and-swap.
func (b *Bool) CAS(old, val bool) bool {
	var o, n uint32
	if old {
		o = 1
	}
	if val {
		n = 1
	}
	return atomic.CompareAndSwapUint32(&b.v, o, n)
}
