// Package t07 is the asynchronous e-mail dispatcher of the account service.
// HTTP handlers (sign-up, password reset, invoice) enqueue messages; a fixed
// set of worker goroutines delivers them through the SMTP relay.
//
// Concurrency: Enqueue is called from request goroutines; Close is called by
// the graceful-shutdown hook while the HTTP server is still draining requests.
//
// BUG (closed flag, then channel send): Enqueue checks q.isClosed() (read
// lock, released) and, when the queue is open, acts by sending on q.jobs.
// Close can set the flag and close(q.jobs) between the check and the send.
//
// Harm: "panic: send on closed channel" in a request goroutine crashes the
// process during every rolling deploy under load, before the workers finish
// draining the queue, so already-accepted password-reset and invoice e-mails
// are never sent.
package t07

import (
	"context"
	"errors"
	"log"
	"sync"
)

// ErrClosed is returned by Enqueue after Close.
var ErrClosed = errors.New("t07: mail queue closed")

// Email is one outbound message.
type Email struct {
	To, Subject, Body string
}

// Queue buffers e-mails for the delivery workers.
type Queue struct {
	mu     sync.RWMutex
	closed bool
	jobs   chan Email
	wg     sync.WaitGroup
	send   func(Email) error
}

// NewQueue starts workers delivery goroutines that call send.
func NewQueue(workers, backlog int, send func(Email) error) *Queue {
	q := &Queue{jobs: make(chan Email, backlog), send: send}
	for i := 0; i < workers; i++ {
		q.wg.Add(1)
		go q.worker()
	}
	return q
}

func (q *Queue) worker() {
	defer q.wg.Done()
	for e := range q.jobs {
		if err := q.send(e); err != nil {
			log.Printf("mail to %s failed: %v", e.To, err)
		}
	}
}

func (q *Queue) isClosed() bool {
	q.mu.RLock()
	defer q.mu.RUnlock()
	return q.closed
}

// Enqueue queues e for delivery, waiting for room until ctx is done.
func (q *Queue) Enqueue(ctx context.Context, e Email) error {
	if q.isClosed() {
		return ErrClosed
	}
	select {
	case q.jobs <- e:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops accepting mail and waits until the backlog is delivered.
func (q *Queue) Close() {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	q.closed = true
	close(q.jobs)
	q.mu.Unlock()
	q.wg.Wait()
}
