package r17

import (
	"container/list"
	"context"
	"sync"
)

// QueueFixed combines "wait until non-empty" and "remove the front" in one
// critical section, so a worker only ever removes an element it saw.
type QueueFixed struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items *list.List
}

func NewQueueFixed() *QueueFixed {
	q := &QueueFixed{items: list.New()}
	q.cond = sync.NewCond(&q.mu)
	return q
}

func (q *QueueFixed) Push(j EmailJob) {
	q.mu.Lock()
	q.items.PushBack(j)
	q.mu.Unlock()
	q.cond.Signal()
}

// TryPop removes and returns the oldest job, or reports false if empty.
func (q *QueueFixed) TryPop() (EmailJob, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	e := q.items.Front()
	if e == nil {
		return EmailJob{}, false
	}
	q.items.Remove(e)
	return e.Value.(EmailJob), true
}

func (q *QueueFixed) wait() {
	q.mu.Lock()
	for q.items.Len() == 0 {
		q.cond.Wait()
	}
	q.mu.Unlock()
}

func WorkerFixed(ctx context.Context, q *QueueFixed, send func(context.Context, EmailJob) error) {
	for {
		q.wait()
		for {
			job, ok := q.TryPop()
			if !ok {
				break
			}
			if err := send(ctx, job); err != nil {
				q.Push(job)
			}
		}
	}
}
