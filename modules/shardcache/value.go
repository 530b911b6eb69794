package shardcache

import (
	"sync/atomic"
	"unsafe"

	"github.com/raceproof/raceproof/modules/shardcache/internal/wordvalue"
)

// Values are classified by wordvalue.KindOf (generated from
// tools/shared/wordvalue): a value of a word kind is overwritten in place with
// one atomic store, so overwriting a key allocates nothing; any other value is
// immutable and an overwrite publishes a new entry. The value is the first
// field of entry, and KindOf requires a word kind's alignment to equal its
// size, so the atomic accesses below are always aligned.

// loadValue reads e's value. Safe without the shard lock.
func (e *entry[K, V]) loadValue(kind wordvalue.Kind) V {
	p := unsafe.Pointer(&e.value)
	switch kind {
	case wordvalue.Word64:
		w := atomic.LoadUint64((*uint64)(p))
		return *(*V)(unsafe.Pointer(&w))
	case wordvalue.Word32:
		w := atomic.LoadUint32((*uint32)(p))
		return *(*V)(unsafe.Pointer(&w))
	case wordvalue.Pointer:
		w := atomic.LoadPointer((*unsafe.Pointer)(p))
		return *(*V)(unsafe.Pointer(&w))
	}
	return e.value
}

// storeValue overwrites e's value in place; kind must not be
// wordvalue.Immutable. Readers see the old or the new value, never a mix.
func (e *entry[K, V]) storeValue(kind wordvalue.Kind, v V) {
	p, src := unsafe.Pointer(&e.value), unsafe.Pointer(&v)
	switch kind {
	case wordvalue.Word64:
		atomic.StoreUint64((*uint64)(p), *(*uint64)(src))
	case wordvalue.Word32:
		atomic.StoreUint32((*uint32)(p), *(*uint32)(src))
	case wordvalue.Pointer:
		atomic.StorePointer((*unsafe.Pointer)(p), *(*unsafe.Pointer)(src))
	default:
		panic("shardcache: in-place store of an immutable value")
	}
}
