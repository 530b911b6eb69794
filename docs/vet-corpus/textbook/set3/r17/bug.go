// Package r17 is a FIFO of e-mail jobs drained by a pool of sender workers.
// The queue is a container/list guarded by a mutex, with a condition
// variable to wake idle workers.
//
// BUG (check-then-act in a loop condition): each worker drains the queue
// with `for q.Len() > 0 { job := q.Pop() ... }`. Len and Pop each lock
// q.mu, but between them another worker can take the last element. The
// losing worker then calls Pop on an empty list: l.Front() is nil and
// l.Remove(nil) dereferences it, so the worker goroutine panics with a nil
// pointer dereference. The panic is not recovered, so the whole mailer
// process crashes and every queued-but-unsent e-mail is lost.
package r17

import (
	"container/list"
	"context"
	"sync"
)

type EmailJob struct {
	To, Subject, Body string
}

// Queue is safe for concurrent use.
type Queue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items *list.List
}

func NewQueue() *Queue {
	q := &Queue{items: list.New()}
	q.cond = sync.NewCond(&q.mu)
	return q
}

func (q *Queue) Push(j EmailJob) {
	q.mu.Lock()
	q.items.PushBack(j)
	q.mu.Unlock()
	q.cond.Signal()
}

func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.items.Len()
}

// Pop removes the oldest job. The caller must know the queue is non-empty.
func (q *Queue) Pop() EmailJob {
	q.mu.Lock()
	defer q.mu.Unlock()
	e := q.items.Front()
	q.items.Remove(e)
	return e.Value.(EmailJob)
}

// wait blocks until the queue may have work.
func (q *Queue) wait() {
	q.mu.Lock()
	for q.items.Len() == 0 {
		q.cond.Wait()
	}
	q.mu.Unlock()
}

// Worker is started N times, each in its own goroutine, and runs for the
// lifetime of the process.
func Worker(ctx context.Context, q *Queue, send func(context.Context, EmailJob) error) {
	for {
		q.wait()
		for q.Len() > 0 {
			job := q.Pop()
			if err := send(ctx, job); err != nil {
				q.Push(job) // retry later
			}
		}
	}
}
