// Package t20 is a cron-style scheduler with "singleton across replicas" jobs,
// in the style of go-co-op/gocron's distributed locker: several scheduler
// replicas share a run registry, and a job must not run on two replicas (or
// twice on one) at the same time.
//
// Concurrency: each Scheduler replica has a ticker goroutine (Start) that, for
// every due job, spawns a goroutine running execute. The scheduler does not
// talk to the registry directly: it is wired with function-typed fields
// (isRunning, markRunning, clearRunning) that NewScheduler fills with method
// values of the shared Registry, whose map is protected by its mutex.
//
// BUG: execute calls s.shouldRun(job), which consults the s.isRunning hook,
// and then s.begin(job), which calls the s.markRunning hook: two registry
// calls, two critical sections. Two replicas whose tickers fire together both
// see the job as not running and both mark and run it.
// check: s.isRunning(job.Name) == false (in shouldRun) -> act: s.markRunning(job.Name, s.node) (in begin), then job.Run.
//
// HARM: the singleton "compact-segments" job runs on two replicas at once.
// Both merge the same input segments; the first to finish deletes the inputs
// while the second is still reading them, and the second then publishes an
// index pointing at deleted segments: stored data is lost.
package t20

import (
	"context"
	"log"
	"sync"
	"time"
)

// Registry records which node is running which job.
type Registry struct {
	mu      sync.Mutex
	running map[string]string // job -> node
}

func NewRegistry() *Registry { return &Registry{running: make(map[string]string)} }

func (r *Registry) IsRunning(job string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.running[job]
	return ok
}

func (r *Registry) Mark(job, node string) {
	r.mu.Lock()
	r.running[job] = node
	r.mu.Unlock()
}

func (r *Registry) Clear(job string) {
	r.mu.Lock()
	delete(r.running, job)
	r.mu.Unlock()
}

// Job is a periodic task.
type Job struct {
	Name    string
	Every   time.Duration
	Timeout time.Duration
	Run     func(ctx context.Context) error
}

// Scheduler is one replica.
type Scheduler struct {
	node string
	jobs []*Job

	isRunning    func(job string) bool
	markRunning  func(job, node string)
	clearRunning func(job string)

	mu      sync.Mutex
	nextRun map[string]time.Time
	wg      sync.WaitGroup
}

func NewScheduler(node string, reg *Registry, jobs ...*Job) *Scheduler {
	return &Scheduler{
		node:         node,
		jobs:         jobs,
		isRunning:    reg.IsRunning,
		markRunning:  reg.Mark,
		clearRunning: reg.Clear,
		nextRun:      make(map[string]time.Time),
	}
}

func (s *Scheduler) due(now time.Time) []*Job {
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

func (s *Scheduler) shouldRun(j *Job) bool {
	if s.isRunning(j.Name) {
		log.Printf("%s: %s still running elsewhere, skipping", s.node, j.Name)
		return false
	}
	return true
}

func (s *Scheduler) begin(j *Job) func() {
	s.markRunning(j.Name, s.node)
	return func() { s.clearRunning(j.Name) }
}

func (s *Scheduler) execute(ctx context.Context, j *Job) {
	defer s.wg.Done()
	if !s.shouldRun(j) {
		return
	}
	end := s.begin(j)
	defer end()
	rctx, cancel := context.WithTimeout(ctx, j.Timeout)
	defer cancel()
	if err := j.Run(rctx); err != nil {
		log.Printf("%s: job %s failed: %v", s.node, j.Name, err)
	}
}

// Start runs the scheduler loop until ctx is cancelled, then waits for jobs.
func (s *Scheduler) Start(ctx context.Context, tick time.Duration) {
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
				go s.execute(ctx, j)
			}
		}
	}
}
