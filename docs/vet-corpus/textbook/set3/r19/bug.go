// Package r19 is a cron-like scheduler for back-office jobs (invoice runs,
// report e-mails). A job must never run twice at the same time; it can be
// started by the schedule or on demand through an admin HTTP endpoint.
//
// BUG (check-then-act across goroutines: the check is in the launcher, the
// act in the launched goroutine): both Scheduler.tick (scheduler goroutine)
// and Scheduler.ServeHTTP (admin handler goroutines) test j.isRunning() and
// then `go s.execute(j)`; the running flag is only set by execute itself,
// once the new goroutine gets scheduled. An operator pressing "run now"
// right as the schedule fires — or pressing it twice — passes the check
// twice before either goroutine has set the flag. The invoice job then runs
// twice concurrently and every customer receives (and is billed on) two
// invoices.
package r19

import (
	"context"
	"net/http"
	"sync"
	"time"
)

type Job struct {
	Name  string
	Every time.Duration
	Run   func(context.Context) error

	mu      sync.Mutex
	running bool
	lastRun time.Time
}

func (j *Job) isRunning() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.running
}

func (j *Job) due(now time.Time) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return now.Sub(j.lastRun) >= j.Every
}

func (j *Job) setRunning(r bool, now time.Time) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.running = r
	if r {
		j.lastRun = now
	}
}

type Scheduler struct {
	ctx  context.Context
	jobs map[string]*Job // fixed after construction
}

func NewScheduler(ctx context.Context, jobs ...*Job) *Scheduler {
	s := &Scheduler{ctx: ctx, jobs: make(map[string]*Job)}
	for _, j := range jobs {
		s.jobs[j.Name] = j
	}
	return s
}

func (s *Scheduler) execute(j *Job) {
	j.setRunning(true, time.Now())
	defer j.setRunning(false, time.Time{})
	_ = j.Run(s.ctx)
}

func (s *Scheduler) tick(now time.Time) {
	for _, j := range s.jobs {
		if j.isRunning() || !j.due(now) {
			continue
		}
		go s.execute(j)
	}
}

// Loop runs the schedule in its own goroutine.
func (s *Scheduler) Loop() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case now := <-t.C:
			s.tick(now)
		}
	}
}

// ServeHTTP handles POST /admin/jobs/{name}/run.
func (s *Scheduler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	j, ok := s.jobs[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if j.isRunning() {
		http.Error(w, "job already running", http.StatusConflict)
		return
	}
	go s.execute(j)
	w.WriteHeader(http.StatusAccepted)
}
