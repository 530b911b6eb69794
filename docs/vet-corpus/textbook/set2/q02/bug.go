// Package q02 implements a circuit breaker guarding calls to a flaky backend.
//
// BUG: when the open timeout has elapsed, Call checks that no half-open probe
// is in flight (probing.Load) and then sets probing.Store(true). Many callers
// pass the check at once, so instead of a single trial request the still-sick
// backend receives a burst of traffic exactly when it is trying to recover,
// and a late failing probe re-opens a breaker that a successful probe closed.
package q02

import (
	"errors"
	"sync/atomic"
	"time"
)

var ErrOpen = errors.New("circuit open")

const (
	stateClosed int32 = iota
	stateOpen
)

// Breaker is shared by all request goroutines of a client.
type Breaker struct {
	state     atomic.Int32
	failures  atomic.Int32
	openedAt  atomic.Int64 // unix nanos
	probing   atomic.Bool
	threshold int32
	cooldown  time.Duration
}

func NewBreaker(threshold int32, cooldown time.Duration) *Breaker {
	return &Breaker{threshold: threshold, cooldown: cooldown}
}

func (b *Breaker) cooledDown() bool {
	return time.Since(time.Unix(0, b.openedAt.Load())) >= b.cooldown
}

// Call runs fn if the breaker allows it.
func (b *Breaker) Call(fn func() error) error {
	if b.state.Load() == stateOpen {
		if !b.cooledDown() {
			return ErrOpen
		}
		if b.probing.Load() {
			return ErrOpen
		}
		b.probing.Store(true)
		defer b.probing.Store(false)
		return b.record(fn())
	}
	return b.record(fn())
}

func (b *Breaker) record(err error) error {
	if err == nil {
		b.failures.Store(0)
		b.state.Store(stateClosed)
		return nil
	}
	if b.failures.Add(1) >= b.threshold {
		b.openedAt.Store(time.Now().UnixNano())
		b.state.Store(stateOpen)
	}
	return err
}
