package affinity

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHashStableWithinGoroutine(t *testing.T) {
	// Collect first, assert after: the assertions may grow the stack, which
	// moves it and legitimately changes the hash.
	var hashes [100]uint32
	for i := range hashes {
		hashes[i] = Hash()
	}
	for _, h := range hashes {
		require.Equal(t, hashes[0], h)
	}
}

func TestHashSpreadsConcurrentGoroutines(t *testing.T) {
	const n = 64
	hashes := make([]uint32, n)
	var ready, done sync.WaitGroup
	ready.Add(n)
	release := make(chan struct{})
	for i := range n {
		done.Go(func() {
			growStack(16)
			hashes[i] = Hash()
			ready.Done()
			<-release // keep every goroutine, and so its stack, alive together
		})
	}
	ready.Wait()
	close(release)
	done.Wait()
	stripes := map[uint32]bool{}
	for _, h := range hashes {
		stripes[h&15] = true
	}
	// 64 live goroutines over 16 stripes: a hash that ignored the stack
	// would put them all on one stripe.
	require.GreaterOrEqual(t, len(stripes), 8, "stripes used by 64 live goroutines")
}

// growStack grows the calling goroutine's stack to more than 64 KiB, so that
// nothing it calls afterwards (such as the scheduling hooks racecheck -stress
// inserts) grows and so moves it. A moved stack frees the old one for the
// next goroutine, which would then share the first one's hash: correct for
// Hash, which callers call each time, but not what the spread test measures.
//
//go:noinline
func growStack(depth int) byte {
	var frame [4096]byte
	frame[depth%len(frame)] = byte(depth)
	if depth == 0 {
		return frame[0]
	}
	return growStack(depth-1) + frame[depth%len(frame)]
}
