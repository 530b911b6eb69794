package sketch

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFrequencyCountsAndSaturates(t *testing.T) {
	s := New(1024)
	h := rand.Uint64()
	require.Equal(t, 0, s.Frequency(h))
	for i := 1; i <= 20; i++ {
		s.Increment(h)
		require.Equal(t, min(i, 15), s.Frequency(h))
	}
}

func TestFrequencyNeverUnderestimatesBeforeReset(t *testing.T) {
	s := New(4096)
	r := rand.New(rand.NewPCG(1, 2))
	counts := map[uint64]int{}
	keys := make([]uint64, 500)
	for i := range keys {
		keys[i] = r.Uint64()
	}
	for range 5000 { // below the sample size: no halving yet
		k := keys[r.IntN(len(keys))]
		counts[k]++
		s.Increment(k)
	}
	for k, n := range counts {
		require.GreaterOrEqual(t, s.Frequency(k), min(n, 15))
	}
}

func TestResetHalvesCounters(t *testing.T) {
	s := New(16)
	hot := uint64(0xdeadbeef)
	for range 15 {
		s.Increment(hot)
	}
	require.Equal(t, 15, s.Frequency(hot))
	r := rand.New(rand.NewPCG(3, 4))
	for s.Frequency(hot) == 15 {
		s.Increment(r.Uint64())
	}
	require.Equal(t, 7, s.Frequency(hot), "a reset halves every counter")
	require.Less(t, s.size, s.sampleSize)
}

func TestDistinguishesHotFromCold(t *testing.T) {
	s := New(1000)
	r := rand.New(rand.NewPCG(5, 6))
	hot := make([]uint64, 50)
	for i := range hot {
		hot[i] = r.Uint64()
	}
	for range 8 {
		for _, h := range hot {
			s.Increment(h)
		}
		for range 100 {
			s.Increment(r.Uint64())
		}
	}
	errors := 0
	for _, h := range hot {
		if s.Frequency(h) < 5 {
			errors++
		}
	}
	require.Zero(t, errors)
	cold := 0
	for range 1000 {
		if s.Frequency(r.Uint64()) >= 5 {
			cold++
		}
	}
	require.Less(t, cold, 20, "unseen keys rarely look hot")
}
