// Package t10 is the in-process job queue of a thumbnail-rendering service:
// upload handlers push render jobs, a fixed pool of worker goroutines pops
// and renders them.
//
// Concurrency: Push is called from HTTP upload handler goroutines; Pop is
// called in a loop by N worker goroutines (RunWorkers); Close is called once
// at shutdown. Workers block on a sync.Cond while the queue is empty.
//
// BUG: Pop checks the queue with `if len(q.items) == 0 { q.cond.Wait() }` and
// then takes q.items[0]. Wait releases the mutex while sleeping and must
// re-acquire it before returning; a Signal'd worker is not guaranteed to get
// the lock first. A worker that was not waiting (it just finished a job) can
// lock, see the new item and take it. The woken worker then resumes past the
// `if` with a stale check: the queue is empty again.
//
// HARM: q.items[0] on an empty slice panics with "index out of range",
// killing the worker goroutine and, since the panic is not recovered, the
// whole rendering service, losing every queued job.
package t10

import (
	"context"
	"log"
	"sync"
)

// Job is one render request.
type Job struct {
	ImageID string
	Width   int
}

// Queue is an unbounded FIFO of jobs.
type Queue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	items  []Job
	closed bool
}

// NewQueue returns an empty queue.
func NewQueue() *Queue {
	q := &Queue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Push appends j and wakes one waiting worker.
func (q *Queue) Push(j Job) {
	q.mu.Lock()
	q.items = append(q.items, j)
	q.mu.Unlock()
	q.cond.Signal()
}

// Close wakes all workers; Pop returns false once the queue is drained.
func (q *Queue) Close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cond.Broadcast()
}

// Pop blocks until a job is available or the queue is closed and empty.
func (q *Queue) Pop() (Job, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 && !q.closed { // check (once)
		q.cond.Wait() // another worker may take the item before we relock
	}
	if q.closed && len(q.items) == 0 {
		return Job{}, false
	}
	j := q.items[0] // act: panics if the item was stolen
	q.items = q.items[1:]
	return j, true
}

// RunWorkers starts n workers rendering with render until the queue closes.
func RunWorkers(ctx context.Context, q *Queue, n int, render func(context.Context, Job) error) *sync.WaitGroup {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				j, ok := q.Pop()
				if !ok {
					return
				}
				if err := render(ctx, j); err != nil {
					log.Printf("render %s: %v", j.ImageID, err)
				}
			}
		}()
	}
	return &wg
}
