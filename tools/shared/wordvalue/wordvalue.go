// Package wordvalue classifies value types by how a concurrent container can
// read and write them once published: a value that fits one machine word and
// is copied by a single atomic load or store can be overwritten in place;
// any other value must be immutable once published.
package wordvalue

import "reflect"

// Kind says how a published value of a type is read and written.
type Kind uint8

const (
	// Immutable values are read plainly and never written after publication.
	Immutable Kind = iota
	// Word32 values are 4 bytes without pointers, aligned to 4: an atomic uint32.
	Word32
	// Word64 values are 8 bytes without pointers, aligned to 8: an atomic uint64.
	Word64
	// Pointer values are exactly one pointer: an atomic unsafe.Pointer.
	Pointer
)

// KindOf classifies V. A word kind needs V's alignment to equal its size:
// a field of type V is then aligned for the atomic access wherever it sits in
// a struct. 8-byte values on 32-bit platforms (alignment 4) and byte arrays
// are therefore Immutable.
func KindOf[V any]() Kind {
	t := reflect.TypeFor[V]()
	switch {
	case isPointerShaped(t):
		return Pointer
	case t.Size() == 8 && t.Align() == 8 && !hasPointers(t):
		return Word64
	case t.Size() == 4 && t.Align() == 4 && !hasPointers(t):
		return Word32
	}
	return Immutable
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
