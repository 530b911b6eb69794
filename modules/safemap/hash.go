package safemap

import (
	"hash/maphash"
	"unsafe"

	"github.com/raceproof/raceproof/modules/safemap/internal/hashmix"
)

// Key kinds with a dedicated hashing path. Every other key type is hashed
// with maphash.Comparable.
const (
	kindGeneric uint8 = iota
	kindWord64        // int, int64, uint, uint64 or uintptr of 8 bytes: hashed from its bits
	kindWord32        // int32, uint32, or int, uint, uintptr of 4 bytes
	kindAny           // an interface type
)

// hasher is the per-map seeded hash function. Integer keys skip
// maphash.Comparable (a call that Load cannot inline) and go through
// hashmix.Word, two rounds of a 64x64->128 multiply-fold keyed by secret
// random words, so that sequential integers and multiples of 2^k spread over
// all buckets and an attacker who does not know the seed cannot build
// colliding keys.
type hasher struct {
	kind   uint8
	seed   maphash.Seed
	s0, s1 uint64
}

func newHasher[K comparable]() hasher {
	h := hasher{seed: maphash.MakeSeed()}
	h.s0 = maphash.Comparable(h.seed, uint64(0x243f6a8885a308d3))
	h.s1 = maphash.Comparable(h.seed, uint64(0x13198a2e03707344))
	var zero K
	switch any(zero).(type) {
	case int, int64, uint, uint64, uintptr, int32, uint32:
		// Only these exact types: a defined type such as "type ID int"
		// goes through maphash.Comparable.
		h.kind = kindWord32
		if unsafe.Sizeof(zero) == 8 {
			h.kind = kindWord64
		}
	default:
		if isInterface[K]() {
			h.kind = kindAny
		}
	}
	return h
}

// isInterface reports whether K is an interface type: the zero value of an
// interface type converts to a nil any.
func isInterface[K comparable]() bool {
	var zero K
	return any(zero) == nil
}

// word hashes the bits of an integer key.
func (h *hasher) word(x uint64) uint64 {
	return hashmix.Word(x, h.s0, h.s1)
}

// hashKey hashes k with the map's seed. Load and lock repeat its first two
// cases inline (64-bit integer keys, and keys hashed by maphash.Comparable
// such as strings); 32-bit integer and interface keys go through hashOther.
func hashKey[K comparable](h *hasher, k K) uint64 {
	switch h.kind {
	case kindGeneric:
		return maphash.Comparable(h.seed, k)
	case kindWord64:
		return h.word(word64(k))
	}
	return hashOther(h, k)
}

// word64 returns the bits of a kindWord64 key. The size test is a constant
// for each instantiation, so for keys of other sizes the function is just
// "return 0" and is never called.
func word64[K comparable](k K) uint64 {
	if unsafe.Sizeof(k) == 8 {
		return *(*uint64)(unsafe.Pointer(&k))
	}
	return 0
}

func hashOther[K comparable](h *hasher, k K) uint64 {
	switch h.kind {
	case kindWord32:
		if unsafe.Sizeof(k) == 4 {
			return h.word(uint64(*(*uint32)(unsafe.Pointer(&k))))
		}
	case kindAny:
		// Keys of different dynamic types are never equal, so each dynamic
		// type may use its own path; the same key always takes the same one.
		switch x := any(k).(type) {
		case int:
			return h.word(uint64(x))
		case string:
			return maphash.Comparable(h.seed, x)
		}
	}
	return maphash.Comparable(h.seed, k)
}
