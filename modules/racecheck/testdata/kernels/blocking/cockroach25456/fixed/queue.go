// Package cockroach25456 reconstructs a deadlock in CockroachDB's
// consistency queue: when a consistency check failed, the queue decided
// whether to log the error by asking whether the store was draining with
// `_, ok := <-stopper.ShouldQuiesce()`, which is not a non-blocking check,
// so the queue blocked until the server shut down.
//
//   - Project: cockroachdb/cockroach (pkg/storage/consistency_queue.go)
//   - Bug report and fix: https://github.com/cockroachdb/cockroach/pull/25456
//     (backported as https://github.com/cockroachdb/cockroach/pull/25474;
//     the receive becomes a select with a default case)
//   - Shape: a two-value receive used as a "has this channel been closed?"
//     probe blocks until a value or a close arrives.
//   - Fixed twin: the drain probe is a select with a default case (the
//     upstream fix), so a failed check is logged and the queue moves on.
package cockroach25456

import (
	"errors"
	"sync/atomic"
)

// Replica is one range replica the queue checks.
type Replica struct {
	ID        int
	destroyed atomic.Bool
}

// Destroy marks the replica as removed from the store.
func (r *Replica) Destroy() { r.destroyed.Store(true) }

var errDestroyed = errors.New("replica destroyed")

func checkConsistency(r *Replica) error {
	if r.destroyed.Load() {
		return errDestroyed
	}
	return nil
}

// Queue checks replicas one at a time.
type Queue struct {
	quiesce chan struct{} // closed when the server shuts down
	in      chan *Replica
	results chan string
	logged  []error // errors worth reporting; owned by the queue goroutine
}

// NewQueue starts the queue's goroutine.
func NewQueue() *Queue {
	q := &Queue{
		quiesce: make(chan struct{}),
		in:      make(chan *Replica),
		results: make(chan string),
	}
	go q.process()
	return q
}

func (q *Queue) process() {
	for {
		select {
		case r := <-q.in:
			q.results <- q.check(r)
		case <-q.quiesce:
			return
		}
	}
}

func (q *Queue) check(r *Replica) string {
	if err := checkConsistency(r); err != nil {
		// Errors during shutdown are expected and not worth reporting.
		select {
		case <-q.quiesce:
		default:
			q.logged = append(q.logged, err)
		}
		return "failed"
	}
	return "ok"
}

// Add checks r and returns the outcome.
func (q *Queue) Add(r *Replica) string {
	q.in <- r
	return <-q.results
}

// Stop shuts the queue down.
func (q *Queue) Stop() { close(q.quiesce) }
