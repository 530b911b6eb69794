package t06

// Fixed version: QueueFixed.claim picks the oldest queued job and moves it
// to Running with the job's own transition(Queued, Running) while holding
// the queue lock. Only the worker whose transition succeeds gets the job, so
// each job runs at most once, and Cancel can no longer race a start either.

import (
	"context"
	"sync"
	"time"
)

// QueueFixed holds submitted jobs in arrival order.
type QueueFixed struct {
	mu   sync.Mutex
	jobs []*Job
}

// Submit enqueues a job.
func (q *QueueFixed) Submit(j *Job) {
	j.setState(Queued)
	q.mu.Lock()
	q.jobs = append(q.jobs, j)
	q.mu.Unlock()
}

// Cancel cancels a job that has not started yet.
func (q *QueueFixed) Cancel(id string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, j := range q.jobs {
		if j.ID == id && j.transition(Queued, Cancelled) {
			return nil
		}
	}
	return ErrNotCancellable
}

// claim atomically takes the oldest queued job and marks it Running.
func (q *QueueFixed) claim() *Job {
	q.mu.Lock()
	defer q.mu.Unlock()
	kept := q.jobs[:0]
	var claimed *Job
	for _, j := range q.jobs {
		if claimed == nil && j.transition(Queued, Running) {
			claimed = j
		}
		if st := j.State(); st == Queued || st == Running {
			kept = append(kept, j)
		}
	}
	clear(q.jobs[len(kept):])
	q.jobs = kept
	return claimed
}

// RunnerFixed pulls jobs from a QueueFixed and executes them.
type RunnerFixed struct {
	q    *QueueFixed
	exec Executor
	opts Options
	wg   sync.WaitGroup
}

// NewRunnerFixed returns a runner for q.
func NewRunnerFixed(q *QueueFixed, exec Executor, opts Options) *RunnerFixed {
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	return &RunnerFixed{q: q, exec: exec, opts: opts}
}

// Start launches the workers; they stop when ctx is cancelled.
func (r *RunnerFixed) Start(ctx context.Context) {
	for i := 0; i < r.opts.Workers; i++ {
		r.wg.Add(1)
		go r.worker(ctx)
	}
}

// Wait blocks until all workers have exited.
func (r *RunnerFixed) Wait() { r.wg.Wait() }

func (r *RunnerFixed) worker(ctx context.Context) {
	defer r.wg.Done()
	for ctx.Err() == nil {
		j := r.q.claim()
		if j == nil {
			select {
			case <-ctx.Done():
			case <-time.After(r.opts.Poll):
			}
			continue
		}
		r.execute(ctx, j)
	}
}

func (r *RunnerFixed) execute(ctx context.Context, j *Job) {
	for _, step := range j.Steps {
		if err := r.exec.Run(ctx, j, step); err != nil {
			j.setState(Failed)
			return
		}
	}
	j.setState(Succeeded)
}
