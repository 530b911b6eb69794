package atomicflags

import (
	"errors"
	"sync"
	"time"
)

// A circuit breaker's state read through a getter and set through a
// setter that each lock: where the cooldown has passed, the state is set
// half-open and the call goes through as the single probe; a caller that
// finds the breaker half-open is refused. Two callers that both read
// "open" both set half-open and both probe a backend that is still
// recovering (the fourth textbook set's s05). The section the flag marks
// ends where the state is set again after the call.
var errTripped = errors.New("breaker open")

type breakerState int

const (
	stateClosed breakerState = iota
	stateOpen
	stateHalfOpen
)

type tripBreaker struct {
	cooldown time.Duration
	mu       sync.Mutex
	state    breakerState
	openedAt time.Time
	failures int
}

func (b *tripBreaker) State() breakerState {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.state
}

func (b *tripBreaker) SetState(s breakerState) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.state = s
}

func (b *tripBreaker) OpenedAt() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.openedAt
}

func (b *tripBreaker) onResult(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err == nil {
		b.state, b.failures = stateClosed, 0
		return
	}
	b.state, b.openedAt = stateOpen, time.Now()
}

// The switch on the state: the half-open case refuses.
func (b *tripBreaker) Call(fn func() error) error {
	switch b.State() {
	case stateOpen:
		if time.Since(b.OpenedAt()) < b.cooldown {
			return errTripped
		}
		b.SetState(stateHalfOpen) // want `b.SetState\(stateHalfOpen\) after b.State\(\) on line \d+ runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and both run the section b.onResult\(err\) on line \d+ ends, where the check should have refused the second; use one lock held from the check to the store`
	case stateHalfOpen:
		return errTripped
	}
	err := fn()
	b.onResult(err)
	return err
}

// The same with an if, the section ended by the setter.
func (b *tripBreaker) Probe(fn func() error) error {
	if b.State() == stateHalfOpen {
		return errTripped
	}
	b.SetState(stateHalfOpen) // want `b.SetState\(stateHalfOpen\) after b.State\(\) on line \d+ runs only when the check passed.* both run the section b.SetState\(stateClosed\) on line \d+ ends`
	err := fn()
	b.SetState(stateClosed)
	return err
}

// The fix: the decision and the transition under one lock.
func (b *tripBreaker) allow() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case stateOpen:
		if time.Since(b.openedAt) < b.cooldown {
			return false
		}
		b.state = stateHalfOpen
		return true
	case stateHalfOpen:
		return false
	}
	return true
}

func (b *tripBreaker) CallFixed(fn func() error) error {
	if !b.allow() {
		return errTripped
	}
	err := fn()
	b.onResult(err)
	return err
}

// Near-miss: a caller that finds the state half-open is let through too;
// nothing promises one probe.
func (b *tripBreaker) Trip(fn func() error) error {
	switch b.State() {
	case stateOpen:
		b.SetState(stateHalfOpen)
	case stateHalfOpen:
	}
	err := fn()
	b.onResult(err)
	return err
}

// Near-miss: nothing runs between the transition and the next one.
func (b *tripBreaker) Reset() error {
	if b.State() == stateHalfOpen {
		return errTripped
	}
	b.SetState(stateHalfOpen)
	b.SetState(stateClosed)
	return nil
}
