// Package t08 is a circuit breaker wrapping calls from an API gateway to a
// flaky downstream (the recommendations service). After `threshold`
// consecutive failures it opens and fails fast; after `cooldown` it lets a
// single probe request through (half-open) to test recovery.
//
// Concurrency: Do is called from every gateway request goroutine, typically
// thousands per second; when the cooldown elapses, a large number of them
// call Allow in the same instant.
//
// BUG: Allow, in the open state, checks that the cooldown has elapsed and
// then Stores halfOpen and returns true for "the" probe. The state Load, the
// cooldown check and the Store are separate steps: every goroutine that
// Loaded `open` after the cooldown passes the check and Stores halfOpen
// itself, so all of them are admitted as probes.
//
// HARM: instead of one probe, a thundering herd of requests hits a downstream
// that is still recovering (e.g. warming its caches after a restart). It is
// knocked over again, the breaker re-opens, and the cycle repeats every
// cooldown, prolonging the outage the breaker was supposed to contain.
package t08

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

const (
	stateClosed int32 = iota
	stateOpen
	stateHalfOpen
)

// ErrOpen is returned when the breaker rejects a call.
var ErrOpen = errors.New("circuit breaker open")

// Breaker is a lock-free circuit breaker.
type Breaker struct {
	state     atomic.Int32
	failures  atomic.Int32
	openedAt  atomic.Int64 // unix nanos
	threshold int32
	cooldown  time.Duration
	now       func() time.Time
}

// NewBreaker returns a closed breaker.
func NewBreaker(threshold int32, cooldown time.Duration) *Breaker {
	return &Breaker{threshold: threshold, cooldown: cooldown, now: time.Now}
}

// Allow reports whether a call may proceed.
func (b *Breaker) Allow() bool {
	switch b.state.Load() { // check
	case stateClosed:
		return true
	case stateOpen:
		if b.now().Sub(time.Unix(0, b.openedAt.Load())) < b.cooldown {
			return false
		}
		// many goroutines reach this line for the same cooldown expiry
		b.state.Store(stateHalfOpen) // act
		return true                  // "the single probe"
	default: // half-open: a probe is in flight
		return false
	}
}

// record updates the breaker with the outcome of an admitted call.
func (b *Breaker) record(err error) {
	if err == nil {
		b.failures.Store(0)
		b.state.Store(stateClosed)
		return
	}
	if b.state.Load() == stateHalfOpen || b.failures.Add(1) >= b.threshold {
		b.openedAt.Store(b.now().UnixNano())
		b.state.Store(stateOpen)
	}
}

// Do runs fn if the breaker allows it and records the result.
func (b *Breaker) Do(ctx context.Context, fn func(context.Context) error) error {
	if !b.Allow() {
		return ErrOpen
	}
	err := fn(ctx)
	b.record(err)
	return err
}
