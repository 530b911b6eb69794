// Package queue5 reconstructs a bug in adrianbrad/queue's blocking queue:
// Get waited on the condition variable with an if instead of a loop, so a
// consumer woken by Offer could find the queue already emptied by another
// consumer that took the element first, and went on to take from an empty
// queue.
//
//   - Project: adrianbrad/queue (blocking.go)
//   - Bug report and fix: https://github.com/adrianbrad/queue/pull/5
//     (cond.Wait is called in a for loop over the condition)
//   - Shape: sync.Cond.Wait without re-checking its condition after waking.
//   - Manifests as: "panic: runtime error: index out of range" in a consumer
//     on the runs where a second consumer takes the element between the
//     Signal and the woken consumer's return from Wait.
package queue5

import "sync"

// Blocking is a FIFO queue whose Get waits for an element.
type Blocking struct {
	mu    sync.Mutex
	cond  *sync.Cond
	elems []int
}

// NewBlocking returns an empty queue.
func NewBlocking() *Blocking {
	q := &Blocking{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Offer appends v and wakes one waiting consumer.
func (q *Blocking) Offer(v int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.elems = append(q.elems, v)
	q.cond.Signal()
}

// Get removes and returns the first element, waiting for one if necessary.
func (q *Blocking) Get() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.elems) == 0 {
		q.cond.Wait()
	}
	v := q.elems[0]
	q.elems = q.elems[1:]
	return v
}
