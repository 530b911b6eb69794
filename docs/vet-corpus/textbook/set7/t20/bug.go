// Package t20 is the circuit breaker in front of the recommendations backend
// of the product-page service. After Threshold consecutive failures the
// breaker opens and fails fast; once Cooldown has passed it lets exactly one
// probe request through (half-open) and closes again if the probe succeeds.
//
// Concurrency: Breaker.Do is called from every product-page request
// goroutine, thousands per second.
//
// BUG [hard] (half-open transition through an embedded state machine): admit
// checks the state via the promoted getter b.current() == stateOpen and the
// cooldown, and then acts with the promoted setter b.set(stateHalfOpen),
// treating the caller as the single probe. All requests that arrive in the
// instant the cooldown expires pass the check before the first set, and each
// of them becomes "the" probe.
//
// Harm: instead of one probe, a burst of full traffic hits a backend that is
// still recovering, knocking it over again; the breaker flaps open and shut
// and the recommendations panel stays down for much longer.
package t20

import (
	"errors"
	"sync/atomic"
	"time"
)

// ErrOpen is returned while the breaker rejects calls.
var ErrOpen = errors.New("t20: circuit open")

type state int32

const (
	stateClosed state = iota
	stateOpen
	stateHalfOpen
)

// stateMachine holds the breaker's state and when it last opened.
type stateMachine struct {
	st       atomic.Int32
	openedAt atomic.Int64 // unix nanoseconds
}

func (m *stateMachine) current() state { return state(m.st.Load()) }
func (m *stateMachine) set(s state)    { m.st.Store(int32(s)) }
func (m *stateMachine) openedTime() time.Time {
	return time.Unix(0, m.openedAt.Load())
}

// Breaker is a consecutive-failure circuit breaker.
type Breaker struct {
	stateMachine
	Threshold int32
	Cooldown  time.Duration
	failures  atomic.Int32
}

func (b *Breaker) trip() {
	b.openedAt.Store(time.Now().UnixNano())
	b.set(stateOpen)
}

// admit reports whether a call may proceed and whether it is the probe.
func (b *Breaker) admit() (probe bool, err error) {
	switch b.current() {
	case stateClosed:
		return false, nil
	case stateHalfOpen:
		return false, ErrOpen // a probe is already in flight
	}
	if time.Since(b.openedTime()) < b.Cooldown {
		return false, ErrOpen
	}
	b.set(stateHalfOpen)
	return true, nil
}

func (b *Breaker) record(probe bool, err error) {
	if probe {
		if err != nil {
			b.trip()
			return
		}
		b.failures.Store(0)
		b.set(stateClosed)
		return
	}
	if err == nil {
		b.failures.Store(0)
	} else if b.failures.Add(1) == b.Threshold {
		b.trip()
	}
}

// Do runs fn if the breaker admits it and records the outcome.
func (b *Breaker) Do(fn func() error) error {
	probe, err := b.admit()
	if err != nil {
		return err
	}
	err = fn()
	b.record(probe, err)
	return err
}
