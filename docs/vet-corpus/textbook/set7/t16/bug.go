// Package t16 runs the report-export jobs of the analytics product. Users
// create export jobs over HTTP; a pool of workers polls the job table and
// runs pending jobs; users can cancel a job that has not started yet.
//
// Concurrency: several worker goroutines poll the same JobSource and may be
// handed the same pending job; Cancel is called from HTTP handler goroutines.
//
// BUG [hard] (state-machine transition split over helpers): a worker checks
// the job with the helper isRunnable(j) (getter j.State() == Pending) and
// then acts with the helper markRunning(j) (setter j.setState(Running))
// before executing it. Another worker, or Cancel, can move the job out of
// Pending between the getter and the setter; the worker still overwrites the
// state with Running and executes the job.
//
// Harm: the same export runs twice (two identical multi-gigabyte files are
// generated and e-mailed to the customer's distribution list), and jobs the
// user cancelled are executed anyway.
package t16

import (
	"context"
	"errors"
	"log"
	"sync"
	"time"
)

// State is the lifecycle state of a job.
type State int

const (
	Pending State = iota
	Running
	Succeeded
	Failed
	Cancelled
)

// ErrNotCancellable is returned when cancelling a job that already started.
var ErrNotCancellable = errors.New("t16: job already started")

// Job is one export request.
type Job struct {
	ID    string
	Query string

	mu    sync.Mutex
	state State
	err   error
}

// State returns the current state.
func (j *Job) State() State {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.state
}

func (j *Job) setState(s State) {
	j.mu.Lock()
	j.state = s
	j.mu.Unlock()
}

func (j *Job) finish(err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.err = err
	if err != nil {
		j.state = Failed
	} else {
		j.state = Succeeded
	}
}

// Cancel cancels a job that has not started.
func (j *Job) Cancel() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.state != Pending {
		return ErrNotCancellable
	}
	j.state = Cancelled
	return nil
}

// JobSource lists jobs that were pending when last polled.
type JobSource interface {
	Pending(ctx context.Context) ([]*Job, error)
}

func isRunnable(j *Job) bool { return j.State() == Pending }
func markRunning(j *Job)     { j.setState(Running) }

// Worker executes jobs from src.
type Worker struct {
	Src  JobSource
	Exec func(ctx context.Context, j *Job) error
	Poll time.Duration
}

// Run polls and executes jobs until ctx is done.
func (w *Worker) Run(ctx context.Context) {
	for {
		jobs, err := w.Src.Pending(ctx)
		if err != nil {
			log.Printf("poll: %v", err)
		}
		for _, j := range jobs {
			if !isRunnable(j) {
				continue
			}
			markRunning(j)
			j.finish(w.Exec(ctx, j))
		}
		select {
		case <-time.After(w.Poll):
		case <-ctx.Done():
			return
		}
	}
}
