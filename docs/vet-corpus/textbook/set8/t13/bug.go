// Package t13 [hard] implements the job scheduler of a billing platform.
// Jobs (e.g. "invoice-run-2024-06") move through a small state machine
// Pending -> Running -> Done/Failed. State is accessed through the
// JobStates interface, whose in-memory implementation guards each getter and
// setter with its own lock, so every individual call is "thread-safe".
//
// Concurrency: the scheduler's ticker goroutine calls dispatchDue every
// minute; operators can also POST /jobs/run?id=... which calls Dispatch on
// the request goroutine. A retrying client or a double click on the admin
// page produces two concurrent Dispatch calls for the same job.
//
// BUG: Dispatch reads the state through the interface getter (CHECK: state
// == Pending) and then, in a separate interface call, sets Running and
// launches the job (ACT). The getter and setter are each locked, but
// nothing holds across them, and because they sit behind an interface the
// race is invisible at the call site.
//
// HARM: the invoice run executes twice concurrently; every customer receives
// two invoices and is charged twice by the auto-pay step.
package t13

import (
	"context"
	"log"
	"net/http"
	"sync"
	"time"
)

type State int

const (
	Pending State = iota
	Running
	Done
	Failed
)

// JobStates is the state-machine storage.
type JobStates interface {
	State(id string) (State, bool)
	SetState(id string, s State)
}

type memStates struct {
	mu sync.Mutex
	m  map[string]State
}

func (s *memStates) State(id string) (State, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.m[id]
	return st, ok
}

func (s *memStates) SetState(id string, st State) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[id] = st
}

// Scheduler runs jobs.
type Scheduler struct {
	states JobStates
	run    map[string]func(ctx context.Context) error // fixed at startup
	due    func(now time.Time) []string
}

func NewScheduler(jobs map[string]func(context.Context) error, due func(time.Time) []string) *Scheduler {
	st := &memStates{m: make(map[string]State)}
	for id := range jobs {
		st.m[id] = Pending
	}
	return &Scheduler{states: st, run: jobs, due: due}
}

// Dispatch starts job id if it is pending.
func (s *Scheduler) Dispatch(id string) bool {
	st, ok := s.states.State(id)
	if !ok || st != Pending { // CHECK
		return false
	}
	s.states.SetState(id, Running) // ACT (separate interface call)
	go s.execute(id)
	return true
}

func (s *Scheduler) execute(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	if err := s.run[id](ctx); err != nil {
		log.Printf("job %s failed: %v", id, err)
		s.states.SetState(id, Failed)
		return
	}
	s.states.SetState(id, Done)
}

// Loop is the scheduler's ticker goroutine.
func (s *Scheduler) Loop(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			for _, id := range s.due(now) {
				s.Dispatch(id)
			}
		}
	}
}

// ServeHTTP handles POST /jobs/run?id=...
func (s *Scheduler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.Dispatch(r.URL.Query().Get("id")) {
		http.Error(w, "job not pending", http.StatusConflict)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
