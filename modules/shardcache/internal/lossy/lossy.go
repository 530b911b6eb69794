// Package lossy implements the striped read buffer through which cache hits
// reach the eviction policy without taking a lock.
//
// A hit records the hash of the key it read into one of several ring
// buffers, the one its goroutine keeps using (see package affinity), so
// concurrent readers write different cache lines. Recording is a
// compare-and-swap on the stripe's tail plus one word store; events are
// plain words, not pointers, so recording needs no GC write barrier. When a
// ring is full the event is dropped: the policy only needs a sample of
// accesses, and dropping is what keeps a hot key read from every goroutine
// from serializing on a lock. The buffer is drained by the owner of the
// shard lock.
package lossy

import (
	"sync/atomic"

	"github.com/raceproof/raceproof/modules/shardcache/internal/affinity"
	"github.com/raceproof/raceproof/modules/shardcache/internal/cacheline"
)

// ringSize is the number of events one stripe holds: sixteen words fill
// cacheline.Size bytes, and the head and tail words are padded to as many
// again, so stripes never share a line (nor an adjacent-line pair).
const ringSize = 16

// empty marks a slot whose event has been drained or not yet stored. An
// event equal to empty is recorded as 1 instead.
const empty = 0

type stripe struct {
	tail  atomic.Uint64 // next slot to write; written by producers
	head  atomic.Uint64 // next slot to read; written by the drainer only
	_     [cacheline.Size - 16]byte
	slots [ringSize]atomic.Uint64
}

// Buffer is a set of lossy stripes of uint64 events. Add may be called by
// any goroutine; Drain must be called by one goroutine at a time (the cache
// calls it under the shard lock).
type Buffer struct {
	stripes []stripe
	mask    uint32
}

// New returns a buffer with n stripes; n is rounded up to a power of two.
func New(n int) *Buffer {
	size := 1
	for size < n {
		size <<= 1
	}
	return &Buffer{stripes: make([]stripe, size), mask: uint32(size - 1)}
}

// Add records event and reports whether it did (the event is dropped when
// the chosen stripe is full or another producer won the race for the slot)
// and whether the stripe is now full, which is the caller's cue to try to
// drain. Add never blocks and never allocates.
func (b *Buffer) Add(event uint64) (recorded, full bool) {
	if event == empty {
		event = 1
	}
	s := &b.stripes[affinity.Hash()&b.mask]
	t := s.tail.Load()
	if t-s.head.Load() >= ringSize {
		return false, true
	}
	if !s.tail.CompareAndSwap(t, t+1) {
		return false, false // contended: drop rather than retry
	}
	s.slots[t%ringSize].Store(event)
	return true, t+1-s.head.Load() >= ringSize
}

// Drain calls fn for every recorded event, oldest first per stripe, and frees
// the slots. A slot whose producer won the tail but has not stored its event
// yet ends the drain of that stripe; the event is picked up next time.
func (b *Buffer) Drain(fn func(event uint64)) {
	for i := range b.stripes {
		s := &b.stripes[i]
		h := s.head.Load()
		t := s.tail.Load()
		for ; h != t; h++ {
			slot := &s.slots[h%ringSize]
			event := slot.Load()
			if event == empty {
				break
			}
			// Only the drainer clears slots, and no producer writes this
			// slot again until head moves past it.
			slot.Store(empty)
			fn(event)
		}
		s.head.Store(h)
	}
}
