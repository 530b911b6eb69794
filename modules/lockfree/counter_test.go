package lockfree

import (
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCounterZeroValue(t *testing.T) {
	var c Counter
	assert.Equal(t, int64(0), c.Load())
	c.Inc()
	c.Inc()
	c.Dec()
	c.Add(41)
	assert.Equal(t, int64(42), c.Load())
	assert.Nil(t, c.table.Load(), "an uncontended counter must not allocate stripes")
	assert.Equal(t, int64(42), c.Swap())
	assert.Equal(t, int64(0), c.Load())
	c.Add(-7)
	assert.Equal(t, int64(-7), c.Load())
	c.Reset()
	assert.Equal(t, int64(0), c.Load())
}

func TestCounterStripedPath(t *testing.T) {
	var c Counter
	c.Add(5)
	// Take the contended path directly, as after a lost compare-and-swap on
	// the base word: it must create the table and keep the base word's value
	// in the sum.
	c.addContended(nil, 10)
	require.NotNil(t, c.table.Load())
	assert.Equal(t, int64(15), c.Load())
	c.Add(1) // with a table, Add goes to a stripe
	assert.Equal(t, int64(5), c.base.Load())
	assert.Equal(t, int64(16), c.Load())
	assert.Equal(t, int64(16), c.Swap())
	assert.Equal(t, int64(0), c.Load())
	c.Add(3)
	c.Reset()
	assert.Equal(t, int64(0), c.Load())
	assert.NotNil(t, c.table.Load(), "Reset keeps the stripes")
}

func TestCounterGrowthBoundedByGOMAXPROCS(t *testing.T) {
	prev := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(prev)
	var c Counter
	c.addContended(nil, 1)
	tb := c.table.Load()
	for range 10 {
		tb = c.grow(tb)
	}
	assert.Len(t, tb.stripes, 8, "GOMAXPROCS=2 allows 4 stripes per P, 8")

	runtime.GOMAXPROCS(5)
	for range 10 {
		tb = c.grow(tb)
	}
	assert.Len(t, tb.stripes, 32, "GOMAXPROCS=5 allows the power of two above 4 per P, 32")

	runtime.GOMAXPROCS(1)
	assert.Same(t, tb, c.grow(tb), "a smaller GOMAXPROCS never shrinks or regrows")
	assert.Equal(t, int64(1), c.Load(), "growth keeps every stripe's value")
	c.Add(2)
	assert.Equal(t, int64(3), c.Load())
}

func TestCounterGrowKeepsConcurrentAdds(t *testing.T) {
	prev := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(prev)
	var c Counter
	c.grow(nil)
	const goroutines, per = 8, 2000
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range per {
				c.Add(1)
			}
		})
	}
	for range 3 {
		c.grow(c.table.Load())
	}
	wg.Wait()
	assert.Equal(t, int64(goroutines*per), c.Load())
}

func TestRehashMovesAndNeverSticksAtZero(t *testing.T) {
	seen := map[uint32]bool{}
	h := uint32(0)
	for range 100 {
		h = rehash(h)
		require.NotZero(t, h)
		seen[h&7] = true
	}
	assert.Len(t, seen, 8, "rehash visits every stripe of a small table")
}

// TestCounterStripesSpreadGoroutines checks that goroutines adding at the same
// time mostly land on different stripes: with a hash that ignored the
// goroutine, every Add would go to one stripe.
func TestCounterStripesSpreadGoroutines(t *testing.T) {
	var c Counter
	c.table.Store(c.grow(nil))
	for tb := c.table.Load(); !tb.full; tb = c.table.Load() {
		c.grow(tb)
	}
	const goroutines = 32
	var ready, done sync.WaitGroup
	ready.Add(goroutines)
	release := make(chan struct{})
	for range goroutines {
		done.Go(func() {
			c.Add(1)
			ready.Done()
			<-release // keep every goroutine, and so its stack, alive together
		})
	}
	ready.Wait()
	close(release)
	done.Wait()
	used := 0
	stripes := c.table.Load().stripes
	for i := range stripes {
		if stripes[i].v.Load() != 0 {
			used++
		}
	}
	assert.Equal(t, int64(goroutines), c.Load())
	assert.GreaterOrEqual(t, used, min(len(c.table.Load().stripes), goroutines)/2, "stripes written by %d live goroutines", goroutines)
}

// TestCounterCountsAddsToReplacedTables checks that an Add that still holds
// a table the counter has since grown out of is counted: Load, Swap and
// Reset visit every table of the chain.
func TestCounterCountsAddsToReplacedTables(t *testing.T) {
	prev := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(prev)
	var c Counter
	c.addContended(nil, 1)
	first := c.table.Load()
	second := c.grow(first)
	third := c.grow(second)
	require.Same(t, second, third.prev)
	require.Same(t, first, second.prev)
	first.stripes[1].v.Add(5) // as by an Add that loaded first before the growths
	second.stripes[3].v.Add(7)
	c.Add(10)
	assert.Equal(t, int64(23), c.Load())
	assert.Equal(t, int64(23), c.Swap())
	assert.Zero(t, c.Load())
	first.stripes[0].v.Add(2)
	assert.Equal(t, int64(2), c.Load())
	c.Reset()
	assert.Zero(t, c.Load())
	assert.Same(t, third, c.table.Load(), "Swap and Reset keep the tables")
}
