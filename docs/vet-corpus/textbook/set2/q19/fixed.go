package q19

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"
)

var (
	ErrBusyFixed       = errors.New("job already running")
	ErrUnknownJobFixed = errors.New("unknown job")
)

type jobStateFixed struct {
	run      func(context.Context) error
	every    time.Duration
	running  bool
	lastRun  time.Time
	lastErr  error
	runCount int
}

// SchedulerFixed is driven by its own loop and by HTTP handlers concurrently.
type SchedulerFixed struct {
	mu   sync.Mutex
	jobs map[string]jobStateFixed
}

func NewSchedulerFixed() *SchedulerFixed {
	return &SchedulerFixed{jobs: make(map[string]jobStateFixed)}
}

func (s *SchedulerFixed) RegisterFixed(name string, every time.Duration, fn func(context.Context) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jobs[name] = jobStateFixed{run: fn, every: every}
}

// claimFixed checks and sets running in one critical section.
func (s *SchedulerFixed) claimFixed(name string) (func(context.Context) error, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.jobs[name]
	if !ok {
		return nil, ErrUnknownJobFixed
	}
	if st.running {
		return nil, ErrBusyFixed
	}
	st.running = true
	s.jobs[name] = st
	return st.run, nil
}

func (s *SchedulerFixed) finishFixed(name string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.jobs[name]
	st.running = false
	st.lastRun = time.Now()
	st.lastErr = err
	st.runCount++
	s.jobs[name] = st
}

func (s *SchedulerFixed) TriggerFixed(ctx context.Context, name string) error {
	run, err := s.claimFixed(name)
	if err != nil {
		return err
	}
	go func() {
		s.finishFixed(name, run(ctx))
	}()
	return nil
}

func (s *SchedulerFixed) dueFixed(now time.Time) []string {
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

func (s *SchedulerFixed) LoopFixed(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			for _, name := range s.dueFixed(now) {
				s.TriggerFixed(ctx, name)
			}
		}
	}
}

func (s *SchedulerFixed) RunNowHandlerFixed(w http.ResponseWriter, r *http.Request) {
	err := s.TriggerFixed(context.Background(), r.FormValue("job"))
	switch {
	case errors.Is(err, ErrUnknownJobFixed):
		http.Error(w, err.Error(), http.StatusNotFound)
	case errors.Is(err, ErrBusyFixed):
		http.Error(w, err.Error(), http.StatusConflict)
	default:
		w.WriteHeader(http.StatusAccepted)
	}
}
