package t19

// FIX: becoming the probe is a single atomic step: permitFixed claims the
// probe slot with probing.CompareAndSwap(false, true). Exactly one caller
// wins the CAS in the half-open state; all others fail fast with ErrOpen.
// The Client no longer has a separate claimProbe step that could be
// separated from the check.

import (
	"context"
	"time"
)

// permitFixed reports whether a call may proceed and whether it is the probe.
func (b *Breaker) permitFixed() (ok, probe bool) {
	switch b.state.Load() {
	case closed:
		return true, false
	case open:
		if time.Since(time.Unix(0, b.openedAt.Load())) < b.Cooldown {
			return false, false
		}
		b.state.CompareAndSwap(open, halfOpen)
	}
	if !b.probing.CompareAndSwap(false, true) { // check and claim at once
		return false, false
	}
	return true, true
}

// ClientFixed wraps calls to the inventory service.
type ClientFixed struct {
	permit func() (ok, probe bool)
	record func(probe bool, err error)
	call   func(ctx context.Context, sku string) (int, error)
}

func NewClientFixed(b *Breaker, call func(context.Context, string) (int, error)) *ClientFixed {
	return &ClientFixed{permit: b.permitFixed, record: b.record, call: call}
}

// StockFixed returns the stock level of sku, respecting the breaker.
func (c *ClientFixed) StockFixed(ctx context.Context, sku string) (int, error) {
	ok, probe := c.permit()
	if !ok {
		return 0, ErrOpen
	}
	n, err := c.call(ctx, sku)
	c.record(probe, err)
	return n, err
}
