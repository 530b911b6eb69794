package t08

// Fix: the open -> half-open transition is a CompareAndSwap. Any number of
// goroutines may observe that the cooldown has elapsed, but only the one
// whose CAS succeeds is admitted as the probe; the others see the CAS fail
// (state is already half-open) and are rejected.
//
// The winner then re-reads openedAt: if it changed since the cooldown check,
// a whole probe/re-open cycle happened in between (ABA on the state value),
// the elapsed-cooldown observation is stale, and the winner puts the state
// back to open and rejects itself. record writes openedAt before state, so a
// re-open that preceded the CAS is always visible here.

import (
	"context"
	"time"
)

// AllowFixed reports whether a call may proceed, admitting exactly one probe
// per cooldown expiry.
func (b *Breaker) AllowFixed() bool {
	switch b.state.Load() {
	case stateClosed:
		return true
	case stateOpen:
		opened := b.openedAt.Load()
		if b.now().Sub(time.Unix(0, opened)) < b.cooldown {
			return false
		}
		if !b.state.CompareAndSwap(stateOpen, stateHalfOpen) {
			return false // another goroutine is the probe
		}
		if b.openedAt.Load() != opened {
			b.state.Store(stateOpen) // stale check: breaker re-opened meanwhile
			return false
		}
		return true
	default:
		return false
	}
}

// DoFixed is Do using AllowFixed.
func (b *Breaker) DoFixed(ctx context.Context, fn func(context.Context) error) error {
	if !b.AllowFixed() {
		return ErrOpen
	}
	err := fn(ctx)
	b.record(err)
	return err
}
