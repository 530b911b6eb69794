package shardcache

import (
	"hash/maphash"
	"math/bits"
	"math/rand/v2"

	"github.com/cespare/xxhash/v2"
)

// newHasher returns the cache's key hash, seeded with fresh random seeds so
// keys crafted to collide under a fixed hash do not pile into one shard or
// one probe chain. string keys use xxhash (a seeded Digest kept on the
// stack); the builtin 64-bit integer types use two rounds of seeded
// multiply-fold mixing, several times cheaper than maphash for a single
// word; every other comparable type uses hash/maphash.Comparable.
func newHasher[K comparable]() func(K) uint64 {
	s1, s2 := rand.Uint64(), rand.Uint64()
	for _, f := range []any{
		func(s string) uint64 {
			var d xxhash.Digest
			d.ResetWithSeed(s1)
			_, _ = d.WriteString(s)
			return d.Sum64()
		},
		func(k int) uint64 { return mixWord(uint64(k), s1, s2) },
		func(k int64) uint64 { return mixWord(uint64(k), s1, s2) },
		func(k uint64) uint64 { return mixWord(k, s1, s2) },
		func(k uint) uint64 { return mixWord(uint64(k), s1, s2) },
	} {
		if h, ok := f.(func(K) uint64); ok {
			return h
		}
	}
	seed := maphash.MakeSeed()
	return func(k K) uint64 { return maphash.Comparable(seed, k) }
}

// mixWord hashes one word: each round multiplies to 128 bits and folds the
// halves, so every input bit reaches every output bit; seeding both rounds
// keeps an attacker who does not know the seeds from predicting collisions.
func mixWord(v, s1, s2 uint64) uint64 {
	hi, lo := bits.Mul64(v^s1, 0xa0761d6478bd642f)
	hi, lo = bits.Mul64(hi^lo^s2, 0xe7037ed1a0b428db)
	return hi ^ lo
}
