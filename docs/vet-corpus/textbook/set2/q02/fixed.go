package q02

import (
	"errors"
	"sync/atomic"
	"time"
)

var ErrOpenFixed = errors.New("circuit open")

// BreakerFixed is shared by all request goroutines of a client.
type BreakerFixed struct {
	state     atomic.Int32
	failures  atomic.Int32
	openedAt  atomic.Int64
	probing   atomic.Bool
	threshold int32
	cooldown  time.Duration
}

func NewBreakerFixed(threshold int32, cooldown time.Duration) *BreakerFixed {
	return &BreakerFixed{threshold: threshold, cooldown: cooldown}
}

func (b *BreakerFixed) cooledDownFixed() bool {
	return time.Since(time.Unix(0, b.openedAt.Load())) >= b.cooldown
}

// CallFixed admits exactly one probe: the claim is a single CompareAndSwap.
func (b *BreakerFixed) CallFixed(fn func() error) error {
	if b.state.Load() == stateOpen {
		if !b.cooledDownFixed() {
			return ErrOpenFixed
		}
		if !b.probing.CompareAndSwap(false, true) {
			return ErrOpenFixed
		}
		defer b.probing.Store(false)
		return b.recordFixed(fn())
	}
	return b.recordFixed(fn())
}

func (b *BreakerFixed) recordFixed(err error) error {
	if err == nil {
		b.failures.Store(0)
		b.state.Store(stateClosed)
		return nil
	}
	if b.failures.Add(1) >= b.threshold {
		b.openedAt.Store(time.Now().UnixNano())
		b.state.Store(stateOpen)
	}
	return err
}
