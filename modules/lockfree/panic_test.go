package lockfree

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestValueUpdatePanicLeavesValueUsable proves a panicking Update callback
// changes nothing and holds nothing: the Value keeps its pointer and other
// goroutines' operations go on.
func TestValueUpdatePanicLeavesValueUsable(t *testing.T) {
	var v Value[int]
	one := 1
	v.Store(&one)
	require.PanicsWithValue(t, "boom", func() {
		v.Update(func(*int) *int { panic("boom") })
	})
	assert.Same(t, &one, v.Load())

	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 100 {
				v.Update(func(old *int) *int { n := *old + 1; return &n })
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 401, *v.Load())
}

// TestQueueUsableAfterCallerPanic documents that the queues run no
// user code: a panic can only come from the caller, between operations, and
// leaves the queue consistent.
func TestQueueUsableAfterCallerPanic(t *testing.T) {
	q, err := NewQueue[int](2)
	require.NoError(t, err)
	var uq UnboundedQueue[int]
	require.Panics(t, func() {
		q.TryEnqueue(1)
		_ = uq.Enqueue(1)
		panic("caller failed")
	})
	v, ok := q.TryDequeue()
	require.True(t, ok)
	assert.Equal(t, 1, v)
	v, ok = uq.TryDequeue()
	require.True(t, ok)
	assert.Equal(t, 1, v)
}
