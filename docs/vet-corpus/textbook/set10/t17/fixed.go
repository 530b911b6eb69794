package t17

// Fix: the wait is a loop. After every wake-up the worker re-checks the
// condition under the lock and goes back to sleep if another worker consumed
// the item first, so "queue empty" is only reported as shutdown when the
// queue really is shutting down and drained. (sync.Cond gives no guarantee
// that the condition still holds when Wait returns.)

import (
	"context"
	"log"
	"sync"
)

// GetFixed blocks until a key is available or the queue is shut down and
// drained.
func (q *Queue) GetFixed() (key string, shutdown bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.shuttingDown {
		q.cond.Wait()
	}
	if len(q.items) == 0 {
		return "", true
	}
	key, q.items = q.items[0], q.items[1:]
	delete(q.queued, key)
	return key, false
}

// RunWorkersFixed is RunWorkers using GetFixed.
func RunWorkersFixed(ctx context.Context, q *Queue, n int, reconcile func(context.Context, string) error) *sync.WaitGroup {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				key, shutdown := q.GetFixed()
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
