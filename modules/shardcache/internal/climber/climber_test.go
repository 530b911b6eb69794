package climber

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// feed records a sample of n requests with the given hit rate, a share of
// whose hits land in the window.
func feed(c *Climber, n int, hitRate, windowShare float64) {
	hits := int(float64(n) * hitRate)
	windowHits := int(float64(hits) * windowShare)
	for i := range n {
		switch {
		case i < windowHits:
			c.Hit(true)
		case i < hits:
			c.Hit(false)
		default:
			c.Miss()
		}
	}
}

func TestNoAdjustmentBeforeASampleIsComplete(t *testing.T) {
	for _, entries := range []int{100, 5000} {
		c := New(int64(entries), entries)
		feed(c, c.sample-1, 0.5, 0.5)
		require.Zero(t, c.Adjust(int64(entries/100)), "entries %d", entries)
		c.Miss()
		require.NotZero(t, c.Adjust(int64(entries/100)), "entries %d", entries)
	}
}

func TestReactiveLawFollowsTheHitRate(t *testing.T) {
	const capacity = 480
	c := New(capacity, capacity)
	require.False(t, c.density)
	require.Equal(t, 10*capacity, c.sample)
	// The first sample "improves" on nothing: a restart-sized step (6.25%)
	// in the initial direction (shrinking).
	feed(c, c.sample, 0.40, 0)
	require.Equal(t, int64(-30), c.Adjust(100))
	// The hit rate rose: keep the direction, with the restart step.
	feed(c, c.sample, 0.46, 0)
	require.Equal(t, int64(-30), c.Adjust(70))
	// It fell a little: reverse; the step decays from then on.
	feed(c, c.sample, 0.45, 0)
	require.Equal(t, int64(30), c.Adjust(40))
	feed(c, c.sample, 0.455, 0)
	require.Equal(t, int64(29), c.Adjust(70))
}

func TestDensityLawGrowsADenseWindow(t *testing.T) {
	const capacity = 10_000
	c := New(capacity, capacity)
	require.True(t, c.density)
	require.Equal(t, 4*capacity, c.sample)
	// A window of 1% earning half the hits is 99 times denser than main.
	feed(c, c.sample, 0.5, 0.5)
	d := c.Adjust(100)
	require.Positive(t, d)
	require.LessOrEqual(t, d, int64(densityMax*capacity))
	// A window of half the cache earning a tenth of the hits shrinks.
	feed(c, c.sample, 0.5, 0.1)
	require.Negative(t, c.Adjust(5000))
	// Equal densities: stay.
	feed(c, c.sample, 0.5, 0.2)
	require.Zero(t, c.Adjust(2000))
}

func TestDensityLawStopsAtTheFloor(t *testing.T) {
	const capacity = 10_000
	floor := int64(densityFloor * capacity)
	c := New(capacity, capacity)
	window := int64(3000)
	// A window earning nothing shrinks, by at most 30% per sample, to the
	// floor, and stays there.
	for range 5 {
		feed(c, c.sample, 0.3, 0)
		d := c.Adjust(window)
		require.GreaterOrEqual(t, d, -int64(densityMax*capacity))
		window += d
	}
	require.Equal(t, floor, window)
	feed(c, c.sample, 0.3, 0)
	require.Zero(t, c.Adjust(window))
	// A sample without hits says nothing about the window.
	feed(c, c.sample, 0, 0)
	require.Zero(t, c.Adjust(window))
}

func TestTierBoundary(t *testing.T) {
	require.False(t, New(ReactiveMaxEntries, ReactiveMaxEntries).density)
	require.True(t, New(ReactiveMaxEntries+1, ReactiveMaxEntries+1).density)
	// A weighted policy picks its law by entries, not weight.
	require.False(t, New(1<<30, 100).density)
}
