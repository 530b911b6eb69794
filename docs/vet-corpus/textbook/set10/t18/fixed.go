package t18

// Fix: each gate becomes a single closure, tryAdmit, that checks and commits
// under one hold of b.mu. For the open state the transition to half-open is
// made by the same critical section that observed "open, cooldown elapsed",
// so exactly one goroutine wins the trial slot; every other goroutine then
// sees half-open and is rejected. ExecuteFixed also re-reads the state under
// that lock instead of trusting the earlier b.current() snapshot.

import "context"

// tryAdmit atomically decides whether a call may pass and records it. It
// returns the state the call was admitted in.
func (b *Breaker) tryAdmit() (State, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case StateClosed:
		return StateClosed, true
	case StateOpen:
		if b.now().Sub(b.openedAt) >= b.cooldown {
			b.state = StateHalfOpen // this caller is the single trial request
			return StateOpen, true
		}
	}
	return b.state, false
}

// ExecuteFixed runs fn if the breaker admits it and records the outcome.
func (b *Breaker) ExecuteFixed(ctx context.Context, fn func(context.Context) error) error {
	from, ok := b.tryAdmit()
	if !ok {
		return ErrOpen
	}
	err := fn(ctx)
	b.record(from, err)
	return err
}
