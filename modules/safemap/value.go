package safemap

import (
	"reflect"
	"sync/atomic"
	"unsafe"
)

// valueKind says how the value of a published entry is read and written.
// A value that fits one machine word and is copied by a single atomic load
// or store (a pointer-shaped type, or 4 or 8 bytes without pointers) is
// overwritten in place under the bucket lock, so that storing over a
// present key allocates nothing; readers load it atomically. Any other
// value is immutable once its entry is published: an overwrite publishes a
// new entry.
type valueKind uint8

const (
	valueImmutable valueKind = iota // read plainly; never written after publication
	valueWord32                     // 4 bytes without pointers: an atomic uint32
	valueWord64                     // 8 bytes without pointers: an atomic uint64
	valuePointer                    // exactly one pointer: an atomic unsafe.Pointer
)

// valueKindOf classifies V. A word value must also be aligned to its size,
// which holds for the value field of an entry whenever V's own alignment is
// its size: 8-byte values on 32-bit platforms, whose alignment is 4, and
// byte arrays stay immutable. (The key comes first in an entry: moving the
// value first to align it would make string keys straddle cache lines and
// measurably slowed lookups.)
func valueKindOf[V any]() valueKind {
	t := reflect.TypeFor[V]()
	switch {
	case isPointerShaped(t):
		return valuePointer
	case t.Size() == 8 && t.Align() == 8 && !hasPointers(t):
		return valueWord64
	case t.Size() == 4 && t.Align() == 4 && !hasPointers(t):
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

// load returns e's value. It is safe without the bucket lock. The size
// tests are constants for each instantiation, so for values that cannot be
// word-sized load is a plain read.
func (e *entry[K, V]) load(kind valueKind) V {
	if size := unsafe.Sizeof(e.value); size == 4 || size == 8 {
		p := unsafe.Pointer(&e.value)
		switch {
		case kind == valueWord64 && size == 8:
			w := atomic.LoadUint64((*uint64)(p))
			return *(*V)(unsafe.Pointer(&w))
		case kind == valueWord32 && size == 4:
			w := atomic.LoadUint32((*uint32)(p))
			return *(*V)(unsafe.Pointer(&w))
		case kind == valuePointer && size == unsafe.Sizeof(p):
			w := atomic.LoadPointer((*unsafe.Pointer)(p))
			return *(*V)(unsafe.Pointer(&w))
		}
	}
	return e.value
}

// store overwrites e's value in place; the caller holds the lock of e's
// root bucket and kind is not valueImmutable. Readers see the old or the
// new value, never a mix.
func (e *entry[K, V]) store(kind valueKind, v V) {
	p, src := unsafe.Pointer(&e.value), unsafe.Pointer(&v)
	switch kind {
	case valueWord64:
		atomic.StoreUint64((*uint64)(p), *(*uint64)(src))
	case valueWord32:
		atomic.StoreUint32((*uint32)(p), *(*uint32)(src))
	case valuePointer:
		atomic.StorePointer((*unsafe.Pointer)(p), *(*unsafe.Pointer)(src))
	default:
		panic("safemap: in-place store of an immutable value")
	}
}

// overwriteLocked sets the value of e, the entry in ref, to v; the caller
// holds the lock of ref's root bucket. A word value is stored in place;
// any other replaces e with ne, or with a new entry if ne is nil.
func (t *table[K, V]) overwriteLocked(ref slotRef[K, V], e, ne *entry[K, V], key K, v V) {
	if t.vkind != valueImmutable {
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
func (e *entry[K, V]) holds(kind valueKind, v V) bool {
	p, q := unsafe.Pointer(&e.value), unsafe.Pointer(&v)
	switch kind {
	case valueWord64:
		return *(*uint64)(p) == *(*uint64)(q)
	case valueWord32:
		return *(*uint32)(p) == *(*uint32)(q)
	case valuePointer:
		return *(*unsafe.Pointer)(p) == *(*unsafe.Pointer)(q)
	}
	return true
}
