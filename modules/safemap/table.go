package safemap

import (
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/raceproof/raceproof/modules/safemap/internal/cacheline"
	"github.com/raceproof/raceproof/modules/safemap/internal/wordvalue"
)

// Table layout.
//
// A table is a power-of-two array of root buckets; a key lives in the chain
// of buckets hanging off root number hash&mask. On 64-bit platforms a bucket
// is exactly one 64-byte cache line:
//
//	meta   8 bytes  one hash-tag byte per slot (bytes 0..4, 0 = empty);
//	                bit 63 of a root's meta is txFlag (batch being applied)
//	mu     8 bytes  sync.Mutex serialising writers of the chain (root only)
//	next   8 bytes  overflow bucket
//	slots 40 bytes  5 pointers to immutable entries
//
// Five slots is what fits next to the three header words. A lookup loads
// meta once and finds the candidate slots with SWAR byte comparisons, so it
// usually dereferences exactly one entry. An entry's key never changes,
// and neither does its value unless the value is one machine word (see
// value.go), which a writer holding the root lock overwrites with one
// atomic store; any other overwrite replaces the slot pointer. So a
// lock-free read is one atomic pointer load plus at most one atomic load of
// the value, and a resize moves entries by copying pointers.
//
// Load factor. A table grows when it needs an overflow bucket and holds at
// least sparseLoad (small tables) or denseLoad (large tables) entries per
// root bucket, that is 40% or 80% of the root slots. Small tables, below
// denseBuckets root buckets (256 KiB), trade memory for speed: with at
// most 2 entries per root, lookups almost never follow an overflow
// pointer, for 32 to 64 bytes of table per entry. Large tables keep up to
// 4 entries per root, so that a big map costs 16 to 32 bytes of table per
// entry; at full load their lookups follow an overflow pointer for about
// one key in ten.
const (
	slotsPerBucket = 5
	sparseLoad     = 2
	denseLoad      = 4
	denseBuckets   = 1 << 12
	minBuckets     = 4
	txFlag         = uint64(1) << 63
	lowBytes       = uint64(0x0101010101010101)
	slotHighBits   = uint64(0x0000008080808080)
)

type entry[K comparable, V any] struct {
	key   K
	value V
}

type bucket[K comparable, V any] struct {
	meta  atomic.Uint64
	mu    sync.Mutex
	next  atomic.Pointer[bucket[K, V]]
	slots [slotsPerBucket]atomic.Pointer[entry[K, V]]
}

// counterStripe is one padded stripe of the entry counter, so that writers
// of different buckets do not contend on one cache line.
type counterStripe struct {
	n atomic.Int64
	_ [cacheline.Size - 8]byte
}

// The fields a lookup reads come first, so that they share a cache line.
type table[K comparable, V any] struct {
	hasher  hasher
	mask    uint64
	vkind   wordvalue.Kind
	buckets []bucket[K, V]
	counts  []counterStripe
	loadTx  func(K) (V, bool) // the owning Map's loadTx method (see Load)
}

func newTable[K comparable, V any](m *Map[K, V], nbuckets int, h hasher) *table[K, V] {
	stripes := 1
	for stripes < runtime.GOMAXPROCS(0)*2 && stripes < 64 && stripes < nbuckets {
		stripes <<= 1
	}
	return &table[K, V]{
		buckets: make([]bucket[K, V], nbuckets),
		mask:    uint64(nbuckets - 1),
		vkind:   wordvalue.KindOf[V](),
		counts:  make([]counterStripe, stripes),
		hasher:  h,
		loadTx:  m.loadTx,
	}
}

// bucketsFor returns the number of root buckets that holds n entries below
// the growth threshold.
func bucketsFor(n int) int {
	nb := minBuckets
	for thresholdFor(nb) < n {
		nb <<= 1
	}
	return nb
}

// thresholdFor is the entry count from which a table of nb root buckets
// grows (see the load factor above).
func thresholdFor(nb int) int {
	if nb < denseBuckets {
		return nb * sparseLoad
	}
	return nb * denseLoad
}

