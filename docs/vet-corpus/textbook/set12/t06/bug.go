// Package t06 is the job queue of a CI runner agent.
//
// Concurrency: Runner.Start launches Options.Workers worker goroutines. Each
// worker repeatedly asks the queue for the next queued job and executes it.
// The webhook handler goroutines call Queue.Submit, and the API handler
// calls Queue.Cancel. The job list is guarded by Queue.mu and each job's
// state by Job.mu; Job.State and Job.setState lock individually.
//
// BUG: a worker calls next, which returns a job whose State is Queued, and
// afterwards calls setState(Running) on it. Two workers can receive the same
// queued job from next before either marks it running (check -> act).
//
// HARM: the same pipeline executes twice in parallel. For a deploy pipeline
// that means two concurrent "terraform apply"/database migration runs
// against production with the same plan, corrupting state locks and
// applying migrations twice.
package t06

import (
	"context"
	"errors"
	"sync"
	"time"
)

// JobState is the lifecycle state of a CI job.
type JobState int

const (
	Queued JobState = iota
	Running
	Succeeded
	Failed
	Cancelled
)

// ErrNotCancellable is returned when a job has already finished.
var ErrNotCancellable = errors.New("ci: job cannot be cancelled")

// Job is one pipeline run.
type Job struct {
	ID     string
	Repo   string
	Commit string
	Steps  []string

	mu    sync.Mutex
	state JobState
}

// State returns the job's current state.
func (j *Job) State() JobState {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.state
}

func (j *Job) setState(s JobState) {
	j.mu.Lock()
	j.state = s
	j.mu.Unlock()
}

// transition moves the job from one state to another if it is still in from.
func (j *Job) transition(from, to JobState) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.state != from {
		return false
	}
	j.state = to
	return true
}

// Queue holds submitted jobs in arrival order.
type Queue struct {
	mu   sync.Mutex
	jobs []*Job
}

// Submit enqueues a job.
func (q *Queue) Submit(j *Job) {
	j.setState(Queued)
	q.mu.Lock()
	q.jobs = append(q.jobs, j)
	q.mu.Unlock()
}

// Cancel cancels a job that has not started yet.
func (q *Queue) Cancel(id string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, j := range q.jobs {
		if j.ID == id && j.transition(Queued, Cancelled) {
			return nil
		}
	}
	return ErrNotCancellable
}

// next returns the oldest job that is still queued, pruning finished ones.
func (q *Queue) next() *Job {
	q.mu.Lock()
	defer q.mu.Unlock()
	kept := q.jobs[:0]
	var found *Job
	for _, j := range q.jobs {
		st := j.State()
		if st == Queued || st == Running {
			kept = append(kept, j)
		}
		if found == nil && st == Queued {
			found = j
		}
	}
	clear(q.jobs[len(kept):])
	q.jobs = kept
	return found
}

// Executor runs one pipeline step.
type Executor interface {
	Run(ctx context.Context, job *Job, step string) error
}

// Options configures a Runner.
type Options struct {
	Workers int
	Poll    time.Duration
}

// Runner pulls jobs from a Queue and executes them.
type Runner struct {
	q    *Queue
	exec Executor
	opts Options
	wg   sync.WaitGroup
}

// NewRunner returns a runner for q.
func NewRunner(q *Queue, exec Executor, opts Options) *Runner {
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	return &Runner{q: q, exec: exec, opts: opts}
}

// Start launches the workers; they stop when ctx is cancelled.
func (r *Runner) Start(ctx context.Context) {
	for i := 0; i < r.opts.Workers; i++ {
		r.wg.Add(1)
		go r.worker(ctx)
	}
}

// Wait blocks until all workers have exited.
func (r *Runner) Wait() { r.wg.Wait() }

func (r *Runner) worker(ctx context.Context) {
	defer r.wg.Done()
	for ctx.Err() == nil {
		j := r.q.next()
		if j == nil {
			select {
			case <-ctx.Done():
			case <-time.After(r.opts.Poll):
			}
			continue
		}
		j.setState(Running)
		r.execute(ctx, j)
	}
}

func (r *Runner) execute(ctx context.Context, j *Job) {
	for _, step := range j.Steps {
		if err := r.exec.Run(ctx, j, step); err != nil {
			j.setState(Failed)
			return
		}
	}
	j.setState(Succeeded)
}
