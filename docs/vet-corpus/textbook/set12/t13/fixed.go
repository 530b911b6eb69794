package t13

// Fixed version: BreakerFixed.allow decides whether a call may proceed and
// performs the Open -> HalfOpen transition inside one critical section.
// Exactly one caller wins the transition and becomes the probe; everybody
// else sees HalfOpen and is rejected until the probe reports back.

import (
	"context"
	"sync"
	"time"
)

// BreakerFixed is a three-state circuit breaker. Every state change bumps
// gen, so outcomes of calls admitted under an earlier state are ignored.
type BreakerFixed struct {
	opts Options

	mu       sync.Mutex
	state    State
	gen      uint64
	failures int
	openedAt time.Time
}

// NewFixed returns a closed breaker.
func NewFixed(opts Options) *BreakerFixed {
	if opts.FailureThreshold <= 0 {
		opts.FailureThreshold = 5
	}
	if opts.Cooldown <= 0 {
		opts.Cooldown = 10 * time.Second
	}
	return &BreakerFixed{opts: opts}
}

// State returns the current state.
func (b *BreakerFixed) State() State {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.state
}

func (b *BreakerFixed) setStateLocked(s State) {
	b.state = s
	b.gen++
	if s == Open {
		b.openedAt = time.Now()
	}
}

func (b *BreakerFixed) notify(from, to State) {
	if from != to && b.opts.OnStateChange != nil {
		b.opts.OnStateChange(from, to)
	}
}

// allow admits the caller or returns ErrOpen. When the breaker is Open and
// the cooldown has elapsed, exactly one caller switches it to HalfOpen and
// becomes the probe. It returns the generation the call is admitted under.
func (b *BreakerFixed) allow() (uint64, error) {
	b.mu.Lock()
	from := b.state
	switch b.state {
	case Open:
		if time.Since(b.openedAt) < b.opts.Cooldown {
			b.mu.Unlock()
			return 0, ErrOpen
		}
		b.setStateLocked(HalfOpen)
	case HalfOpen:
		b.mu.Unlock()
		return 0, ErrOpen
	}
	to, gen := b.state, b.gen
	b.mu.Unlock()
	b.notify(from, to)
	return gen, nil
}

func (b *BreakerFixed) record(gen uint64, err error) {
	b.mu.Lock()
	if gen != b.gen {
		b.mu.Unlock()
		return
	}
	from := b.state
	switch {
	case b.state == HalfOpen && err == nil:
		b.failures = 0
		b.setStateLocked(Closed)
	case b.state == HalfOpen:
		b.setStateLocked(Open)
	case err == nil:
		b.failures = 0
	default:
		b.failures++
		if b.failures >= b.opts.FailureThreshold {
			b.setStateLocked(Open)
		}
	}
	to := b.state
	b.mu.Unlock()
	b.notify(from, to)
}

// Do runs fn if the breaker allows it.
func (b *BreakerFixed) Do(ctx context.Context, fn func(context.Context) error) error {
	gen, err := b.allow()
	if err != nil {
		return err
	}
	err = fn(ctx)
	b.record(gen, err)
	return err
}