// growThreshold is the entry count from which the table doubles.
func (t *table[K, V]) growThreshold() int {
	return thresholdFor(len(t.buckets))
}

func (t *table[K, V]) count() int {
	var n int64
	for i := range t.counts {
		n += t.counts[i].n.Load()
	}
	return int(n)
}

func (t *table[K, V]) add(root uint64, d int64) {
	t.stripeOf(root).Add(d)
}

// stripeOf returns the entry counter stripe of root index ri.
func (t *table[K, V]) stripeOf(ri uint64) *atomic.Int64 {
	return &t.counts[ri&uint64(len(t.counts)-1)].n
}

func tagOf(h uint64) uint64 {
	return (h >> 57) | 0x80
}

// matchTags returns a mask with the high bit of every byte of meta (slots
// only) that may equal the tag broadcast to every byte of tags. False
// positives are possible (a borrow can flag the byte after a real match);
// callers compare the key anyway.
func matchTags(meta, tags uint64) uint64 {
	x := meta ^ tags
	return (x - lowBytes) &^ x & slotHighBits
}

// emptySlots returns a mask with the high bit of every empty slot's byte.
// Occupied slots have a tag >= 0x80, so no borrow can cross them and the
// result is exact.
func emptySlots(meta uint64) uint64 {
	return (meta - lowBytes) &^ meta & slotHighBits
}

func slotIndex(mask uint64) int {
	return bits.TrailingZeros64(mask) >> 3
}

// rootOf returns the root bucket for hash h without a bounds check: mask is
// always len(buckets)-1, so h&mask is in range. Load uses it; a bounds check
// on its path costs a measurable share of a lookup.
func (t *table[K, V]) rootOf(h uint64) *bucket[K, V] {
	return (*bucket[K, V])(unsafe.Add(unsafe.Pointer(unsafe.SliceData(t.buckets)),
		uintptr(h&t.mask)*unsafe.Sizeof(bucket[K, V]{})))
}

// slotAt returns slot i of b without a bounds check; i comes from a match
// mask, whose set bits are all within the slots' bytes (slotHighBits), so
// i < slotsPerBucket.
func (b *bucket[K, V]) slotAt(i int) *atomic.Pointer[entry[K, V]] {
	return (*atomic.Pointer[entry[K, V]])(unsafe.Add(unsafe.Pointer(&b.slots),
		uintptr(i)*unsafe.Sizeof(b.slots[0])))
}

func (t *table[K, V]) root(h uint64) (*bucket[K, V], uint64) {
	i := h & t.mask
	return &t.buckets[i], i
}

// find scans the chain of root for key without locks. meta is root's meta
// word, already loaded by the caller.
func (t *table[K, V]) find(root *bucket[K, V], meta, h uint64, key K) *entry[K, V] {
	tags := tagOf(h) * lowBytes
	b := root
	for {
		for m := matchTags(meta, tags); m != 0; m &= m - 1 {
			if e := b.slots[slotIndex(m)].Load(); e != nil && e.key == key {
				return e
			}
		}
		if b = b.next.Load(); b == nil {
			return nil
		}
		meta = b.meta.Load()
	}
}

// slotRef names one slot of a chain; the caller holds the root's lock.
type slotRef[K comparable, V any] struct {
	b *bucket[K, V]
	i int
}

// findLocked scans the chain of root for key, with root's lock held. It
// returns the slot holding key and its entry, or the first free slot (b nil
// if the chain is full) and a nil entry.
func (t *table[K, V]) findLocked(root *bucket[K, V], h uint64, key K) (slotRef[K, V], *entry[K, V]) {
	tags := tagOf(h) * lowBytes
	var free slotRef[K, V]
	for b := root; b != nil; b = b.next.Load() {
		meta := b.meta.Load()
		for m := matchTags(meta, tags); m != 0; m &= m - 1 {
			i := slotIndex(m)
			if e := b.slots[i].Load(); e != nil && e.key == key {
				return slotRef[K, V]{b, i}, e
			}
		}
		if free.b == nil {
			if m := emptySlots(meta); m != 0 {
				free = slotRef[K, V]{b, slotIndex(m)}
			}
		}
	}
	return free, nil
}

