// Package s05 is a circuit breaker wrapped around calls to a flaky backend.
//
// BUG (getter-then-setter check-then-act): Call reads the breaker state with
// State() and OpenedAt(), decides that the cooldown has elapsed and that it
// is therefore the one request allowed through as a half-open probe, and
// only then calls SetState(HalfOpen). Each accessor locks, but the decision
// spans three critical sections. Call runs on every request goroutine, so
// when the cooldown expires under load, hundreds of goroutines observe
// Open+expired before any of them sets HalfOpen, and all of them "probe" the
// backend that is just recovering: the thundering herd the breaker exists to
// prevent, usually knocking the backend over again.
package s05

import (
	"errors"
	"sync"
	"time"
)

var ErrOpen = errors.New("breaker: open")

type State int

const (
	Closed State = iota
	Open
	HalfOpen
)

// Breaker is safe for concurrent use.
type Breaker struct {
	Threshold int
	Cooldown  time.Duration

	mu       sync.Mutex
	state    State
	failures int
	openedAt time.Time
}

func (b *Breaker) State() State {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.state
}

func (b *Breaker) OpenedAt() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.openedAt
}

func (b *Breaker) SetState(s State) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.state = s
}

func (b *Breaker) onResult(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case err == nil:
		if b.state == HalfOpen {
			b.state = Closed
		}
		b.failures = 0
	case b.state == HalfOpen:
		b.state, b.openedAt = Open, time.Now()
	case b.state == Closed:
		b.failures++
		if b.failures >= b.Threshold {
			b.state, b.openedAt = Open, time.Now()
		}
	}
}

// Call runs fn unless the breaker is open.
func (b *Breaker) Call(fn func() error) error {
	switch b.State() {
	case Open:
		if time.Since(b.OpenedAt()) < b.Cooldown {
			return ErrOpen
		}
		// Cooldown elapsed: let this one request through as the probe.
		b.SetState(HalfOpen)
	case HalfOpen:
		return ErrOpen // a probe is already in flight
	}
	err := fn()
	b.onResult(err)
	return err
}
