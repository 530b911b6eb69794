package hashmix

import (
	"math/bits"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestAvalanche: flipping one input bit flips about half the output bits,
// for every input bit.
func TestAvalanche(t *testing.T) {
	const s1, s2 = 0x243f6a8885a308d3, 0x13198a2e03707344
	const n = 2000
	for bit := range 64 {
		flips := 0
		for i := uint64(0); i < n; i++ {
			x := i * 0x9e3779b97f4a7c15
			flips += bits.OnesCount64(Word(x, s1, s2) ^ Word(x^(1<<bit), s1, s2))
		}
		mean := float64(flips) / n
		assert.InDelta(t, 32, mean, 2, "input bit %d flips %.1f output bits on average", bit, mean)
	}
}

// TestSpreadsStridedKeys: multiples of 2^k fill 256 buckets by the low bits
// of their hashes as a uniform hash would. The chi-square statistic of 256
// buckets has mean 255 and standard deviation 22.6; a colliding pattern gives
// tens of thousands.
func TestSpreadsStridedKeys(t *testing.T) {
	for _, shift := range []uint{0, 8, 16, 32, 40} {
		var buckets [256]float64
		const n = 1 << 14
		for i := uint64(0); i < n; i++ {
			buckets[Word(i<<shift, 0x243f6a8885a308d3, 0x13198a2e03707344)&255]++
		}
		chi2 := 0.0
		for _, c := range buckets {
			chi2 += (c - n/256) * (c - n/256) / (n / 256)
		}
		assert.Less(t, chi2, 400.0, "multiples of 2^%d", shift)
	}
}

func TestSeedsChangeTheHash(t *testing.T) {
	assert.NotEqual(t, Word(42, 1, 2), Word(42, 3, 2))
	assert.NotEqual(t, Word(42, 1, 2), Word(42, 1, 4))
	assert.Equal(t, Word(42, 1, 2), Word(42, 1, 2))
}
