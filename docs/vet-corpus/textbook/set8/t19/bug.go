// Package t19 [hard] implements the circuit breaker in front of the
// inventory service used by a storefront. When the breaker is open, calls
// fail fast; after Cooldown it becomes half-open and must let exactly ONE
// probe request through: if the probe succeeds the breaker closes, if it
// fails it re-opens. The inventory service takes minutes to warm its caches
// after a restart and falls over again if it gets full traffic too early.
//
// The Client does not call the breaker directly: at construction it
// captures the breaker's methods as method values in function-typed fields
// (permit, claimProbe, record) so that tests and other transports can swap
// policies.
//
// Concurrency: Client.Do is called from every storefront request goroutine
// (hundreds per second).
//
// BUG: in the half-open state, permit checks that no probe is in flight
// (CHECK: probing.Load() == false) and reports "you are the probe"; the
// Client then calls claimProbe, which sets probing = true (ACT). Every
// request goroutine arriving between the check and the store also becomes
// "the probe". The check and the act are in different breaker methods,
// reached through different function fields of the Client.
//
// HARM: instead of one probe, a burst of full traffic hits the still-warming
// inventory service, knocking it over again; the breaker re-opens, and the
// outage is prolonged indefinitely (breaker flapping).
package t19

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

var ErrOpen = errors.New("circuit open")

const (
	closed int32 = iota
	open
	halfOpen
)

// Breaker tracks failures of one dependency.
type Breaker struct {
	Threshold int32
	Cooldown  time.Duration

	state    atomic.Int32
	failures atomic.Int32
	openedAt atomic.Int64 // unix nanos
	probing  atomic.Bool
}

// permit reports whether a call may proceed and whether it is a probe.
func (b *Breaker) permit() (ok, probe bool) {
	switch b.state.Load() {
	case closed:
		return true, false
	case open:
		if time.Since(time.Unix(0, b.openedAt.Load())) < b.Cooldown {
			return false, false
		}
		b.state.CompareAndSwap(open, halfOpen)
	}
	if b.probing.Load() { // CHECK: probe already in flight?
		return false, false
	}
	return true, true
}

// claimProbe marks the probe as in flight.
func (b *Breaker) claimProbe() { b.probing.Store(true) } // ACT

// record feeds the outcome of a call back into the breaker.
func (b *Breaker) record(probe bool, err error) {
	if probe {
		if err == nil {
			b.failures.Store(0)
			b.state.Store(closed)
		} else {
			b.openedAt.Store(time.Now().UnixNano())
			b.state.Store(open)
		}
		b.probing.Store(false)
		return
	}
	if err != nil && b.failures.Add(1) >= b.Threshold {
		if b.state.CompareAndSwap(closed, open) {
			b.openedAt.Store(time.Now().UnixNano())
		}
	}
}

// Client wraps calls to the inventory service.
type Client struct {
	permit     func() (ok, probe bool)
	claimProbe func()
	record     func(probe bool, err error)
	call       func(ctx context.Context, sku string) (int, error)
}

func NewClient(b *Breaker, call func(context.Context, string) (int, error)) *Client {
	return &Client{permit: b.permit, claimProbe: b.claimProbe, record: b.record, call: call}
}

// Stock returns the stock level of sku, respecting the breaker.
func (c *Client) Stock(ctx context.Context, sku string) (int, error) {
	ok, probe := c.permit()
	if !ok {
		return 0, ErrOpen
	}
	if probe {
		c.claimProbe()
	}
	n, err := c.call(ctx, sku)
	c.record(probe, err)
	return n, err
}
