// Fixed version of the t20 scheduler: the two hooks are replaced by a single
// tryAcquire hook backed by Registry.TryAcquire, which checks that no node is
// running the job and records this node as the runner in one critical
// section. Only the replica whose TryAcquire returns true runs the job, and
// release clears the entry only if this node still owns it.
package t20

import (
	"context"
	"log"
	"sync"
	"time"
)

// TryAcquire marks job as run by node if nobody is running it.
func (r *Registry) TryAcquire(job, node string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, busy := r.running[job]; busy {
		return false
	}
	r.running[job] = node
	return true
}

// ReleaseIfOwner clears job only if node holds it.
func (r *Registry) ReleaseIfOwner(job, node string) {
	r.mu.Lock()
	if r.running[job] == node {
		delete(r.running, job)
	}
	r.mu.Unlock()
}

type SchedulerFixed struct {
	node string
	jobs []*Job

	tryAcquire func(job, node string) bool
	release    func(job, node string)

	mu      sync.Mutex
	nextRun map[string]time.Time
	wg      sync.WaitGroup
}

func NewSchedulerFixed(node string, reg *Registry, jobs ...*Job) *SchedulerFixed {
	return &SchedulerFixed{
		node:       node,
		jobs:       jobs,
		tryAcquire: reg.TryAcquire,
		release:    reg.ReleaseIfOwner,
		nextRun:    make(map[string]time.Time),
	}
}

func (s *SchedulerFixed) due(now time.Time) []*Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Job
	for _, j := range s.jobs {
		if next, ok := s.nextRun[j.Name]; !ok || !now.Before(next) {
			s.nextRun[j.Name] = now.Add(j.Every)
			out = append(out, j)
		}
	}
	return out
}

func (s *SchedulerFixed) executeFixed(ctx context.Context, j *Job) {
	defer s.wg.Done()
	if !s.tryAcquire(j.Name, s.node) {
		log.Printf("%s: %s still running elsewhere, skipping", s.node, j.Name)
		return
	}
	defer s.release(j.Name, s.node)
	rctx, cancel := context.WithTimeout(ctx, j.Timeout)
	defer cancel()
	if err := j.Run(rctx); err != nil {
		log.Printf("%s: job %s failed: %v", s.node, j.Name, err)
	}
}

func (s *SchedulerFixed) Start(ctx context.Context, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			s.wg.Wait()
			return
		case now := <-t.C:
			for _, j := range s.due(now) {
				s.wg.Add(1)
				go s.executeFixed(ctx, j)
			}
		}
	}
}
