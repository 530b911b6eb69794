package lockfree

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// closeQueue is what the Close contract needs of a queue; both queue types
// must keep the same contract.
type closeQueue struct {
	enqueue    func(v int) error
	dequeue    func() (int, error)
	tryDequeue func() (int, bool)
	close      func()
	len        func() int
}

func closeQueues(t *testing.T) map[string]func() closeQueue {
	return map[string]func() closeQueue{
		"Queue": func() closeQueue {
			q, err := NewQueue[int](1 << 12)
			require.NoError(t, err)
			ctx := context.Background()
			return closeQueue{
				enqueue:    func(v int) error { return q.Enqueue(ctx, v) },
				dequeue:    func() (int, error) { return q.Dequeue(ctx) },
				tryDequeue: q.TryDequeue,
				close:      q.Close,
				len:        q.Len,
			}
		},
		"UnboundedQueue": func() closeQueue {
			var q UnboundedQueue[int]
			ctx := context.Background()
			return closeQueue{
				enqueue:    q.Enqueue,
				dequeue:    func() (int, error) { return q.Dequeue(ctx) },
				tryDequeue: q.TryDequeue,
				close:      q.Close,
				len:        q.Len,
			}
		},
	}
}

// TestCloseContract checks the contract both queues document: after Close,
// Enqueue returns ErrClosed and adds nothing; dequeues return what was
// enqueued before, then ErrClosed; Close is idempotent.
func TestCloseContract(t *testing.T) {
	for name, newQueue := range closeQueues(t) {
		t.Run(name, func(t *testing.T) {
			q := newQueue()
			require.NoError(t, q.enqueue(1))
			require.NoError(t, q.enqueue(2))
			q.close()
			q.close()
			err := q.enqueue(3)
			require.ErrorIs(t, err, ErrClosed)
			assert.Equal(t, "lockfree: queue closed", err.Error())
			assert.Equal(t, 2, q.len(), "an Enqueue after Close added its element")
			for _, want := range []int{1, 2} {
				v, err := q.dequeue()
				require.NoError(t, err)
				assert.Equal(t, want, v)
			}
			_, err = q.dequeue()
			assert.ErrorIs(t, err, ErrClosed)
			_, ok := q.tryDequeue()
			assert.False(t, ok)
			assert.ErrorIs(t, q.enqueue(4), ErrClosed)
		})
	}
}

// TestCloseRacingEnqueues closes a queue while producers enqueue and checks
// the contract for racing calls: an Enqueue either returns nil, and its
// element is dequeued exactly once, or returns ErrClosed, and its element
// never appears.
func TestCloseRacingEnqueues(t *testing.T) {
	for name, newQueue := range closeQueues(t) {
		t.Run(name, func(t *testing.T) {
			forEachProcs(t, func(t *testing.T, _ int) {
				q := newQueue()
				const producers, perProducer = 4, 1000
				accepted := make([][]bool, producers)
				var wg sync.WaitGroup
				started := make(chan struct{}, producers)
				for p := range producers {
					accepted[p] = make([]bool, perProducer)
					wg.Go(func() {
						started <- struct{}{}
						for i := range perProducer {
							err := q.enqueue(p*perProducer + i)
							switch {
							case err == nil:
								accepted[p][i] = true
							case !errors.Is(err, ErrClosed):
								t.Errorf("Enqueue: %v", err)
							}
						}
					})
				}
				for range producers {
					<-started
				}
				q.close()
				wg.Wait()
				seen := make([]int, producers*perProducer)
				for {
					v, err := q.dequeue()
					if errors.Is(err, ErrClosed) {
						break
					}
					require.NoError(t, err)
					seen[v]++
				}
				for p := range producers {
					for i := range perProducer {
						want := 0
						if accepted[p][i] {
							want = 1
						}
						require.Equal(t, want, seen[p*perProducer+i], "element %d of producer %d", i, p)
					}
				}
			})
		})
	}
}
