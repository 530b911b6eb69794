package shardcache

import (
	"reflect"
	"sync/atomic"
	"unsafe"
)

// valueKind says how an entry's value is read and written once the entry is
// published. Values that fit one machine word and can be copied by a single
// atomic load or store are updated in place, so overwriting a key allocates
// nothing; any other value is immutable and an overwrite publishes a new
// entry.
type valueKind uint8

const (
	valueImmutable valueKind = iota // read plainly; never written after publication
	valueWord32                     // 4 bytes without pointers, accessed as an atomic uint32
	valueWord64                     // 8 bytes without pointers, accessed as an atomic uint64
	valuePointer                    // one pointer word, accessed as an atomic unsafe.Pointer
)

// valueKindOf classifies V. The value is the first field of entry, so it is
// aligned for 64-bit atomics on every platform (the first word of an
// allocated struct is 64-bit aligned).
func valueKindOf[V any]() valueKind {
	t := reflect.TypeFor[V]()
	switch {
	case isPointerShaped(t):
		return valuePointer
	case t.Size() == 8 && !hasPointers(t):
		return valueWord64
	case t.Size() == 4 && !hasPointers(t):
		return valueWord32
	}
	return valueImmutable
}

// isPointerShaped reports whether t is represented as exactly one pointer.
func isPointerShaped(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.UnsafePointer, reflect.Map, reflect.Chan, reflect.Func:
		return true
	}
	return false
}

// hasPointers reports whether a value of type t may contain a pointer.
func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return false
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
		return false
	}
	return true
}

// loadValue reads e's value. Safe without the shard lock.
func (e *entry[K, V]) loadValue(kind valueKind) V {
	p := unsafe.Pointer(&e.value)
	switch kind {
	case valueWord64:
		w := atomic.LoadUint64((*uint64)(p))
		return *(*V)(unsafe.Pointer(&w))
	case valueWord32:
		w := atomic.LoadUint32((*uint32)(p))
		return *(*V)(unsafe.Pointer(&w))
	case valuePointer:
		w := atomic.LoadPointer((*unsafe.Pointer)(p))
		return *(*V)(unsafe.Pointer(&w))
	}
	return e.value
}

// storeValue overwrites e's value in place; kind must not be
// valueImmutable. Readers see the old or the new value, never a mix.
func (e *entry[K, V]) storeValue(kind valueKind, v V) {
	p, src := unsafe.Pointer(&e.value), unsafe.Pointer(&v)
	switch kind {
	case valueWord64:
		atomic.StoreUint64((*uint64)(p), *(*uint64)(src))
	case valueWord32:
		atomic.StoreUint32((*uint32)(p), *(*uint32)(src))
	case valuePointer:
		atomic.StorePointer((*unsafe.Pointer)(p), *(*unsafe.Pointer)(src))
	default:
		panic("shardcache: in-place store of an immutable value")
	}
}
