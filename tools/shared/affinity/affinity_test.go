package affinity

import (
	"runtime/debug"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestStableWithinAGoroutine: repeated calls from one frame agree (the
// hashes are collected first: a call that grows the stack moves it, and then
// the goroutine, to another stripe).
func TestStableWithinAGoroutine(t *testing.T) {
	var hs [100]uint32
	for i := range hs {
		hs[i] = Hash()
	}
	for _, h := range hs {
		assert.Equal(t, hs[0], h)
	}
}

// growStack uses a large frame so that the calling goroutine's stack has
// grown before it hashes: a stack that grows afterwards moves, and its old
// memory may then serve another goroutine, which would then share its hash.
//
//go:noinline
func growStack() byte {
	var pad [16 << 10]byte
	for i := range pad {
		pad[i] = byte(i)
	}
	return pad[padIndex]
}

var padIndex = 7

// TestDistinctAcrossGoroutines: goroutines alive at the same time have
// distinct stacks, so their hashes mostly differ. The garbage collector is
// off meanwhile: it shrinks the stacks of blocked goroutines, moving them.
func TestDistinctAcrossGoroutines(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	const n = 64
	hashes := make([]uint32, n)
	var ready, done sync.WaitGroup
	ready.Add(n)
	done.Add(n)
	release := make(chan struct{})
	for i := range n {
		go func() {
			defer done.Done()
			growStack()
			hashes[i] = Hash()
			ready.Done()
			<-release // keep every stack alive until all have hashed
		}()
	}
	ready.Wait()
	close(release)
	done.Wait()
	distinct := map[uint32]bool{}
	for _, h := range hashes {
		distinct[h] = true
	}
	assert.Greater(t, len(distinct), n*3/4, "%d distinct hashes for %d live goroutines", len(distinct), n)
}
