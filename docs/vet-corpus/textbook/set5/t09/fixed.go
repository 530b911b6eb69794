package t09

import "sync"

// QueueFixed is a blocking FIFO of batches.
type QueueFixed struct {
	mu       sync.Mutex
	nonEmpty *sync.Cond
	items    []Batch
	closed   bool
}

// NewFixed returns an empty queue.
func NewFixed() *QueueFixed {
	q := &QueueFixed{}
	q.nonEmpty = sync.NewCond(&q.mu)
	return q
}

// PutAll appends several batches and wakes all waiters.
func (q *QueueFixed) PutAll(bs []Batch) {
	q.mu.Lock()
	q.items = append(q.items, bs...)
	q.mu.Unlock()
	q.nonEmpty.Broadcast()
}

// Close wakes all waiters; Take returns ErrClosed once drained.
func (q *QueueFixed) Close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.nonEmpty.Broadcast()
}

// Take re-checks the condition in a loop after every wake-up, while holding
// the lock, so the check and the pop see the same state.
func (q *QueueFixed) Take() (Batch, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		if q.closed {
			return nil, ErrClosed
		}
		q.nonEmpty.Wait()
	}
	b := q.items[0]
	q.items[0] = nil
	q.items = q.items[1:]
	return b, nil
}
