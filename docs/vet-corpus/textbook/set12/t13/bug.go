// Package t13 is the circuit breaker that wraps calls from the order service
// to the inventory database.
//
// Concurrency: every request goroutine calls Breaker.Do. The breaker's state,
// generation, failure count and open timestamp are guarded by b.mu; the
// small accessors (snapshot, cooldownElapsed, setState) each take the lock,
// and record updates the counters under it after each call.
//
// BUG: when snapshot reports Open, Do checks that the cooldown has elapsed
// and then calls setState(HalfOpen) to let one trial request through. Every
// request that arrives in the instant after the cooldown ends observes Open
// + elapsed before any of them has switched the state, so all of them become
// "the" trial request (check -> act).
//
// HARM: instead of a single probe, the full request rate (thousands of
// queries) hits the database the moment the cooldown expires, while it is
// still recovering. It falls over again, the breaker reopens, and the cycle
// repeats every cooldown: the outage the breaker was meant to shorten is
// prolonged indefinitely.
package t13

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrOpen is returned while the breaker rejects calls.
var ErrOpen = errors.New("breaker: circuit open")

// State is the breaker state.
type State int

const (
	Closed State = iota
	Open
	HalfOpen
)

func (s State) String() string {
	switch s {
	case Closed:
		return "closed"
	case Open:
		return "open"
	default:
		return "half-open"
	}
}

// Options configures a Breaker.
type Options struct {
	FailureThreshold int
	Cooldown         time.Duration
	OnStateChange    func(from, to State)
}

// Breaker is a three-state circuit breaker. Every state change bumps gen,
// so outcomes of calls admitted under an earlier state are ignored.
type Breaker struct {
	opts Options

	mu       sync.Mutex
	state    State
	gen      uint64
	failures int
	openedAt time.Time
}

// New returns a closed breaker.
func New(opts Options) *Breaker {
	if opts.FailureThreshold <= 0 {
		opts.FailureThreshold = 5
	}
	if opts.Cooldown <= 0 {
		opts.Cooldown = 10 * time.Second
	}
	return &Breaker{opts: opts}
}

// State returns the current state.
func (b *Breaker) State() State {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.state
}

func (b *Breaker) snapshot() (State, uint64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.state, b.gen
}

func (b *Breaker) cooldownElapsed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return time.Since(b.openedAt) >= b.opts.Cooldown
}

// setStateLocked switches state and starts a new generation. b.mu must be held.
func (b *Breaker) setStateLocked(s State) {
	b.state = s
	b.gen++
	if s == Open {
		b.openedAt = time.Now()
	}
}

func (b *Breaker) setState(s State) uint64 {
	b.mu.Lock()
	from := b.state
	b.setStateLocked(s)
	gen := b.gen
	b.mu.Unlock()
	b.notify(from, s)
	return gen
}

func (b *Breaker) notify(from, to State) {
	if from != to && b.opts.OnStateChange != nil {
		b.opts.OnStateChange(from, to)
	}
}

// record updates the breaker with the outcome of a call admitted in gen.
func (b *Breaker) record(gen uint64, err error) {
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
func (b *Breaker) Do(ctx context.Context, fn func(context.Context) error) error {
	st, gen := b.snapshot()
	switch st {
	case Open:
		if !b.cooldownElapsed() {
			return ErrOpen
		}
		gen = b.setState(HalfOpen)
	case HalfOpen:
		return ErrOpen
	}
	err := fn(ctx)
	b.record(gen, err)
	return err
}
