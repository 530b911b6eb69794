package lockfree

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUnboundedQueueZeroValue(t *testing.T) {
	var q UnboundedQueue[int]
	assert.Equal(t, 0, q.Len())
	_, ok := q.TryDequeue()
	assert.False(t, ok)
	q.Enqueue(1)
	assert.Equal(t, 1, q.Len())
	v, ok := q.TryDequeue()
	require.True(t, ok)
	assert.Equal(t, 1, v)
}

func TestUnboundedQueueFIFOAcrossSegments(t *testing.T) {
	var q UnboundedQueue[int]
	// Interleave so the head and tail cross segment boundaries at different
	// times, including with the queue empty exactly at a boundary.
	next, want := 0, 0
	for _, burst := range []int{1, segCap - 1, 1, segCap, segCap + 1, 3 * segCap, 2, 500} {
		for range burst {
			q.Enqueue(next)
			next++
		}
		require.Equal(t, next-want, q.Len())
		for range burst {
			v, ok := q.TryDequeue()
			require.True(t, ok)
			require.Equal(t, want, v)
			want++
			require.Equal(t, next-want, q.Len())
		}
		_, ok := q.TryDequeue()
		require.False(t, ok)
	}
	for i := range 1000 {
		q.Enqueue(i)
	}
	assert.Equal(t, 1000, q.Len())
	for i := range 1000 {
		v, ok := q.TryDequeue()
		require.True(t, ok)
		require.Equal(t, i, v)
	}
}

func TestUnboundedQueueDequeueWaitsAndClose(t *testing.T) {
	var q UnboundedQueue[int]
	got := make(chan int)
	go func() {
		v, err := q.Dequeue(context.Background())
		if err != nil {
			v = -1
		}
		got <- v
	}()
	waitParked(t, q.notEmpty.Len, 1)
	assert.Equal(t, int64(1), q.Stats().DequeueParks)
	q.Enqueue(9)
	assert.Equal(t, 9, <-got)

	require.NoError(t, q.Enqueue(10))
	q.Close()
	q.Close()
	assert.ErrorIs(t, q.Enqueue(11), ErrClosed)
	v, err := q.Dequeue(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 10, v)
	_, err = q.Dequeue(context.Background())
	assert.ErrorIs(t, err, ErrClosed)
}

func TestUnboundedQueueCloseWakesParked(t *testing.T) {
	var q UnboundedQueue[string]
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			_, err := q.Dequeue(context.Background())
			errs <- err
		}()
	}
	waitParked(t, q.notEmpty.Len, 4)
	q.Close()
	for range 4 {
		assert.ErrorIs(t, <-errs, ErrClosed)
	}
}

func TestUnboundedQueueReleasesReferences(t *testing.T) {
	var q UnboundedQueue[*int]
	x := 1
	q.Enqueue(&x)
	_, ok := q.TryDequeue()
	require.True(t, ok)
	seg := q.headSeg.Load()
	for i := range seg.slots {
		assert.Nil(t, seg.slots[i].val)
	}
}
