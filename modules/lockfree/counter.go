package lockfree

import (
	"math/bits"
	"runtime"
	"sync/atomic"

	"github.com/raceproof/raceproof/modules/lockfree/internal/affinity"
	"github.com/raceproof/raceproof/modules/lockfree/internal/cacheline"
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
// design of Java's LongAdder. A striped Counter stays striped, and an Add on
// its stripe costs what one on the base word does: one load of the table, one
// of the stripe, one compare-and-swap, all in Add itself.
//
// Each Add, Inc, Dec, Swap and Reset is atomic on the word it touches, and no
// Add is ever lost or counted twice. Load and Swap visit the base word and the
// stripes one after another; see their docs for what that means while writers
// run. A Load that starts after an Add returns observes that Add.
//
// Choosing a stripe: Go exposes no goroutine or P identity without
// go:linkname, so an Add picks its stripe from the address of the calling
// goroutine's stack (package affinity). That address stays the same while the goroutine runs
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

// stripe is one cache-line-padded cell of a Counter.
type stripe struct {
	v atomic.Int64
	_ [cacheline.Size - 8]byte
}

// stripeTable is a Counter's array of stripes. The stripes are one
// contiguous array, so that Add reaches its stripe with one load fewer than
// through an array of pointers. A table that grows is replaced by one twice
// its size that keeps the old one as prev: an Add that still holds the old
// table adds to a stripe that Load, Swap and Reset, which visit every table
// of the chain, still count. Sizes double, so all the tables of a chain hold
// fewer than twice the stripes of the last one.
type stripeTable struct {
	stripes []stripe // length is a power of two
	mask    uint32
	full    bool // the length had reached stripeLimit when the table was made
	prev    *stripeTable
}

// Add adds delta to the counter.
func (c *Counter) Add(delta int64) {
	t := c.table.Load()
	if t == nil {
		old := c.base.Load()
		if c.base.CompareAndSwap(old, old+delta) {
			return
		}
	} else {
		s := &t.stripes[affinity.Hash()&t.mask]
		old := s.v.Load()
		if s.v.CompareAndSwap(old, old+delta) {
			return
		}
	}
	c.addContended(t, delta)
}

// Inc adds 1 to the counter.
func (c *Counter) Inc() { c.Add(1) }

// Dec subtracts 1 from the counter.
func (c *Counter) Dec() { c.Add(-1) }

// addContended is Add after its compare-and-swap failed because another
// goroutine wrote the same word at the same time: the base word if t is
// nil, otherwise the calling goroutine's stripe of t.
func (c *Counter) addContended(t *stripeTable, delta int64) {
	h := affinity.Hash()
	if t == nil {
		t = c.grow(nil)
	} else {
		t = c.collided(t, &h)
	}
	for {
		s := &t.stripes[h&t.mask]
		old := s.v.Load()
		if s.v.CompareAndSwap(old, old+delta) {
			return
		}
		t = c.collided(t, &h)
	}
}

// collided moves *h to another stripe after a collision on its stripe of t,
// gives the contention more room if the table may grow, and returns the
// current table. A full table rechecks GOMAXPROCS (which takes a runtime
// lock) only on one collision in 64, so a raised GOMAXPROCS is still
// noticed.
func (c *Counter) collided(t *stripeTable, h *uint32) *stripeTable {
	*h = rehash(*h)
	if !t.full || *h&63 == 0 {
		return c.grow(t)
	}
	return c.table.Load()
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
	if cur := c.table.Load(); cur != old {
		return cur
	}
	n, limit := 2, stripeLimit()
	if old != nil {
		n = 2 * len(old.stripes)
		if n > limit {
			return old
		}
	}
	t := &stripeTable{stripes: make([]stripe, n), mask: uint32(n - 1), full: n >= limit, prev: old}
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
	for t := c.table.Load(); t != nil; t = t.prev {
		for i := range t.stripes {
			sum += t.stripes[i].v.Load()
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
	for t := c.table.Load(); t != nil; t = t.prev {
		for i := range t.stripes {
			sum += t.stripes[i].v.Swap(0)
		}
	}
	return sum
}

// Reset sets the counter to 0. With concurrent writers, Adds that overlap
// Reset may be kept or discarded; use Swap to keep every Add accounted for.
// Reset keeps the stripe table, so a contended counter stays striped.
func (c *Counter) Reset() {
	c.base.Store(0)
	for t := c.table.Load(); t != nil; t = t.prev {
		for i := range t.stripes {
			t.stripes[i].v.Store(0)
		}
	}
}
