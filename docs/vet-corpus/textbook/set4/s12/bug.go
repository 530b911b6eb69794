// Package s12 is a job scheduler whose workers wait on a sync.Cond.
//
// BUG (condition checked with `if` around Cond.Wait, then acted on): next
// checks len(s.ready) == 0, waits, and after waking assumes a job is there.
// Wait releases the lock, so between Submit's Signal and the waiter
// re-acquiring the lock another worker that just finished its previous job
// can call next, find the job without waiting, and take it. The woken worker
// then indexes s.ready[0] on an empty slice and panics with "index out of
// range", killing the scheduler process and every job in flight.
package s12

import (
	"context"
	"log"
	"sync"
	"time"
)

type Job struct {
	Name string
	Run  func(context.Context) error
}

// Scheduler runs submitted jobs on a fixed set of workers. Submit and Close
// are safe for concurrent use.
type Scheduler struct {
	mu     sync.Mutex
	cond   *sync.Cond
	ready  []Job
	closed bool
	wg     sync.WaitGroup
}

func Start(workers int) *Scheduler {
	s := &Scheduler{}
	s.cond = sync.NewCond(&s.mu)
	for i := 0; i < workers; i++ {
		s.wg.Add(1)
		go s.worker()
	}
	return s
}

func (s *Scheduler) Submit(j Job) {
	s.mu.Lock()
	s.ready = append(s.ready, j)
	s.mu.Unlock()
	s.cond.Signal()
}

// Every submits j every interval until ctx ends (cron-style jobs).
func (s *Scheduler) Every(ctx context.Context, interval time.Duration, j Job) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.Submit(j)
		}
	}
}

func (s *Scheduler) next() (Job, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.ready) == 0 && !s.closed {
		s.cond.Wait()
	}
	if s.closed && len(s.ready) == 0 {
		return Job{}, false
	}
	j := s.ready[0]
	s.ready = s.ready[1:]
	return j, true
}

func (s *Scheduler) worker() {
	defer s.wg.Done()
	for {
		j, ok := s.next()
		if !ok {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if err := j.Run(ctx); err != nil {
			log.Printf("job %s: %v", j.Name, err)
		}
		cancel()
	}
}

// Close drains the queue and waits for the workers to exit.
func (s *Scheduler) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cond.Broadcast()
	s.wg.Wait()
}
