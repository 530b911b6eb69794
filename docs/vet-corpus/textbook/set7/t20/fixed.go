// Fix: the open -> half-open transition is a single CompareAndSwap on the
// embedded state word, so among all callers that see an expired cooldown
// exactly one wins the swap and becomes the probe; the rest fail fast.

package t20

import "time"

func (b *Breaker) admitFixed() (probe bool, err error) {
	for {
		switch b.current() {
		case stateClosed:
			return false, nil
		case stateHalfOpen:
			return false, ErrOpen
		}
		if time.Since(b.openedTime()) < b.Cooldown {
			return false, ErrOpen
		}
		if b.st.CompareAndSwap(int32(stateOpen), int32(stateHalfOpen)) {
			return true, nil
		}
		// The state moved on (another caller became the probe, or the
		// breaker closed or re-opened); decide again on the new state.
	}
}

// DoFixed runs fn if the breaker admits it and records the outcome.
func (b *Breaker) DoFixed(fn func() error) error {
	probe, err := b.admitFixed()
	if err != nil {
		return err
	}
	err = fn()
	b.record(probe, err)
	return err
}
