package s05

import "time"

// allowFixed decides and records admission in one critical section, so only
// one goroutine can move the breaker from Open to HalfOpen.
func (b *Breaker) allowFixed() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case Open:
		if time.Since(b.openedAt) < b.Cooldown {
			return ErrOpen
		}
		b.state = HalfOpen
	case HalfOpen:
		return ErrOpen
	}
	return nil
}

// CallFixed runs fn unless the breaker is open.
func (b *Breaker) CallFixed(fn func() error) error {
	if err := b.allowFixed(); err != nil {
		return err
	}
	err := fn()
	b.onResult(err)
	return err
}