// insertLocked stores e in the free slot ref, or in a new overflow bucket if
// ref is empty, with root's lock held. It reports whether the table has
// passed its growth threshold and should be resized once the lock is
// released.
func (t *table[K, V]) insertLocked(root *bucket[K, V], ri uint64, ref slotRef[K, V], h uint64, e *entry[K, V]) (grow bool) {
	if ref.b == nil {
		last := root
		for n := last.next.Load(); n != nil; n = n.next.Load() {
			last = n
		}
		nb := &bucket[K, V]{}
		last.next.Store(nb)
		ref = slotRef[K, V]{nb, 0}
		grow = t.count() >= t.growThreshold()
	}
	ref.b.slots[ref.i].Store(e)
	ref.b.meta.Store(ref.b.meta.Load() | tagOf(h)<<(8*ref.i))
	t.add(ri, 1)
	return grow
}

// deleteLocked empties ref, with root's lock held. It reports whether the
// chain is now empty, the moment to check whether the table should shrink.
func (t *table[K, V]) deleteLocked(root *bucket[K, V], ri uint64, ref slotRef[K, V]) (chainEmpty bool) {
	ref.b.meta.Store(ref.b.meta.Load() &^ (0xff << (8 * ref.i)))
	ref.b.slots[ref.i].Store(nil)
	t.add(ri, -1)
	for b := root; b != nil; b = b.next.Load() {
		if b.meta.Load()&^txFlag != 0 {
			return false
		}
	}
	return true
}

// lockAll locks every root bucket in index order, the global lock order.
func (t *table[K, V]) lockAll() {
	for i := range t.buckets {
		t.buckets[i].mu.Lock()
	}
}

func (t *table[K, V]) unlockAll() {
	for i := range t.buckets {
		t.buckets[i].mu.Unlock()
	}
}

// collect appends the entries of root's chain to buf without locks,
// dropping duplicates: a key deleted and re-inserted into another slot
// during the scan could otherwise be seen twice. If a batch is being
// applied to the chain, it copies the chain under the lock instead, so that
// no uncommitted write is returned.
func (t *table[K, V]) collect(root *bucket[K, V], buf []*entry[K, V]) []*entry[K, V] {
	m0 := root.meta.Load()
	if m0&txFlag == 0 {
		out := collectChain(root, buf)
		if root.meta.Load()&txFlag == 0 {
			return out
		}
	}
	root.mu.Lock()
	defer root.mu.Unlock()
	return collectChain(root, buf[:0])
}

func collectChain[K comparable, V any](root *bucket[K, V], buf []*entry[K, V]) []*entry[K, V] {
	start := len(buf)
	for b := root; b != nil; b = b.next.Load() {
		for i := range b.slots {
			e := b.slots[i].Load()
			if e == nil {
				continue
			}
			dup := false
			for j, prev := range buf[start:] {
				if prev.key == e.key {
					buf[start+j] = e
					dup = true
					break
				}
			}
			if !dup {
				buf = append(buf, e)
			}
		}
	}
	return buf
}

// copyInto inserts every entry of t into nt, which is not yet published.
// The caller holds every lock of t.
func (t *table[K, V]) copyInto(nt *table[K, V]) {
	for i := range t.buckets {
		for b := &t.buckets[i]; b != nil; b = b.next.Load() {
			for s := range b.slots {
				if e := b.slots[s].Load(); e != nil {
					h := hashKey(&nt.hasher, e.key)
					root, ri := nt.root(h)
					ref, _ := nt.findFree(root)
					nt.insertLocked(root, ri, ref, h, e)
				}
			}
		}
	}
}

// findFree returns the first free slot of root's chain (b nil if full).
func (t *table[K, V]) findFree(root *bucket[K, V]) (slotRef[K, V], bool) {
	for b := root; b != nil; b = b.next.Load() {
		if m := emptySlots(b.meta.Load()); m != 0 {
			return slotRef[K, V]{b, slotIndex(m)}, true
		}
	}
	return slotRef[K, V]{}, false
}
