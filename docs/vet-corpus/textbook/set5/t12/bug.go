// Package t12 is the core of a cron-like job scheduler. Each Job carries a
// small state machine (Idle -> Running -> Idle/Failed) whose state is guarded
// by a mutex and exposed through a getter and a setter. The scheduler stores,
// per job, a trigger made of two method values — Ready (job.IsIdle) and Fire
// (job.start) — and a ticker goroutine evaluates all triggers every second.
// Operators can also force a run with POST /jobs/{name}/run, which evaluates
// the same trigger from a net/http handler goroutine.
//
// BUG (check-then-act on a state field behind getter/setter, through method
// values) [hard]: the check is trig.Ready() (=> job.State() == Idle) in
// fireIfReady, the act is trig.Fire() (=> job.setState(Running) and start the
// run goroutine). Both State and setState lock job.mu, but nothing holds it
// across the two calls, and the calls are reached only through func-typed
// struct fields. A tick and a manual "run now" (or two manual requests) can
// both see Idle and both start the job: the job runs twice concurrently,
// e.g. a nightly invoice job sends every customer two invoices.
package t12

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// State is a job's lifecycle state.
type State int

const (
	Idle State = iota
	Running
	Failed
)

// Job is a named unit of scheduled work.
type Job struct {
	Name string
	Run  func(context.Context) error

	mu    sync.Mutex
	state State
}

// State returns the job's current state.
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

// IsIdle reports whether the job may be started.
func (j *Job) IsIdle() bool { return j.State() == Idle }

func (j *Job) start() {
	j.setState(Running)
	go func() {
		err := j.Run(context.Background())
		switch {
		case err != nil:
			j.setState(Failed)
		default:
			j.setState(Idle)
		}
	}()
}

type trigger struct {
	Ready func() bool
	Fire  func()
}

// Scheduler fires jobs. Safe for concurrent use.
type Scheduler struct {
	mu       sync.Mutex
	triggers map[string]trigger
}

// Add registers j.
func (s *Scheduler) Add(j *Job) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.triggers == nil {
		s.triggers = make(map[string]trigger)
	}
	s.triggers[j.Name] = trigger{Ready: j.IsIdle, Fire: j.start}
}

func fireIfReady(t trigger) bool {
	if !t.Ready() {
		return false
	}
	t.Fire()
	return true
}

// Loop evaluates every trigger once per interval until ctx is done.
func (s *Scheduler) Loop(ctx context.Context, interval time.Duration) {
	tk := time.NewTicker(interval)
	defer tk.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tk.C:
			s.mu.Lock()
			ts := make([]trigger, 0, len(s.triggers))
			for _, t := range s.triggers {
				ts = append(ts, t)
			}
			s.mu.Unlock()
			for _, t := range ts {
				fireIfReady(t)
			}
		}
	}
}

// ServeRunNow handles POST /jobs/{name}/run.
func (s *Scheduler) ServeRunNow(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	t, ok := s.triggers[r.PathValue("name")]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	if !fireIfReady(t) {
		http.Error(w, "job already running", http.StatusConflict)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
