package safemap

import (
	"hash/maphash"
	"math/bits"
)

// Key kinds with a dedicated hashing path. Every other key type is hashed
// with maphash.Comparable.
const (
	kindGeneric uint8 = iota
	kindInt
	kindInt64
	kindInt32
	kindUint
	kindUint64
	kindUint32
	kindUintptr
	kindAny
)

// hasher is the per-map seeded hash function. Integer keys skip
// maphash.Comparable (a call that Load cannot inline) and go through
// two rounds of a 64x64->128 multiply-fold keyed by secret random words, so
// that sequential integers and multiples of 2^k spread over all buckets and
// an attacker who does not know the seed cannot build colliding keys.
type hasher struct {
	kind   uint8
	seed   maphash.Seed
	s0, s1 uint64
}

func newHasher[K comparable]() hasher {
	h := hasher{seed: maphash.MakeSeed()}
	h.s0 = maphash.Comparable(h.seed, uint64(0x243f6a8885a308d3))
	h.s1 = maphash.Comparable(h.seed, uint64(0x13198a2e03707344)) | 1
	var zero K
	switch any(zero).(type) {
	case int:
		h.kind = kindInt
	case int64:
		h.kind = kindInt64
	case int32:
		h.kind = kindInt32
	case uint:
		h.kind = kindUint
	case uint64:
		h.kind = kindUint64
	case uint32:
		h.kind = kindUint32
	case uintptr:
		h.kind = kindUintptr
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

func mum(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

func (h *hasher) int(x uint64) uint64 {
	return mum(mum(x^h.s0, h.s1)^h.s1, h.s0|1)
}

// hashKey hashes k with the map's seed. Load repeats its first two cases
// inline (int keys, and keys hashed by maphash.Comparable such as strings);
// the other integer kinds and interface keys go through hashOther.
func hashKey[K comparable](h *hasher, k K) uint64 {
	switch h.kind {
	case kindGeneric:
		return maphash.Comparable(h.seed, k)
	case kindInt:
		return h.int(uint64(any(k).(int)))
	}
	return hashOther(h, k)
}

func hashOther[K comparable](h *hasher, k K) uint64 {
	switch h.kind {
	case kindInt64:
		return h.int(uint64(any(k).(int64)))
	case kindInt32:
		return h.int(uint64(any(k).(int32)))
	case kindUint:
		return h.int(uint64(any(k).(uint)))
	case kindUint64:
		return h.int(any(k).(uint64))
	case kindUint32:
		return h.int(uint64(any(k).(uint32)))
	case kindUintptr:
		return h.int(uint64(any(k).(uintptr)))
	case kindAny:
		// Keys of different dynamic types are never equal, so each dynamic
		// type may use its own path; the same key always takes the same one.
		switch x := any(k).(type) {
		case int:
			return h.int(uint64(x))
		case string:
			return maphash.Comparable(h.seed, x)
		}
	}
	return maphash.Comparable(h.seed, k)
}
