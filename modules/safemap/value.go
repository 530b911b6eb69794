package safemap

import (
	"sync/atomic"
	"unsafe"

	"github.com/raceproof/raceproof/modules/safemap/internal/wordvalue"
)

// A value that fits one machine word and is copied by a single atomic load
// or store (a pointer-shaped type, or 4 or 8 bytes without pointers, aligned
// to their size; wordvalue.KindOf) is overwritten in place under the bucket
// lock, so that storing over a present key allocates nothing; readers load
// it atomically. Any other value is immutable once its entry is published:
// an overwrite publishes a new entry. (The key comes first in an entry:
// moving the value first to align it would make string keys straddle cache
// lines and measurably slowed lookups.)

// load returns e's value. It is safe without the bucket lock. The size
// tests are constants for each instantiation, so for values that cannot be
// word-sized load is a plain read.
func (e *entry[K, V]) load(kind wordvalue.Kind) V {
	if size := unsafe.Sizeof(e.value); size == 4 || size == 8 {
		p := unsafe.Pointer(&e.value)
		switch {
		case kind == wordvalue.Word64 && size == 8:
			w := atomic.LoadUint64((*uint64)(p))
			return *(*V)(unsafe.Pointer(&w))
		case kind == wordvalue.Word32 && size == 4:
			w := atomic.LoadUint32((*uint32)(p))
			return *(*V)(unsafe.Pointer(&w))
		case kind == wordvalue.Pointer && size == unsafe.Sizeof(p):
			w := atomic.LoadPointer((*unsafe.Pointer)(p))
			return *(*V)(unsafe.Pointer(&w))
		}
	}
	return e.value
}

// store overwrites e's value in place; the caller holds the lock of e's
// root bucket and kind is not wordvalue.Immutable. Readers see the old or the
// new value, never a mix.
func (e *entry[K, V]) store(kind wordvalue.Kind, v V) {
	p, src := unsafe.Pointer(&e.value), unsafe.Pointer(&v)
	switch kind {
	case wordvalue.Word64:
		atomic.StoreUint64((*uint64)(p), *(*uint64)(src))
	case wordvalue.Word32:
		atomic.StoreUint32((*uint32)(p), *(*uint32)(src))
	case wordvalue.Pointer:
		atomic.StorePointer((*unsafe.Pointer)(p), *(*unsafe.Pointer)(src))
	default:
		panic("safemap: in-place store of an immutable value")
	}
}

// overwriteLocked sets the value of e, the entry in ref, to v; the caller
// holds the lock of ref's root bucket. A word value is stored in place;
// any other replaces e with ne, or with a new entry if ne is nil.
func (t *table[K, V]) overwriteLocked(ref slotRef[K, V], e, ne *entry[K, V], key K, v V) {
	if t.vkind != wordvalue.Immutable {
		e.store(t.vkind, v)
		return
	}
	if ne == nil {
		ne = &entry[K, V]{key: key, value: v}
	}
	ref.b.slots[ref.i].Store(ne)
}

// holds reports whether e's value has the same bits as v; the caller holds
// the lock of e's root bucket. An immutable value never changes, so it
// always holds.
func (e *entry[K, V]) holds(kind wordvalue.Kind, v V) bool {
	p, q := unsafe.Pointer(&e.value), unsafe.Pointer(&v)
	switch kind {
	case wordvalue.Word64:
		return *(*uint64)(p) == *(*uint64)(q)
	case wordvalue.Word32:
		return *(*uint32)(p) == *(*uint32)(q)
	case wordvalue.Pointer:
		return *(*unsafe.Pointer)(p) == *(*unsafe.Pointer)(q)
	}
	return true
}
