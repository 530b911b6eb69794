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

// A lease found free (absent, expired, or already the caller's) through a
// generic table's getter, embedded, and claimed through its setter
// (textbook set 8, t16): two consumers that both find a partition's lease
// expired both write their own, and both consume the partition.
type leaseKV[V any] struct {
	mu sync.Mutex
	m  map[string]V
}

func (s *leaseKV[V]) get(k string) (V, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[k]
	return v, ok
}

func (s *leaseKV[V]) put(k string, v V) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = v
}

type partLease struct {
	Owner   string
	Expires int64
}

type partLeases struct {
	*leaseKV[partLease]
	now func() int64
}

func (t *partLeases) free(l partLease, ok bool, owner string) bool {
	return !ok || l.Owner == owner || t.now() > l.Expires
}

func (t *partLeases) Acquire(part, owner string) bool {
	cur, ok := t.get(part)
	if !t.free(cur, ok, owner) {
		return false
	}
	t.put(part, partLease{Owner: owner, Expires: t.now() + 30}) // want `t.put\(part, partLease\{Owner: owner, Expires: t.now\(\) \+ 30\}\), which makes t.m\[part\] = … under t.mu through put \(transition.go:\d+\), after t.get\(part\), which reads t.m\[part\] under t.mu, on line \d+ is decided by the loaded value`
	return true
}

// The same with the comparison in place and the lease in a local.
func (t *partLeases) Steal(part, owner string) bool {
	cur, ok := t.get(part)
	if ok && cur.Owner != owner && t.now() < cur.Expires {
		return false
	}
	l := partLease{Owner: owner, Expires: t.now() + 30}
	t.put(part, l) // want `t.put\(part, l\), which makes t.m\[part\] = … under t.mu through put`
	return true
}

// Near-miss: a lease written for someone the guard did not compare with
// (an administrator's reassignment, decided by the expiry alone).
func (t *partLeases) Reassign(part, to string) bool {
	cur, ok := t.get(part)
	if ok && cur.Owner != "" && t.now() < cur.Expires {
		return false
	}
	t.put(part, partLease{Owner: to, Expires: t.now() + 30})
	return true
}

// The lease table reached through method values kept in fields (textbook
// set 6, t16): the arbiter calls current and set, bound to one table's
// Current and Set by its constructor.
type arbiterTable struct {
	mu     sync.Mutex
	leases map[string]partLease
}

func (t *arbiterTable) Current(name string) (partLease, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	l, ok := t.leases[name]
	return l, ok
}

func (t *arbiterTable) Set(name string, l partLease) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.leases[name] = l
}

type arbiter struct {
	current func(name string) (partLease, bool)
	set     func(name string, l partLease)
	now     func() int64
}

func newArbiter(t *arbiterTable, now func() int64) *arbiter {
	return &arbiter{current: t.Current, set: t.Set, now: now}
}

func (a *arbiter) TryAcquire(name, node string) bool {
	if cur, ok := a.current(name); ok && cur.Owner != node && a.now() < cur.Expires {
		return false
	}
	a.set(name, partLease{Owner: node, Expires: a.now() + 30}) // want `a.set\(name, partLease\{Owner: node, Expires: a.now\(\) \+ 30\}\), which makes a.leases\[name\] = … under a.mu through Set \(transition.go:\d+\), after a.current\(name\), which reads a.leases\[name\] under a.mu`
	return true
}

// Near-miss: fields bound to two tables' methods in one literal: the read
// and the write may be of different maps.
type splitArbiter struct {
	current func(name string) (partLease, bool)
	set     func(name string, l partLease)
}

func newSplitArbiter(from, to *arbiterTable) *splitArbiter {
	return &splitArbiter{current: from.Current, set: to.Set}
}

func (a *splitArbiter) Copy(name, node string) bool {
	if cur, ok := a.current(name); ok && cur.Owner != node {
		return false
	}
	a.set(name, partLease{Owner: node})
	return true
}
