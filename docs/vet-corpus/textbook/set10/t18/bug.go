// Package t18 is a circuit breaker wrapped around calls to a downstream
// inventory service (gobreaker / Hystrix style): after Threshold consecutive
// failures the breaker opens and rejects calls; after Cooldown it lets
// exactly one trial request through (half-open) and closes or re-opens
// depending on that request's outcome.
//
// [hard]
//
// Concurrency: Execute is called from every request goroutine of the API
// server, hundreds at a time. All breaker state is guarded by b.mu. The
// per-state admission policy is expressed as a table of gates built by
// NewBreaker: each gate is a pair of closures, check (may this call pass?)
// and commit (record that it passed), and each closure takes b.mu itself.
//
// BUG: Execute runs g.check() and then g.commit() as two separate critical
// sections. For the open state, check reports "cooldown elapsed" and commit
// moves the breaker to half-open. When the cooldown expires under load, many
// goroutines run the open gate's check before any of them commits; they all
// see "open, cooldown elapsed", all commit, and all are admitted as "the"
// trial request.
//
// HARM: the single-probe guarantee of half-open is broken: the full request
// rate hits a downstream that is still recovering (typically from overload)
// the instant the cooldown ends, knocking it over again. The breaker re-opens,
// and the cycle repeats every Cooldown, so the downstream never recovers.
package t18

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrOpen is returned when the breaker rejects a call.
var ErrOpen = errors.New("breaker: circuit open")

// State is the breaker state.
type State int

const (
	StateClosed State = iota
	StateOpen
	StateHalfOpen
)

type gate struct {
	check  func() bool // may this call pass?
	commit func()      // record that it passed
}

// Breaker protects a downstream dependency.
type Breaker struct {
	threshold int
	cooldown  time.Duration
	now       func() time.Time

	mu       sync.Mutex
	state    State
	failures int
	openedAt time.Time

	gates map[State]gate
}

// NewBreaker returns a closed breaker.
func NewBreaker(threshold int, cooldown time.Duration) *Breaker {
	b := &Breaker{threshold: threshold, cooldown: cooldown, now: time.Now}
	locked := func(f func() bool) func() bool {
		return func() bool { b.mu.Lock(); defer b.mu.Unlock(); return f() }
	}
	b.gates = map[State]gate{
		StateClosed: {check: locked(func() bool { return b.state == StateClosed }), commit: func() {}},
		StateOpen: {
			check:  locked(func() bool { return b.state == StateOpen && b.now().Sub(b.openedAt) >= b.cooldown }),
			commit: func() { locked(func() bool { b.state = StateHalfOpen; return true })() },
		},
		StateHalfOpen: {check: func() bool { return false }, commit: func() {}},
	}
	return b
}

func (b *Breaker) current() State {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.state
}

// Execute runs fn if the breaker admits it and records the outcome.
func (b *Breaker) Execute(ctx context.Context, fn func(context.Context) error) error {
	from := b.current()
	g := b.gates[from]
	if !g.check() {
		return ErrOpen
	}
	g.commit()
	err := fn(ctx)
	b.record(from, err)
	return err
}

// record applies the outcome of a call admitted in state from.
func (b *Breaker) record(from State, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case from == StateClosed && b.state == StateClosed:
		if err == nil {
			b.failures = 0
		} else if b.failures++; b.failures >= b.threshold {
			b.state, b.openedAt = StateOpen, b.now()
		}
	case from == StateOpen && b.state == StateHalfOpen: // trial request
		if err == nil {
			b.state, b.failures = StateClosed, 0
		} else {
			b.state, b.openedAt = StateOpen, b.now()
		}
	}
}
