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
