package shardcache

import "sync/atomic"

// table is a shard's hash index: open addressing with linear probing over
// atomic entry pointers. Readers probe it without a lock; the shard lock
// holder mutates it. A removed entry leaves a tombstone so probe chains stay
// intact; when live entries plus tombstones reach 3/4 of the slots the writer
// builds a new table (same size to drop tombstones, or twice the size) and
// publishes it with one atomic store. A published table is never modified
// once replaced, so a reader that still holds it sees a consistent snapshot.
//
// Each slot also keeps the hash of the key it was last filled with, so a
// probe skips slots of other keys without dereferencing their entries (one
// cache miss saved per probe). The hash is only a filter: a match is
// confirmed on the entry itself. A slot's hash changes only when the slot is
// reused for another key, and a reader racing with that reuse at worst
// misses the concurrent insert.
type table[K comparable, V any] struct {
	slots []slot[K, V]
	mask  uint64
	used  int // live entries plus tombstones; writer only
}

type slot[K comparable, V any] struct {
	hash  atomic.Uint64
	entry atomic.Pointer[entry[K, V]]
}

// store fills slot i with e.
func (t *table[K, V]) store(i uint64, e *entry[K, V]) {
	if t.slots[i].hash.Load() != e.hash {
		t.slots[i].hash.Store(e.hash)
	}
	t.slots[i].entry.Store(e)
}

const minTableSize = 16

func newTable[K comparable, V any](size int) *table[K, V] {
	return &table[K, V]{slots: make([]slot[K, V], size), mask: uint64(size - 1)}
}

// find returns the live entry for key, or nil. Safe without the lock.
func (t *table[K, V]) find(key K, h uint64, tomb *entry[K, V]) *entry[K, V] {
	for i := h & t.mask; ; i = (i + 1) & t.mask {
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
		if e != tomb && e.hash == h && e.key == key {
			return e
		}
	}
}

// findHash returns a live entry whose key has hash h, or nil. It serves the
// policy, which tracks keys by hash: two keys with one 64-bit hash are rare
// enough to share their access record.
func (t *table[K, V]) findHash(h uint64, tomb *entry[K, V]) *entry[K, V] {
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		sl := &t.slots[i]
		e := sl.entry.Load()
		if e == nil {
			return nil
		}
		if e != tomb && sl.hash.Load() == h && e.hash == h {
			return e
		}
	}
}

// slot returns the index holding key (found true), or the index where key
// should be inserted: the first tombstone on its probe chain, else the empty
// slot ending the chain. Writer only.
func (t *table[K, V]) slot(key K, h uint64, tomb *entry[K, V]) (idx uint64, found bool) {
	free := ^uint64(0)
	for i := h & t.mask; ; i = (i + 1) & t.mask {
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
		if sl.hash.Load() == h && e.hash == h && e.key == key {
			return i, true
		}
	}
}

// sizeFor returns the table size for live entries: a power of two at least
// twice live, so a rebuilt table starts at most half full.
func sizeFor(live int) int {
	n := minTableSize
	for n < 2*live {
		n <<= 1
	}
	return n
}
