// Package t15 is the in-process cron scheduler used by the billing worker to
// run periodic jobs (invoice generation, dunning e-mails, usage roll-ups).
//
// Concurrency: Start launches the scheduling loop, which runs each due job on
// its own goroutine tracked by s.running. Stop is called from more than one
// place during shutdown: the SIGTERM handler goroutine, the health watchdog
// goroutine when the database connection is lost, and a deferred call in
// main. The job list is guarded by s.mu and the stopped flag is an
// atomic.Bool.
//
// BUG: Stop checks s.stopped, closes s.quit, and only then sets s.stopped.
// When two shutdown paths call Stop at the same time both see false and both
// close the channel (check -> act).
//
// HARM: the second close panics with "close of closed channel" in the
// middle of shutdown. The process dies without waiting for running jobs, so
// an invoice run is killed halfway: some customers are invoiced and others
// are not, and the run's bookkeeping row still says "in progress", which
// blocks the next run until someone repairs it by hand.
package t15

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// ErrDuplicateJob is returned when a job name is already registered.
var ErrDuplicateJob = errors.New("cron: duplicate job")

// Schedule computes a job's next run time.
type Schedule interface {
	Next(after time.Time) time.Time
}

// Every runs a job at a fixed interval.
type Every time.Duration

func (e Every) Next(after time.Time) time.Time { return after.Add(time.Duration(e)) }

// Daily runs a job once a day at the given UTC offset from midnight.
type Daily time.Duration

func (d Daily) Next(after time.Time) time.Time {
	day := after.UTC().Truncate(24 * time.Hour)
	next := day.Add(time.Duration(d))
	if !next.After(after) {
		next = next.Add(24 * time.Hour)
	}
	return next
}

// JobFunc is the work a job does.
type JobFunc func(ctx context.Context) error

type job struct {
	name  string
	sched Schedule
	fn    JobFunc
	next  time.Time
}

// Scheduler runs jobs on their schedules.
type Scheduler struct {
	mu      sync.Mutex
	jobs    []*job
	onError func(name string, err error)

	quit    chan struct{}
	stopped atomic.Bool
	loop    sync.WaitGroup
	running sync.WaitGroup
}

// New returns a stopped scheduler.
func New(onError func(name string, err error)) *Scheduler {
	return &Scheduler{quit: make(chan struct{}), onError: onError}
}

// Add registers a job.
func (s *Scheduler) Add(name string, sched Schedule, fn JobFunc) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, j := range s.jobs {
		if j.name == name {
			return ErrDuplicateJob
		}
	}
	s.jobs = append(s.jobs, &job{name: name, sched: sched, fn: fn, next: sched.Next(time.Now())})
	return nil
}

// Start runs the scheduling loop in the background.
func (s *Scheduler) Start(ctx context.Context) {
	s.loop.Add(1)
	go func() {
		defer s.loop.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-s.quit:
				return
			case now := <-t.C:
				for _, j := range s.due(now) {
					s.running.Add(1)
					go s.run(ctx, j)
				}
			}
		}
	}()
}

// due returns the jobs whose time has come and advances their next run.
func (s *Scheduler) due(now time.Time) []*job {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*job
	for _, j := range s.jobs {
		if !now.Before(j.next) {
			j.next = j.sched.Next(now)
			out = append(out, j)
		}
	}
	return out
}

func (s *Scheduler) run(ctx context.Context, j *job) {
	defer s.running.Done()
	if err := j.fn(ctx); err != nil && s.onError != nil {
		s.onError(j.name, err)
	}
}

// Stop stops scheduling new runs and waits for running jobs to finish.
func (s *Scheduler) Stop() {
	if s.stopped.Load() {
		return
	}
	close(s.quit)
	s.stopped.Store(true)
	s.loop.Wait()
	s.running.Wait()
}
