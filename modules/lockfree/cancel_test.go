package lockfree

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQueueDequeueCancelledWhileParked(t *testing.T) {
	q, err := NewQueue[int](2)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() {
		_, err := q.Dequeue(ctx)
		errc <- err
	}()
	waitParked(t, q.notEmpty.Len, 1)
	cancel()
	assert.ErrorIs(t, <-errc, context.Canceled)
	assert.Zero(t, q.notEmpty.Len(), "a cancelled waiter leaves the list")
	// The queue still works and nothing was consumed by the cancelled waiter.
	require.True(t, q.TryEnqueue(1))
	v, ok := q.TryDequeue()
	require.True(t, ok)
	assert.Equal(t, 1, v)
}

func TestQueueEnqueueCancelledWhileParked(t *testing.T) {
	q, err := NewQueue[int](1)
	require.NoError(t, err)
	require.True(t, q.TryEnqueue(1))
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() { errc <- q.Enqueue(ctx, 2) }()
	waitParked(t, q.notFull.Len, 1)
	cancel()
	assert.ErrorIs(t, <-errc, context.Canceled)
	assert.Equal(t, 1, q.Len(), "a cancelled Enqueue adds nothing")
	v, ok := q.TryDequeue()
	require.True(t, ok)
	assert.Equal(t, 1, v)
	_, ok = q.TryDequeue()
	assert.False(t, ok)
}

func TestQueueDeadlineExceeded(t *testing.T) {
	q, err := NewQueue[int](1)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()
	_, err = q.Dequeue(ctx)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	require.True(t, q.TryEnqueue(1))
	assert.ErrorIs(t, q.Enqueue(ctx, 2), context.DeadlineExceeded)
}

func TestQueueDoneContextStillTakesAvailableElement(t *testing.T) {
	q, err := NewQueue[int](1)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.NoError(t, q.Enqueue(ctx, 1), "room available: Enqueue succeeds")
	v, err := q.Dequeue(ctx)
	require.NoError(t, err, "element available: Dequeue succeeds")
	assert.Equal(t, 1, v)
	_, err = q.Dequeue(ctx)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestUnboundedQueueDequeueCancelledWhileParked(t *testing.T) {
	var q UnboundedQueue[int]
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() {
		_, err := q.Dequeue(ctx)
		errc <- err
	}()
	waitParked(t, q.notEmpty.Len, 1)
	cancel()
	assert.ErrorIs(t, <-errc, context.Canceled)
	require.NoError(t, q.Enqueue(3))
	v, ok := q.TryDequeue()
	require.True(t, ok)
	assert.Equal(t, 3, v)
}

// TestStressCancellationLosesNothing races many consumers with tiny timeouts
// against producers: every element must end up either returned by a Dequeue
// that succeeded, never taken and dropped by a waiter that gave up.
func TestStressCancellationLosesNothing(t *testing.T) {
	forEachProcs(t, func(t *testing.T, procs int) {
		for _, bounded := range []bool{true, false} {
			var (
				uq      UnboundedQueue[int]
				bq, _   = NewQueue[int](4)
				enqueue func(ctx context.Context, v int)
				dequeue func(ctx context.Context) (int, error)
			)
			if bounded {
				enqueue = func(ctx context.Context, v int) {
					for bq.Enqueue(ctx, v) != nil {
						runtime.Gosched() // let consumers run at GOMAXPROCS=1
					}
				}
				dequeue = bq.Dequeue
			} else {
				enqueue = func(_ context.Context, v int) { uq.Enqueue(v) }
				dequeue = uq.Dequeue
			}
			const producers, consumers = 3, 6
			per := stressScale() / 4
			var received sync.Map
			var count atomic.Int64
			var wg sync.WaitGroup
			total := int64(producers * per)
			for c := range consumers {
				wg.Go(func() {
					for count.Load() < total {
						ctx, cancel := context.WithTimeout(context.Background(), time.Duration(c%3)*50*time.Microsecond)
						v, err := dequeue(ctx)
						cancel()
						if err == nil {
							if _, dup := received.LoadOrStore(v, true); dup {
								panic("element delivered twice")
							}
							count.Add(1)
						} else {
							runtime.Gosched()
						}
					}
				})
			}
			for p := range producers {
				wg.Go(func() {
					for i := range per {
						ctx, cancel := context.WithTimeout(context.Background(), time.Duration(i%2)*20*time.Microsecond)
						enqueue(ctx, p*per+i)
						cancel()
					}
				})
			}
			wg.Wait()
			require.Equal(t, total, count.Load())
			for v := range int(total) {
				_, ok := received.Load(v)
				require.True(t, ok, "element %d lost", v)
			}
		}
	})
}
