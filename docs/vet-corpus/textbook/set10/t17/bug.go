// Package t17 is the plain (not rate-limited) work queue of a reconciliation controller
// (modelled on client-go's workqueue): event handlers add object keys, a pool
// of worker goroutines takes keys off the queue and reconciles them. A key
// that is already queued is not queued twice.
//
// Concurrency: Add is called from informer event-handler goroutines. Get is
// called in a loop by each of the N workers started by RunWorkers; a worker
// exits its loop when Get reports shutdown. ShutDown is called once when the
// controller stops. The queue is a slice guarded by q.mu with a sync.Cond.
//
// BUG: Get checks "queue empty and not shutting down" with an if, waits once
// on the condition variable, and then acts on the queue assuming the
// condition it waited for still holds. Add's Signal wakes one waiter, but
// before the woken worker re-acquires q.mu another worker - one that just
// finished a reconcile and called Get without waiting - can take the lock
// first and pop the item. The woken worker finds the queue empty and, since
// it treats "empty after wake-up" as shutdown, reports shutdown.
//
// HARM: a worker goroutine exits permanently although the controller is
// still running. Under steady load this happens again and again, until all N
// workers are gone: keys keep accumulating in the queue, nothing is
// reconciled any more, and the controller looks healthy (its process and
// informers are up) while doing no work.
package t17

import (
	"context"
	"log"
	"sync"
)

// Queue is a FIFO of unique keys.
type Queue struct {
	mu           sync.Mutex
	cond         *sync.Cond
	items        []string
	queued       map[string]struct{}
	shuttingDown bool
}

// NewQueue returns an empty queue.
func NewQueue() *Queue {
	q := &Queue{queued: make(map[string]struct{})}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Add enqueues key unless it is already waiting.
func (q *Queue) Add(key string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.shuttingDown {
		return
	}
	if _, ok := q.queued[key]; ok {
		return
	}
	q.queued[key] = struct{}{}
	q.items = append(q.items, key)
	q.cond.Signal()
}

// Get blocks until a key is available. shutdown is true when the queue has
// been shut down and the worker should exit.
func (q *Queue) Get() (key string, shutdown bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 && !q.shuttingDown {
		q.cond.Wait()
	}
	if len(q.items) == 0 {
		return "", true
	}
	key, q.items = q.items[0], q.items[1:]
	delete(q.queued, key)
	return key, false
}

// Len reports the number of waiting keys.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// ShutDown wakes all workers and makes Get report shutdown once drained.
func (q *Queue) ShutDown() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.shuttingDown = true
	q.cond.Broadcast()
}

// RunWorkers starts n workers calling reconcile for each key; failed keys are
// re-queued.
func RunWorkers(ctx context.Context, q *Queue, n int, reconcile func(context.Context, string) error) *sync.WaitGroup {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				key, shutdown := q.Get()
				if shutdown {
					return
				}
				if err := reconcile(ctx, key); err != nil {
					log.Printf("reconcile %s: %v; requeueing", key, err)
					q.Add(key)
				}
			}
		}()
	}
	return &wg
}
