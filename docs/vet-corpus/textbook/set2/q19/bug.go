// Package q19 is a job scheduler: a ticker goroutine triggers due jobs, and an
// admin HTTP endpoint can trigger a job immediately. A job must never run
// concurrently with itself (the "charge-subscriptions" job bills customers).
//
// BUG: Trigger reads a copy of the job's state struct out of the map, checks
// that it is not running, and marks it running in a separate critical section.
// A tick and a "run now" request for the same job can both see running=false
// and both start it: every due subscription is charged twice.
package q19

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"
)

var (
	ErrBusy       = errors.New("job already running")
	ErrUnknownJob = errors.New("unknown job")
)

type jobState struct {
	run      func(context.Context) error
	every    time.Duration
	running  bool
	lastRun  time.Time
	lastErr  error
	runCount int
}

// Scheduler is driven by its own loop and by HTTP handlers concurrently.
type Scheduler struct {
	mu   sync.Mutex
	jobs map[string]jobState
}

func NewScheduler() *Scheduler { return &Scheduler{jobs: make(map[string]jobState)} }

func (s *Scheduler) Register(name string, every time.Duration, fn func(context.Context) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jobs[name] = jobState{run: fn, every: every}
}

func (s *Scheduler) state(name string) (jobState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.jobs[name]
	return st, ok
}

func (s *Scheduler) update(name string, f func(*jobState)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.jobs[name]
	f(&st)
	s.jobs[name] = st
}

// Trigger starts the named job in the background.
func (s *Scheduler) Trigger(ctx context.Context, name string) error {
	st, ok := s.state(name)
	if !ok {
		return ErrUnknownJob
	}
	if st.running {
		return ErrBusy
	}
	s.update(name, func(j *jobState) { j.running = true })
	go func() {
		err := st.run(ctx)
		s.update(name, func(j *jobState) {
			j.running = false
			j.lastRun = time.Now()
			j.lastErr = err
			j.runCount++
		})
	}()
	return nil
}

func (s *Scheduler) due(now time.Time) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for name, st := range s.jobs {
		if !st.running && now.Sub(st.lastRun) >= st.every {
			names = append(names, name)
		}
	}
	return names
}

// Loop triggers due jobs every second until ctx is cancelled.
func (s *Scheduler) Loop(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			for _, name := range s.due(now) {
				s.Trigger(ctx, name)
			}
		}
	}
}

func (s *Scheduler) RunNowHandler(w http.ResponseWriter, r *http.Request) {
	err := s.Trigger(context.Background(), r.FormValue("job"))
	switch {
	case errors.Is(err, ErrUnknownJob):
		http.Error(w, err.Error(), http.StatusNotFound)
	case errors.Is(err, ErrBusy):
		http.Error(w, err.Error(), http.StatusConflict)
	default:
		w.WriteHeader(http.StatusAccepted)
	}
}
