package checkthenact

// Checks and deletes made by the package's helpers: a getter returning the
// value found (nil, or an error, when there is none) and a remover, on a
// package-level map. From kubeedge/kubeedge#7128 (cloud/pkg/taskmanager/
// executor at afc7d1942): InterruptExecutor gets a job's executor,
// interrupts it and removes the key; a job re-created under the same name in
// between has its new executor removed (the fix: CompareAndDelete with the
// executor interrupted). There the caller is in another package; here it is
// in the helpers' own, which is what the analyzer sees.

import (
	"errors"
	"sync"
)

var errNoExecutor = errors.New("executor does not exist")

type jobExecutor struct{ name string }

func (e *jobExecutor) interrupt() {}

var jobExecutors sync.Map

func getExecutor(name string) (*jobExecutor, error) {
	v, ok := jobExecutors.Load(name)
	if !ok {
		return nil, errNoExecutor
	}
	return v.(*jobExecutor), nil
}

func removeExecutor(name string) {
	jobExecutors.Delete(name)
}

func interruptExecutor(name string) error {
	exec, err := getExecutor(name)
	if err != nil {
		return err
	}
	exec.interrupt()
	removeExecutor(name) // want `removeExecutor\(name\), which calls jobExecutors.Delete\(name\) through removeExecutor \(helpers.go:\d+\), after getExecutor\(name\), which calls jobExecutors.Load\(name\), on line 38 takes the loaded entry, but is not atomic with it: another goroutine can take the same entry in between, and both use it, or store a new one, and this Delete removes it; use LoadAndDelete in removeExecutor`
	return nil
}

// The fix: the remover deletes only the executor it was handed.
func removeExecutorFixed(name string, exec *jobExecutor) {
	jobExecutors.CompareAndDelete(name, exec)
}

func interruptExecutorFixed(name string) error {
	exec, err := getExecutor(name)
	if err != nil {
		return err
	}
	exec.interrupt()
	removeExecutorFixed(name, exec)
	return nil
}

// A getter returning nil when there is none, and a Delete in the caller.
func lookupExecutor(name string) *jobExecutor {
	if v, ok := jobExecutors.Load(name); ok {
		return v.(*jobExecutor)
	}
	return nil
}

func stopExecutor(name string) {
	exec := lookupExecutor(name)
	if exec == nil {
		return
	}
	jobExecutors.Delete(name) // want `jobExecutors.Delete\(name\) after lookupExecutor\(name\), which calls jobExecutors.Load\(name\), on line 71 takes the loaded entry`
	exec.interrupt()
}

// Near-miss: the take is atomic.
func stopExecutorFixed(name string) {
	if v, loaded := jobExecutors.LoadAndDelete(name); loaded {
		v.(*jobExecutor).interrupt()
	}
}

// Near-miss: a getter whose error does not say the key is absent (it
// answers an error of its own on both paths) is not a check.
func describeExecutor(name string) (*jobExecutor, error) {
	v, _ := jobExecutors.Load(name)
	if v == nil {
		return nil, errNoExecutor
	}
	return nil, errNoExecutor
}

func dropDescribed(name string) {
	if exec, err := describeExecutor(name); err == nil {
		removeExecutor(name)
		exec.interrupt()
	}
}

// A count kept in a sync.Map behind a getter that answers the value and
// true when found, and a setter: read, incremented and stored back, it
// loses the increments made in between.
type quotas struct{ used sync.Map }

func (q *quotas) lookup(user string) (int, bool) {
	v, ok := q.used.Load(user)
	if !ok {
		return 0, false
	}
	return v.(int), true
}

func (q *quotas) record(user string, n int) {
	q.used.Store(user, n)
}

func (q *quotas) charge(user string, n int) {
	used, _ := q.lookup(user)
	q.record(user, used+n) // want `q.record\(user, used\+n\), which calls q.used.Store\(user\) through record \(helpers.go:[0-9]+\), after q.lookup\(user\), which calls q.used.Load\(user\), on line [0-9]+ stores a value computed from the loaded one, but is not atomic with it: another goroutine can update user in between, and that update is lost; use a CompareAndSwap loop, in one function in place of this read and record`
}

// The first value stored where lookup found none replaces a charge
// another goroutine recorded in between.
func (q *quotas) start(user string) {
	if _, ok := q.lookup(user); !ok {
		q.record(user, 0) // want `q.record\(user, 0\), which calls q.used.Store\(user\) through record \(helpers.go:[0-9]+\), after q.lookup\(user\), which calls q.used.Load\(user\), on line [0-9]+ runs only when the check found no entry, but is not atomic with it: another goroutine can store user in between, and this Store replaces that value while the other goroutine goes on using it; use LoadOrStore and the value it returns in record`
	}
}

// Near-miss: the charge made under one atomic step.
func (q *quotas) chargeOnce(user string, n int) {
	for {
		v, loaded := q.used.LoadOrStore(user, n)
		if !loaded || q.used.CompareAndSwap(user, v, v.(int)+n) {
			return
		}
	}
}
