package t12

import (
	"context"
	"sync"
)

// JobFixed is a named unit of scheduled work.
type JobFixed struct {
	Name string
	Run  func(context.Context) error

	mu    sync.Mutex
	state State
}

// State returns the job's current state.
func (j *JobFixed) State() State {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.state
}

// transition moves from -> to atomically and reports whether it happened.
func (j *JobFixed) transition(from, to State) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.state != from {
		return false
	}
	j.state = to
	return true
}

// TryStart is the single trigger entry point: the Idle check and the move to
// Running happen under one lock, so at most one caller starts the run.
func (j *JobFixed) TryStart() bool {
	if !j.transition(Idle, Running) {
		return false
	}
	go func() {
		if err := j.Run(context.Background()); err != nil {
			j.transition(Running, Failed)
			return
		}
		j.transition(Running, Idle)
	}()
	return true
}

type triggerFixed struct {
	TryFire func() bool
}

// SchedulerFixed fires jobs. Safe for concurrent use.
type SchedulerFixed struct {
	mu       sync.Mutex
	triggers map[string]triggerFixed
}

// Add registers j.
func (s *SchedulerFixed) Add(j *JobFixed) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.triggers == nil {
		s.triggers = make(map[string]triggerFixed)
	}
	s.triggers[j.Name] = triggerFixed{TryFire: j.TryStart}
}

// RunNow forces a run of name, reporting whether it was started.
func (s *SchedulerFixed) RunNow(name string) bool {
	s.mu.Lock()
	t, ok := s.triggers[name]
	s.mu.Unlock()
	return ok && t.TryFire()
}
