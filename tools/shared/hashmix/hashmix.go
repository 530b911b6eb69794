// Package hashmix hashes one 64-bit word with secret seeds, several times
// cheaper than hash/maphash for a single integer key.
package hashmix

import "math/bits"

// Word hashes x with the seeds s1 and s2: two rounds that each multiply to
// 128 bits and fold the halves together (wyhash's mixing step, with its
// constants), so that every input bit reaches every output bit and
// sequential integers or multiples of 2^k spread evenly. With random seeds
// an attacker who does not know them cannot build colliding keys.
func Word(x, s1, s2 uint64) uint64 {
	hi, lo := bits.Mul64(x^s1, 0xa0761d6478bd642f)
	hi, lo = bits.Mul64(hi^lo^s2, 0xe7037ed1a0b428db)
	return hi ^ lo
}
