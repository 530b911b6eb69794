package shardcache

import "sync/atomic"

// table is a shard's hash index: open addressing with linear probing over
// atomic entry pointers. Readers probe it without a lock; the shard lock
// holder mutates it. A removed entry leaves a tombstone so probe chains stay
// intact; when live entries plus tombstones reach 3/4 of the slots the writer
// builds a new table (the same size to drop tombstones, or larger) and
// publishes it with one atomic store. A published table is never modified
// once replaced, so a reader that still holds it sees a consistent snapshot.
//
// Each slot also keeps the hash of the key it was last filled with, so a
// probe skips slots of other keys without dereferencing their entries (one
// cache miss saved per probe), and a rebuild or the policy learns an entry's
// hash from its slot instead of every entry storing it. The hash is only a
// filter: a match is confirmed on the entry itself. A slot's hash changes
// only when the slot is reused for another key, and a reader racing with
// that reuse at worst misses the concurrent insert.
//
// The table's size need not be a power of two: the home slot of hash h is
// (low 32 bits of h) × size / 2^32, so a shard bounded to n entries sizes
// its table at 5/3 × n slots (n live entries fill 60% of it) rather than
// at the next power of two above twice n, which at one million uint64
// entries saves a fifth of the index.
type table[K comparable, V any] struct {
	slots []slot[K, V]
	size  uint64
	used  int // live entries plus tombstones; writer only
}

type slot[K comparable, V any] struct {
	hash  atomic.Uint64
	entry atomic.Pointer[entry[K, V]]
}

// store fills slot i with e, whose key hashes to h.
func (t *table[K, V]) store(i, h uint64, e *entry[K, V]) {
	if t.slots[i].hash.Load() != h {
		t.slots[i].hash.Store(h)
	}
	t.slots[i].entry.Store(e)
}

const minTableSize = 16

func newTable[K comparable, V any](size int) *table[K, V] {
	return &table[K, V]{slots: make([]slot[K, V], size), size: uint64(size)}
}

// home returns the first slot of h's probe chain.
func (t *table[K, V]) home(h uint64) uint64 { return uint64(uint32(h)) * t.size >> 32 }

// next returns the slot after i on a probe chain.
func (t *table[K, V]) next(i uint64) uint64 {
	if i++; i == t.size {
		return 0
	}
	return i
}

// find returns the live entry for key, or nil. Safe without the lock.
func (t *table[K, V]) find(key K, h uint64, tomb *entry[K, V]) *entry[K, V] {
	for i := t.home(h); ; i = t.next(i) {
		sl := &t.slots[i]
		if sl.hash.Load() != h {
			if sl.entry.Load() == nil {
				return nil
			}
			continue
		}
		e := sl.entry.Load()
		if e == nil {
			return nil
		}
		if e != tomb && e.key == key {
			return e
		}
	}
}

// findHash returns a live entry whose key has hash h, or nil. It serves the
// policy, which tracks keys by hash: two keys with one 64-bit hash are rare
// enough to share their access record. Writer only.
func (t *table[K, V]) findHash(h uint64, tomb *entry[K, V]) *entry[K, V] {
	for i := t.home(h); ; i = t.next(i) {
		sl := &t.slots[i]
		e := sl.entry.Load()
		if e == nil {
			return nil
		}
		if e != tomb && sl.hash.Load() == h {
			return e
		}
	}
}

// slot returns the index holding key (found true), or the index where key
// should be inserted: the first tombstone on its probe chain, else the empty
// slot ending the chain. Writer only.
func (t *table[K, V]) slot(key K, h uint64, tomb *entry[K, V]) (idx uint64, found bool) {
	free := ^uint64(0)
	for i := t.home(h); ; i = t.next(i) {
		sl := &t.slots[i]
		e := sl.entry.Load()
		if e == nil {
			if free == ^uint64(0) {
				free = i
			}
			return free, false
		}
		if e == tomb {
			if free == ^uint64(0) {
				free = i
			}
			continue
		}
		if sl.hash.Load() == h && e.key == key {
			return i, true
		}
	}
}

// sizeFor returns the size of a table for live entries in a shard that
// holds at most limit entries: twice live, so a rebuilt table starts at
// most half full, but no more than 5/3 of limit, which limit entries fill
// to 60%.
func sizeFor(live, limit int) int {
	return max(minTableSize, min(2*live, limit+limit*2/3+1))
}
