// Package t09 is the print-job spooler of the office print server. Jobs
// submitted over HTTP are appended to an in-memory FIFO; one consumer
// goroutine per physical printer takes jobs from the same queue.
//
// Concurrency: Submit runs in HTTP handler goroutines; Take runs in several
// printer goroutines; Close is called on shutdown. The queue uses a mutex and
// a sync.Cond for "queue not empty".
//
// BUG (sync.Cond wait under if): Take checks len(q.jobs) == 0 with an if,
// waits once, and after waking acts on q.jobs[0] as if the condition still
// held. Submit's Signal wakes one waiter, but before the woken printer
// re-acquires the mutex another printer that just finished a job can take
// the lock, see the item, and take it; the woken printer then indexes an
// empty slice.
//
// Harm: "index out of range" panics the print server whenever two printers
// go idle at about the same time, losing every queued job in memory.
package t09

import (
	"errors"
	"sync"
	"time"
)

// ErrClosed is returned by Submit after Close.
var ErrClosed = errors.New("t09: spooler closed")

// Job is one document to print.
type Job struct {
	ID        string
	Owner     string
	Document  []byte
	Submitted time.Time
}

// Queue is a blocking FIFO shared by all printers.
type Queue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	jobs   []Job
	closed bool
}

// NewQueue returns an empty queue.
func NewQueue() *Queue {
	q := &Queue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Submit appends a job and wakes one printer.
func (q *Queue) Submit(j Job) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return ErrClosed
	}
	j.Submitted = time.Now()
	q.jobs = append(q.jobs, j)
	q.cond.Signal()
	return nil
}

// Take blocks until a job is available; ok is false once the queue is
// closed and empty.
func (q *Queue) Take() (j Job, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.jobs) == 0 && !q.closed {
		q.cond.Wait()
	}
	if len(q.jobs) == 0 && q.closed {
		return Job{}, false
	}
	j = q.jobs[0]
	q.jobs[0] = Job{} // release the document buffer
	q.jobs = q.jobs[1:]
	return j, true
}

// Close wakes all printers; they drain the remaining jobs and stop.
func (q *Queue) Close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cond.Broadcast()
}

// RunPrinter feeds jobs to one printer until the queue is closed.
func RunPrinter(q *Queue, print func(Job) error, report func(Job, error)) {
	for {
		j, ok := q.Take()
		if !ok {
			return
		}
		report(j, print(j))
	}
}
