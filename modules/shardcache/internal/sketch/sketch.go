// Package sketch implements the frequency estimator of the TinyLFU admission
// policy: a count-min sketch of 4-bit saturating counters whose counts are
// periodically halved so that the estimate follows the recent popularity of a
// key rather than its all-time popularity.
//
// A Sketch is not safe for concurrent use; the cache calls it under a shard
// lock.
package sketch

import "math/bits"

// Layout: every uint64 word holds sixteen 4-bit counters, and words are
// grouped in blocks of eight (64 bytes, one cache line). An item's four
// counters (depth 4) all live in the block its hash selects, one per row, at a
// word and nibble chosen by other hash bits, so an increment or a lookup
// touches a single cache line.
const (
	depth      = 4
	blockWords = 8
	maxCounter = 15
	// resetMask keeps the low three bits of every nibble after a right shift,
	// which halves sixteen counters at once.
	resetMask = 0x7777777777777777
	// oneMask has the lowest bit of every nibble set: popcount(word&oneMask)
	// counts the odd counters, whose halving loses a half each.
	oneMask = 0x1111111111111111
)

// Sketch estimates how often each hash was seen recently.
type Sketch struct {
	table      []uint64
	blockMask  uint64
	size       int // increments since the last halving, minus halving losses
	sampleSize int // halve every sampleSize increments
}

// New returns a sketch sized for a cache of about capacity entries: one word
// (sixteen counters) per entry rounded up to a power of two, and a sample
// period of ten times the capacity.
func New(capacity int) *Sketch {
	if capacity < 16 {
		capacity = 16
	}
	n := 1 << bits.Len(uint(capacity-1))
	return &Sketch{
		table:      make([]uint64, n),
		blockMask:  uint64(n/blockWords - 1),
		sampleSize: 10 * capacity,
	}
}

// spread re-mixes h so the block, word and nibble choices are independent of
// the bits the cache already used to pick the shard and the hash-table slot.
func spread(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// position returns the word index and bit shift of row i's counter for the
// mixed hash m: the block from the low bits, then 3 bits of word and 4 bits
// of nibble per row from the high 32 bits.
func (s *Sketch) position(m uint64, i int) (word uint64, shift uint) {
	r := m >> (32 + 7*uint(i))
	word = (m&s.blockMask)*blockWords + r&(blockWords-1)
	shift = uint((r>>3)&15) << 2
	return word, shift
}

// Increment records one occurrence of h. Counters saturate at 15.
func (s *Sketch) Increment(h uint64) {
	m := spread(h)
	added := false
	for i := range depth {
		w, sh := s.position(m, i)
		if (s.table[w]>>sh)&maxCounter < maxCounter {
			s.table[w] += 1 << sh
			added = true
		}
	}
	if added {
		s.size++
		if s.size >= s.sampleSize {
			s.reset()
		}
	}
}

// Frequency returns the estimated count of h, at most 15.
func (s *Sketch) Frequency(h uint64) int {
	m := spread(h)
	f := maxCounter
	for i := range depth {
		w, sh := s.position(m, i)
		f = min(f, int((s.table[w]>>sh)&maxCounter))
	}
	return f
}

// reset halves every counter; this ages the history so that keys that were
// popular long ago lose their advantage over keys popular now.
func (s *Sketch) reset() {
	odd := 0
	for i, w := range s.table {
		odd += bits.OnesCount64(w & oneMask)
		s.table[i] = (w >> 1) & resetMask
	}
	s.size = (s.size - odd/depth) / 2
}
