package t15

// Fixed version: StopFixed flips the stopped flag with CompareAndSwap, so
// the check and the set are one atomic step; only the caller that wins the
// swap closes quit. Every caller then waits for the loop and running jobs.

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// SchedulerFixed runs jobs on their schedules.
type SchedulerFixed struct {
	mu      sync.Mutex
	jobs    []*job
	onError func(name string, err error)

	quit    chan struct{}
	stopped atomic.Bool
	loop    sync.WaitGroup
	running sync.WaitGroup
}

// NewFixed returns a stopped scheduler.
func NewFixed(onError func(name string, err error)) *SchedulerFixed {
	return &SchedulerFixed{quit: make(chan struct{}), onError: onError}
}

// Add registers a job.
func (s *SchedulerFixed) Add(name string, sched Schedule, fn JobFunc) error {
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
func (s *SchedulerFixed) Start(ctx context.Context) {
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

func (s *SchedulerFixed) due(now time.Time) []*job {
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

func (s *SchedulerFixed) run(ctx context.Context, j *job) {
	defer s.running.Done()
	if err := j.fn(ctx); err != nil && s.onError != nil {
		s.onError(j.name, err)
	}
}

// StopFixed stops scheduling new runs and waits for running jobs to finish.
func (s *SchedulerFixed) StopFixed() {
	if s.stopped.CompareAndSwap(false, true) {
		close(s.quit)
	}
	s.loop.Wait()
	s.running.Wait()
}
