// Package t09 is a bounded, blocking FIFO used to hand log batches from the
// application's many logging goroutines to a pool of shipper goroutines that
// upload them. It is built on a slice guarded by a sync.Mutex with a
// sync.Cond for "not empty". Put and Take are safe for concurrent use.
//
// BUG (check-then-act around sync.Cond.Wait): the check is
// `if len(q.items) == 0` in Take, the act is q.items[0] / the slice pop after
// Wait returns. Wait releases the mutex while sleeping, and Broadcast (used by
// PutAll and Close) wakes every shipper; the first one to reacquire the lock
// takes the item and the others proceed without re-checking the condition.
// They index an empty slice and panic with "index out of range", killing the
// shipper pool (and the process). Every access is under q.mu, so the race
// detector sees nothing.
package t09

import (
	"errors"
	"sync"
)

// ErrClosed is returned by Take after Close once the queue is drained.
var ErrClosed = errors.New("logq: closed")

// Batch is a group of encoded log lines.
type Batch [][]byte

// Queue is a blocking FIFO of batches.
type Queue struct {
	mu       sync.Mutex
	nonEmpty *sync.Cond
	items    []Batch
	closed   bool
}

// New returns an empty queue.
func New() *Queue {
	q := &Queue{}
	q.nonEmpty = sync.NewCond(&q.mu)
	return q
}

// Put appends one batch and wakes one waiter.
func (q *Queue) Put(b Batch) {
	q.mu.Lock()
	q.items = append(q.items, b)
	q.mu.Unlock()
	q.nonEmpty.Signal()
}

// PutAll appends several batches and wakes all waiters.
func (q *Queue) PutAll(bs []Batch) {
	q.mu.Lock()
	q.items = append(q.items, bs...)
	q.mu.Unlock()
	q.nonEmpty.Broadcast()
}

// Close wakes all waiters; Take returns ErrClosed once drained.
func (q *Queue) Close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.nonEmpty.Broadcast()
}

// Take blocks until a batch is available.
func (q *Queue) Take() (Batch, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
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

// RunShippers starts n goroutines that upload batches until the queue closes.
func RunShippers(q *Queue, n int, upload func(Batch)) *sync.WaitGroup {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				b, err := q.Take()
				if err != nil {
					return
				}
				upload(b)
			}
		}()
	}
	return &wg
}
