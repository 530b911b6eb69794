// Package lossy implements the striped read buffer through which cache hits
// reach the eviction policy without taking a lock.
//
// A hit records the entry it touched into one of several ring buffers chosen
// at random (math/rand/v2's global functions use per-thread state, so picking
// a stripe writes no shared memory). Recording is a compare-and-swap on the
// stripe's tail plus one pointer store. When a ring is full the event is
// dropped: the policy only needs a sample of accesses, and dropping is what
// keeps a hot key read from every goroutine from serializing on a lock.
// The buffer is drained by the owner of the shard lock.
package lossy

import (
	"math/rand/v2"
	"sync/atomic"
)

// ringSize is the number of events one stripe holds. Sixteen pointers fill two
// cache lines; together with the head and tail words a stripe is padded to
// three lines so stripes never share a line.
const ringSize = 16

type stripe[T any] struct {
	tail  atomic.Uint64 // next slot to write; written by producers
	head  atomic.Uint64 // next slot to read; written by the drainer only
	slots [ringSize]atomic.Pointer[T]
	_     [48]byte
}

// Buffer is a set of lossy stripes. Add may be called by any goroutine;
// Drain must be called by one goroutine at a time (the cache calls it under
// the shard lock).
type Buffer[T any] struct {
	stripes []stripe[T]
	mask    uint32
}

// New returns a buffer with n stripes; n is rounded up to a power of two.
func New[T any](n int) *Buffer[T] {
	size := 1
	for size < n {
		size <<= 1
	}
	return &Buffer[T]{stripes: make([]stripe[T], size), mask: uint32(size - 1)}
}

// Add records p and reports whether it did (the event is dropped when the
// chosen stripe is full or another producer won the race for the slot) and
// whether the stripe is now full, which is the caller's cue to try to drain.
// Add never blocks and never allocates.
func (b *Buffer[T]) Add(p *T) (recorded, full bool) {
	s := &b.stripes[rand.Uint32()&b.mask]
	t := s.tail.Load()
	if t-s.head.Load() >= ringSize {
		return false, true
	}
	if !s.tail.CompareAndSwap(t, t+1) {
		return false, false // contended: drop rather than retry
	}
	s.slots[t%ringSize].Store(p)
	return true, t+1-s.head.Load() >= ringSize
}

// Drain calls fn for every recorded event, oldest first per stripe, and frees
// the slots. A slot whose producer won the tail but has not stored its pointer
// yet ends the drain of that stripe; the event is picked up next time.
func (b *Buffer[T]) Drain(fn func(*T)) {
	for i := range b.stripes {
		s := &b.stripes[i]
		h := s.head.Load()
		t := s.tail.Load()
		for ; h != t; h++ {
			slot := &s.slots[h%ringSize]
			p := slot.Load()
			if p == nil {
				break
			}
			// Only the drainer clears slots, and no producer writes this
			// slot again until head moves past it, so a plain store
			// suffices (cheaper than a swap).
			slot.Store(nil)
			fn(p)
		}
		s.head.Store(h)
	}
}
