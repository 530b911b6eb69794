package lockfree

import (
	"math/bits"
	"runtime"
	"sync/atomic"
	"unsafe"
)

// Counter is an int64 counter for many concurrent writers and occasional
// readers. The zero value is a counter at 0, ready to use. A Counter must not be
// copied after first use.
//
// Uncontended, Add is a compare-and-swap on a single base word, so it costs
// about what atomic.Int64.Add costs. The first time that compare-and-swap fails
// (another goroutine updated the word concurrently), the Counter allocates a
// small table of cache-line-padded stripes and from then on every Add goes to a
// stripe. A failed compare-and-swap on a stripe grows the table, doubling it up
// to four stripes per P (GOMAXPROCS at the time of the growth). This is the
// design of Java's LongAdder.
//
// Each Add, Inc, Dec, Swap and Reset is atomic on the word it touches, and no
// Add is ever lost or counted twice. Load and Swap visit the base word and the
// stripes one after another; see their docs for what that means while writers
// run. A Load that starts after an Add returns observes that Add.
//
// Choosing a stripe: Go exposes no goroutine or P identity without
// go:linkname, so an Add picks its stripe from the address of the calling
// goroutine's stack. That address stays the same while the goroutine runs
// and differs between goroutines running at the same time, so each goroutine
// keeps writing one stripe (its cache line stays in its core's cache) and
// concurrent goroutines mostly write different ones; four stripes per P keep
// two goroutines off the same stripe with high probability. A goroutine whose
// stack grows moves to another stripe. When two goroutines do meet on a stripe
// (its compare-and-swap fails), the Add retries on another stripe, as LongAdder
// rehashes a thread's probe. Picking a stripe costs a few instructions and
// writes no shared memory (a sync.Pool of per-P hints, as xsync uses, costs
// more than the add itself).
type Counter struct {
	_     noCopy
	base  atomic.Int64
	table atomic.Pointer[stripeTable]
}

// stripe is one cache-line-padded cell of a Counter. Stripes are allocated one
// by one, so a table that grows shares its existing stripes with the new table
// and an Add that still holds the old table adds to a stripe that Load sees.
type stripe struct {
	v atomic.Int64
	_ [cacheLinePad - 8]byte
}

type stripeTable struct {
	stripes []*stripe // length is a power of two
	mask    uint32
	full    bool // the length had reached stripeLimit when the table was made
}

// Add adds delta to the counter.
func (c *Counter) Add(delta int64) {
	if c.table.Load() == nil {
		old := c.base.Load()
		if c.base.CompareAndSwap(old, old+delta) {
			return
		}
	}
	c.addStriped(delta)
}

// Inc adds 1 to the counter.
func (c *Counter) Inc() { c.Add(1) }

// Dec subtracts 1 from the counter.
func (c *Counter) Dec() { c.Add(-1) }

func (c *Counter) addStriped(delta int64) {
	h := stackHash()
	for {
		t := c.table.Load()
		if t == nil {
			t = c.grow(nil)
		}
		s := t.stripes[h&t.mask]
		old := s.v.Load()
		if s.v.CompareAndSwap(old, old+delta) {
			return
		}
		// Another goroutine wrote this stripe at the same time: retry on
		// another stripe and give the contention more room if the table may
		// grow. A full table rechecks GOMAXPROCS (which takes a runtime
		// lock) only on one collision in 64, so a raised GOMAXPROCS is still
		// noticed.
		h = rehash(h)
		if !t.full || h&63 == 0 {
			c.grow(t)
		}
	}
}

// stackHash returns a hash of the address of the calling goroutine's stack,
// with the offset within the stack (up to 2 KiB, the smallest stack) dropped.
func stackHash() uint32 {
	var x byte
	addr := uint64(uintptr(unsafe.Pointer(&x))) >> 11
	return uint32((addr * 0x9e3779b97f4a7c15) >> 32)
}

// rehash is a xorshift32 step: a cheap, full-period move to another stripe.
func rehash(h uint32) uint32 {
	if h == 0 {
		h = 0x9e3779b9
	}
	h ^= h << 13
	h ^= h >> 17
	h ^= h << 5
	return h
}

// maxStripes bounds the table whatever GOMAXPROCS says.
const maxStripes = 1 << 12

// stripeLimit is the table size growth stops at: the smallest power of two
// that is at least four times GOMAXPROCS, read at growth time so that a
// GOMAXPROCS change is honoured by later growths.
func stripeLimit() int {
	n := 1 << bits.Len(uint(4*runtime.GOMAXPROCS(0)-1))
	return min(n, maxStripes)
}

// grow replaces the table old (nil: no table yet) by one twice its size, unless
// it has reached the limit or another goroutine replaced it first. It returns
// the current table.
func (c *Counter) grow(old *stripeTable) *stripeTable {
	n, limit := 2, stripeLimit()
	if old != nil {
		n = 2 * len(old.stripes)
		if n > limit {
			return c.table.Load()
		}
	}
	t := &stripeTable{stripes: make([]*stripe, n), mask: uint32(n - 1), full: n >= limit}
	if old != nil {
		copy(t.stripes, old.stripes)
	}
	for i := range t.stripes {
		if t.stripes[i] == nil {
			t.stripes[i] = new(stripe)
		}
	}
	if c.table.CompareAndSwap(old, t) {
		return t
	}
	return c.table.Load()
}

// Load returns the sum of the base word and every stripe. It is exact when no
// writer runs concurrently. While writers run it is not an atomic snapshot: it
// includes every Add that returned before Load started and any subset of the
// Adds that overlap it, so it may return a value the counter never held at any
// single instant.
func (c *Counter) Load() int64 {
	sum := c.base.Load()
	if t := c.table.Load(); t != nil {
		for _, s := range t.stripes {
			sum += s.v.Load()
		}
	}
	return sum
}

// Swap returns the sum and resets the counter to 0 (LongAdder.sumThenReset).
// Each word is read and zeroed by one atomic swap, so with concurrent writers
// every Add is counted exactly once: either in the value returned by this Swap
// or in the counter afterwards. As with Load, the returned value is not an
// atomic snapshot while writers run.
func (c *Counter) Swap() int64 {
	sum := c.base.Swap(0)
	if t := c.table.Load(); t != nil {
		for _, s := range t.stripes {
			sum += s.v.Swap(0)
		}
	}
	return sum
}

// Reset sets the counter to 0. With concurrent writers, Adds that overlap
// Reset may be kept or discarded; use Swap to keep every Add accounted for.
// Reset keeps the stripe table, so a contended counter stays striped.
func (c *Counter) Reset() {
	c.base.Store(0)
	if t := c.table.Load(); t != nil {
		for _, s := range t.stripes {
			s.v.Store(0)
		}
	}
}
