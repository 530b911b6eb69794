// Package r11 is a circuit breaker protecting calls to a flaky downstream
// payment-risk service. After cooldown the breaker is supposed to let
// exactly ONE probe request through (half-open) and keep rejecting the
// rest until that probe reports back.
//
// BUG (check-then-act across getter and setter, expressed as a switch):
// Breaker.Call switches on b.currentState() and, in the half-open case,
// calls b.setState(probing) before issuing the probe. Both methods lock
// b.mu, but the decision and the transition are separate critical
// sections. Call is used by every request goroutine of the API; when the
// cooldown ends, all requests in flight at that moment read halfOpen and
// all become "the" probe. The recovering downstream receives a full burst
// instead of a single probe, falls over again, and the breaker re-opens —
// the service never recovers.
package r11

import (
	"errors"
	"sync"
	"time"
)

var ErrOpen = errors.New("breaker: circuit open")

type state int

const (
	closed state = iota
	open
	halfOpen // cooldown over, no probe yet
	probing  // one probe in flight
)

type Breaker struct {
	threshold int
	cooldown  time.Duration

	mu       sync.Mutex
	st       state
	failures int
	openedAt time.Time
}

func NewBreaker(threshold int, cooldown time.Duration) *Breaker {
	return &Breaker{threshold: threshold, cooldown: cooldown}
}

// currentState returns the state, moving open -> halfOpen after cooldown.
func (b *Breaker) currentState() state {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.st == open && time.Since(b.openedAt) >= b.cooldown {
		b.st = halfOpen
	}
	return b.st
}

func (b *Breaker) setState(s state) {
	b.mu.Lock()
	b.st = s
	b.mu.Unlock()
}

func (b *Breaker) record(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err == nil {
		b.st, b.failures = closed, 0
		return
	}
	b.failures++
	if b.st == probing || b.failures >= b.threshold {
		b.st, b.openedAt = open, time.Now()
	}
}

// Call runs fn if the breaker permits it.
func (b *Breaker) Call(fn func() error) error {
	switch b.currentState() {
	case open, probing:
		return ErrOpen
	case halfOpen:
		b.setState(probing)
	}
	err := fn()
	b.record(err)
	return err
}
