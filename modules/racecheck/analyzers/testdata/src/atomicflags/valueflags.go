package atomicflags

import (
	"errors"
	"sync/atomic"
)

// A flag kept in an atomic.Value, read with a type assertion. pion/ice
// agent.go at 3b47033 (fixed in 83f76d7, pion/ice#205) guarded its start
// with `if a.haveStarted.Load().(bool) { return ErrMultipleStart }` and a
// later `a.haveStarted.Store(true)`; here the guarded action is a close,
// which panics the second time.
var errMultipleStart = errors.New("already started")

type iceAgent struct {
	haveStarted atomic.Value // bool
	done        chan struct{}
}

func newICEAgent() *iceAgent {
	a := &iceAgent{done: make(chan struct{})}
	a.haveStarted.Store(false)
	return a
}

func (a *iceAgent) Close() error {
	if a.haveStarted.Load().(bool) {
		return errMultipleStart
	}
	a.haveStarted.Store(true) // want `a.haveStarted.Store\(true\) after a.haveStarted.Load\(\) on line 27 runs only when the check passed`
	close(a.done)
	return nil
}

// The comma-ok assertion into a local.
func (a *iceAgent) Stop() {
	if started, _ := a.haveStarted.Load().(bool); started {
		return
	}
	a.haveStarted.Store(true) // want `a.haveStarted.Store\(true\) after a.haveStarted.Load\(\) on line 37 runs only when the check passed`
	close(a.done)
}

// The fix: one CompareAndSwap decides.
func (a *iceAgent) CloseFixed() error {
	if !a.haveStarted.CompareAndSwap(false, true) {
		return errMultipleStart
	}
	close(a.done)
	return nil
}

// A flag set with no close after it is not reported (see atomics.go).
func (a *iceAgent) MarkStarted() {
	if a.haveStarted.Load().(bool) {
		return
	}
	a.haveStarted.Store(true)
}

// pion/ice's own shape: the check refuses a second start with a sentinel
// error, and the path that passed starts the agent's goroutines; two
// goroutines that both pass start them twice, and neither is refused.
type connAgent struct {
	haveStarted atomic.Value // bool
	events      chan int
}

func (a *connAgent) routine() {
	for range a.events {
	}
}

func (a *connAgent) startRoutine() { go a.routine() }

func (a *connAgent) startChecks() error {
	if a.haveStarted.Load().(bool) {
		return errMultipleStart
	}
	a.haveStarted.Store(true) // want `both go on to start goroutines \(a.startRoutine\(\) on line 81\), where the second should have been refused`
	a.startRoutine()
	return nil
}

func (a *connAgent) startChecksInline() error {
	if a.haveStarted.Load().(bool) {
		return errors.New("already started")
	}
	a.haveStarted.Store(true) // want `both go on to start goroutines \(a.routine\(\) on line 90\)`
	go a.routine()
	return nil
}

// The fix holds one lock, or one CompareAndSwap decides.
func (a *connAgent) startChecksFixed() error {
	if !a.haveStarted.CompareAndSwap(false, true) {
		return errMultipleStart
	}
	a.startRoutine()
	return nil
}

// Near-misses. A check that refuses nothing (a silent return): on the
// projects measured, such guards were lifecycle methods called once.
func (a *connAgent) startQuietly() {
	if a.haveStarted.Load().(bool) {
		return
	}
	a.haveStarted.Store(true)
	a.startRoutine()
}

// The goroutine started before the flag is set: what the store guards is
// not the start.
func (a *connAgent) startFirst() error {
	if a.haveStarted.Load().(bool) {
		return errMultipleStart
	}
	a.startRoutine()
	a.haveStarted.Store(true)
	return nil
}

// An error built by a function of its own (a protocol error answered to a
// client whose commands one goroutine reads in turn), and a goroutine
// started two calls away: not reported.
type protoErr struct{ msg string }

func (e *protoErr) Error() string { return e.msg }

func newProtoErr(msg string) error { return &protoErr{msg} }

func (a *connAgent) subscribe() error {
	if a.haveStarted.Load().(bool) {
		return newProtoErr("cannot SUB in current state")
	}
	a.haveStarted.Store(true)
	a.startRoutine()
	return nil
}

func (a *connAgent) addChannel() { a.startRoutine() }

func (a *connAgent) join() error {
	if a.haveStarted.Load().(bool) {
		return errMultipleStart
	}
	a.haveStarted.Store(true)
	a.addChannel()
	return nil
}
