package lockfree

import (
	"context"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func skipUnderRace(t *testing.T) {
	t.Helper()
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
}

func TestAllocsCounter(t *testing.T) {
	skipUnderRace(t)
	var c Counter
	assert.Zero(t, testing.AllocsPerRun(1000, func() { c.Add(1) }), "uncontended Add")
	c.addContended(nil, 1)
	assert.Zero(t, testing.AllocsPerRun(1000, func() { c.Add(1) }), "striped Add")
	assert.Zero(t, testing.AllocsPerRun(1000, func() { _ = c.Load() }))
	assert.Zero(t, testing.AllocsPerRun(1000, func() { _ = c.Swap() }))
}

func TestAllocsValue(t *testing.T) {
	skipUnderRace(t)
	var v Value[config]
	v.Store(&config{name: "x"})
	assert.Zero(t, testing.AllocsPerRun(1000, func() { _ = v.Load() }))
}

func TestAllocsQueue(t *testing.T) {
	skipUnderRace(t)
	q, err := NewQueue[int](8)
	require.NoError(t, err)
	ctx := context.Background()
	assert.Zero(t, testing.AllocsPerRun(1000, func() {
		q.TryEnqueue(1)
		q.TryDequeue()
	}))
	assert.Zero(t, testing.AllocsPerRun(1000, func() {
		_ = q.Enqueue(ctx, 1)
		_, _ = q.Dequeue(ctx)
	}))
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = q.Stats() }))
}

func TestAllocsUnboundedQueuePerSegment(t *testing.T) {
	skipUnderRace(t)
	var q UnboundedQueue[int]
	const n = 100 * segCap
	allocs := testing.AllocsPerRun(10, func() {
		for i := range n {
			q.Enqueue(i)
		}
		for range n {
			q.TryDequeue()
		}
	})
	// One allocation per segment of segCap elements, plus at most one more
	// per run for a segment allocated ahead of time.
	assert.LessOrEqual(t, allocs, float64(n/segCap+2))
	t.Logf("%.3f allocations per element", allocs/n)
}

func TestQueueRingFootprint(t *testing.T) {
	skipUnderRace(t)
	const capacity = 1 << 16
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	q, err := NewQueue[int64](capacity)
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	runtime.KeepAlive(q)
	// One 8-byte stamp and one 8-byte element per slot, plus the Queue
	// itself; nothing pads the slots.
	perSlot := float64(after.TotalAlloc-before.TotalAlloc) / capacity
	assert.InDelta(t, 16, perSlot, 0.5, "bytes allocated per slot")
}
