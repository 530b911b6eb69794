package lockfree

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewQueueRejectsBadCapacity(t *testing.T) {
	for _, c := range []int{0, -1, MaxQueueCapacity + 1} {
		q, err := NewQueue[int](c)
		assert.Nil(t, q)
		require.ErrorIs(t, err, ErrInvalidCapacity)
		assert.Equal(t, fmt.Sprintf("lockfree: invalid capacity: NewQueue needs a capacity in [1, 1073741824], got %d", c),
			err.Error(), "one line, with the package prefix once")
	}
}

func TestQueueFIFOFullEmptyAndWrap(t *testing.T) {
	for _, capacity := range []int{1, 2, 3, 5, 8, 100} {
		q, err := NewQueue[int](capacity)
		require.NoError(t, err)
		assert.Equal(t, capacity, q.Cap())
		next, want := 0, 0
		// Several laps with the queue alternately filled and drained.
		for round := range 5 {
			for i := 0; i < capacity; i++ {
				require.True(t, q.TryEnqueue(next), "cap %d round %d", capacity, round)
				next++
				assert.Equal(t, i+1, q.Len())
			}
			assert.False(t, q.TryEnqueue(-1), "full queue accepts nothing")
			assert.Equal(t, capacity, q.Len())
			for i := 0; i < capacity; i++ {
				v, ok := q.TryDequeue()
				require.True(t, ok)
				assert.Equal(t, want, v)
				want++
			}
			_, ok := q.TryDequeue()
			assert.False(t, ok, "empty queue yields nothing")
			assert.Equal(t, 0, q.Len())
			// Leave the ring misaligned for the next round.
			require.True(t, q.TryEnqueue(next))
			next++
			v, ok := q.TryDequeue()
			require.True(t, ok)
			assert.Equal(t, want, v)
			want++
		}
	}
}

func TestQueueBlockingRoundTrip(t *testing.T) {
	q, err := NewQueue[string](2)
	require.NoError(t, err)
	ctx := t.Context()
	require.NoError(t, q.Enqueue(ctx, "a"))
	require.NoError(t, q.Enqueue(ctx, "b"))
	v, err := q.Dequeue(ctx)
	require.NoError(t, err)
	assert.Equal(t, "a", v)
	v, err = q.Dequeue(ctx)
	require.NoError(t, err)
	assert.Equal(t, "b", v)
}

func TestQueueEnqueueWaitsForRoom(t *testing.T) {
	q, err := NewQueue[int](1)
	require.NoError(t, err)
	require.True(t, q.TryEnqueue(1))
	done := make(chan error)
	go func() { done <- q.Enqueue(context.Background(), 2) }()
	waitParked(t, q.notFull.Len, 1)
	assert.Equal(t, int64(1), q.Stats().EnqueueParks)
	v, ok := q.TryDequeue()
	require.True(t, ok)
	assert.Equal(t, 1, v)
	require.NoError(t, <-done)
	v, ok = q.TryDequeue()
	require.True(t, ok)
	assert.Equal(t, 2, v)
}

func TestQueueDequeueWaitsForItem(t *testing.T) {
	q, err := NewQueue[int](4)
	require.NoError(t, err)
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
	require.True(t, q.TryEnqueue(7))
	assert.Equal(t, 7, <-got)
}

func TestQueueCloseDrainsThenErrClosed(t *testing.T) {
	q, err := NewQueue[int](4)
	require.NoError(t, err)
	ctx := t.Context()
	require.NoError(t, q.Enqueue(ctx, 1))
	require.NoError(t, q.Enqueue(ctx, 2))
	q.Close()
	q.Close() // idempotent
	assert.False(t, q.TryEnqueue(3))
	assert.ErrorIs(t, q.Enqueue(ctx, 3), ErrClosed)
	assert.Equal(t, 2, q.Len())
	for _, want := range []int{1, 2} {
		v, err := q.Dequeue(ctx)
		require.NoError(t, err)
		assert.Equal(t, want, v)
	}
	_, err = q.Dequeue(ctx)
	assert.ErrorIs(t, err, ErrClosed)
	_, ok := q.TryDequeue()
	assert.False(t, ok)
	assert.Equal(t, 0, q.Len())
}

func TestQueueCloseWakesParkedGoroutines(t *testing.T) {
	q, err := NewQueue[int](1)
	require.NoError(t, err)
	consumers := make(chan error, 3)
	for range 3 {
		go func() {
			_, err := q.Dequeue(context.Background())
			consumers <- err
		}()
	}
	waitParked(t, q.notEmpty.Len, 3)

	full, err := NewQueue[int](1)
	require.NoError(t, err)
	require.True(t, full.TryEnqueue(0))
	producers := make(chan error, 2)
	for range 2 {
		go func() { producers <- full.Enqueue(context.Background(), 1) }()
	}
	waitParked(t, full.notFull.Len, 2)

	q.Close()
	full.Close()
	for range 3 {
		assert.ErrorIs(t, <-consumers, ErrClosed)
	}
	for range 2 {
		assert.ErrorIs(t, <-producers, ErrClosed)
	}
	v, err := full.Dequeue(context.Background())
	require.NoError(t, err, "Close keeps the element already queued")
	assert.Equal(t, 0, v)
}

func TestQueueZeroSizedElements(t *testing.T) {
	q, err := NewQueue[struct{}](3)
	require.NoError(t, err)
	for range 3 {
		require.True(t, q.TryEnqueue(struct{}{}))
	}
	assert.False(t, q.TryEnqueue(struct{}{}))
	for range 3 {
		_, ok := q.TryDequeue()
		require.True(t, ok)
	}
	_, ok := q.TryDequeue()
	assert.False(t, ok)
}

func TestQueueDequeueReleasesReference(t *testing.T) {
	q, err := NewQueue[*int](2)
	require.NoError(t, err)
	x := 1
	require.True(t, q.TryEnqueue(&x))
	_, ok := q.TryDequeue()
	require.True(t, ok)
	for i := range q.slots {
		assert.Nil(t, q.slots[i].val, "slot %d still references a dequeued element", i)
	}
}

func TestErrClosedIsDistinct(t *testing.T) {
	assert.False(t, errors.Is(ErrClosed, ErrInvalidCapacity))
	assert.False(t, errors.Is(ErrClosed, context.Canceled))
}
