package r11

import (
	"sync"
	"time"
)

// BreakerFixed decides and transitions in one critical section: admit()
// moves halfOpen -> probing for exactly one caller.
type BreakerFixed struct {
	threshold int
	cooldown  time.Duration

	mu       sync.Mutex
	st       state
	failures int
	openedAt time.Time
}

func NewBreakerFixed(threshold int, cooldown time.Duration) *BreakerFixed {
	return &BreakerFixed{threshold: threshold, cooldown: cooldown}
}

func (b *BreakerFixed) admit() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.st == open && time.Since(b.openedAt) >= b.cooldown {
		b.st = halfOpen
	}
	switch b.st {
	case open, probing:
		return false
	case halfOpen:
		b.st = probing
	}
	return true
}

func (b *BreakerFixed) record(err error) {
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

func (b *BreakerFixed) Call(fn func() error) error {
	if !b.admit() {
		return ErrOpen
	}
	err := fn()
	b.record(err)
	return err
}
