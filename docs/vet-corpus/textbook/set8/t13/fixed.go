package t13

// FIX: the state interface gains a compare-and-set transition. The check
// (current == from) and the act (set to) happen under one lock inside the
// store, so exactly one Dispatch wins the Pending -> Running transition and
// only the winner launches the job.

// JobStatesFixed adds an atomic transition to JobStates.
type JobStatesFixed interface {
	JobStates
	Transition(id string, from, to State) bool
}

// Transition sets id to `to` only if it is currently `from`.
func (s *memStates) Transition(id string, from, to State) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.m[id]; !ok || st != from {
		return false
	}
	s.m[id] = to
	return true
}

// DispatchFixed starts job id if it is pending, at most once.
func (s *Scheduler) DispatchFixed(id string) bool {
	ts, ok := s.states.(JobStatesFixed)
	if !ok {
		panic("t13: state store lacks Transition")
	}
	if !ts.Transition(id, Pending, Running) {
		return false
	}
	go s.execute(id)
	return true
}
