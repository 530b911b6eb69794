package safemap

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// longestChainBound is far above what a uniform hash produces for the sizes
// below (the expected maximum is about 12) and far below what one colliding
// bit pattern would give (thousands).
const longestChainBound = 24

// adversarialN is the number of keys per case: smaller under the race
// detector, still far above the bucket count at which a colliding pattern
// would show.
func adversarialN() int {
	if raceEnabled {
		return 1 << 12
	}
	return 1 << 15
}

func TestAdversarialIntKeys(t *testing.T) {
	n := adversarialN()
	for _, shift := range []uint{0, 8, 16, 20, 32, 40} {
		t.Run(fmt.Sprintf("multiples of 2^%d", shift), func(t *testing.T) {
			var m Map[uint64, struct{}]
			for i := range uint64(n) {
				m.Store(i<<shift, struct{}{})
			}
			s := m.Stats()
			assert.Equal(t, n, s.Entries)
			assert.LessOrEqual(t, s.LongestChain, longestChainBound, "%+v", s)
		})
	}
	t.Run("int multiples of 2^10", func(t *testing.T) {
		var m Map[int, int]
		for i := range n {
			m.Store(i<<10, 0)
		}
		assert.LessOrEqual(t, m.Stats().LongestChain, longestChainBound)
	})
	t.Run("int32 sequential", func(t *testing.T) {
		var m Map[int32, int]
		for i := range int32(n) {
			m.Store(i-int32(n/2), 0)
		}
		assert.LessOrEqual(t, m.Stats().LongestChain, longestChainBound)
	})
	t.Run("any holding ints", func(t *testing.T) {
		var m Map[any, int]
		for i := range n {
			m.Store(i<<12, 0)
		}
		assert.LessOrEqual(t, m.Stats().LongestChain, longestChainBound)
	})
}

func TestAdversarialStringKeys(t *testing.T) {
	prefix := strings.Repeat("common/prefix/", 20)
	var m Map[string, int]
	n := adversarialN()
	for i := range n {
		m.Store(fmt.Sprintf("%s%08d", prefix, i), i)
	}
	s := m.Stats()
	assert.Equal(t, n, s.Entries)
	assert.LessOrEqual(t, s.LongestChain, longestChainBound, "%+v", s)
}

func TestSeedPerMap(t *testing.T) {
	var a, b Map[int, int]
	a.Store(1, 1)
	b.Store(1, 1)
	ha := hashKey(&a.table.Load().hasher, 12345)
	hb := hashKey(&b.table.Load().hasher, 12345)
	assert.NotEqual(t, ha, hb, "two maps share a hash seed")
}

func TestSWAR(t *testing.T) {
	var meta uint64
	for i, tag := range []uint64{0x81, 0x92, 0x81, 0, 0xff} {
		meta |= tag << (8 * i)
	}
	meta |= txFlag
	got := []int{}
	for m := matchTags(meta, 0x81*lowBytes); m != 0; m &= m - 1 {
		got = append(got, slotIndex(m))
	}
	assert.Subset(t, got, []int{0, 2})
	assert.Contains(t, got, 0)
	assert.Contains(t, got, 2)
	assert.Equal(t, []int{3}, slots(emptySlots(meta)))
	assert.Zero(t, matchTags(meta, 0x80*lowBytes), "flag byte must never match a tag")
	assert.Equal(t, []int{0, 1, 2, 3, 4}, slots(emptySlots(0)))
}

func slots(m uint64) []int {
	var out []int
	for ; m != 0; m &= m - 1 {
		out = append(out, slotIndex(m))
	}
	return out
}
