package lockedmaps

import "sync"

// A state read under a lock, tested for one state, and the next state
// written under the lock taken again (textbook set 8, t13): two
// dispatchers that both read Pending both move the job to Running and
// both start it.

type jobState int

const (
	jobPending jobState = iota
	jobRunning
	jobDone
)

type jobTable struct {
	mu     sync.Mutex
	states map[string]jobState
}

func (t *jobTable) state(id string) (jobState, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	st, ok := t.states[id]
	return st, ok
}

func (t *jobTable) setState(id string, st jobState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.states[id] = st
}

func (t *jobTable) run(id string) {}

func (t *jobTable) Dispatch(id string) bool {
	st, ok := t.state(id)
	if !ok || st != jobPending {
		return false
	}
	t.setState(id, jobRunning) // want `t.setState\(id, jobRunning\), which makes t.states\[id\] = … under t.mu through setState \(transition.go:33\), after t.state\(id\), which reads t.states\[id\] under t.mu, on line 39 is decided by the loaded value, but is not atomic with it: another goroutine can change id in between, and this assignment acts on a stale value; use one lock held across the check and the write in setState`
	go t.run(id)
	return true
}

// The same with the lock taken in place.
func (t *jobTable) Finish(id string) bool {
	t.mu.Lock()
	st := t.states[id]
	t.mu.Unlock()
	if st == jobRunning {
		t.mu.Lock()
		t.states[id] = jobDone // want `t.states\[id\] = … after t.states\[id\] on line 51 is decided by the loaded value`
		t.mu.Unlock()
		return true
	}
	return false
}

// Near-miss: the state stored is the one tested for: setting it again
// changes nothing.
func (t *jobTable) Touch(id string) {
	st, ok := t.state(id)
	if !ok || st != jobRunning {
		return
	}
	t.setState(id, jobRunning)
}

// Near-miss: the move made under one lock, testing and writing together.
func (t *jobTable) transition(id string, from, to jobState) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.states[id] != from {
		return false
	}
	t.states[id] = to
	return true
}

func (t *jobTable) Start(id string) bool {
	if !t.transition(id, jobPending, jobRunning) {
		return false
	}
	go t.run(id)
	return true
}

// Near-miss: the guard tests something else than the state loaded.
func (t *jobTable) Reset(id string, force bool) {
	if _, ok := t.state(id); !ok || !force {
		return
	}
	t.setState(id, jobPending)
}
