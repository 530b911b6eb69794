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
