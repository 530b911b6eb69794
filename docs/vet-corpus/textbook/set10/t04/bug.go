// Package t04 implements a client-side retry budget in the style of the
// Finagle / gRPC retry throttling policy: every original request deposits a
// fraction of a token, every retry withdraws a whole token, so retries can
// never exceed roughly ratio*requests and a failing backend is not hammered
// by a retry storm.
//
// Concurrency: one RetryBudget is shared by the whole client and Do is called
// concurrently from every request goroutine. The balance is an atomic.Int64
// holding milli-tokens.
//
// BUG: withdraw checks the balance with tokens.Load() >= cost and then, as a
// separate step, subtracts with tokens.Add(-cost). When a backend starts
// failing, hundreds of goroutines fail at the same instant; all of them
// observe the same positive balance before any of them subtracts.
//
// HARM: the budget is overdrawn by up to (concurrency-1) tokens: instead of
// ~10% extra load, a failing backend receives close to 2x its traffic in
// retries exactly when it is overloaded, turning a brownout into an outage.
// The balance then sits far below zero, so once the backend recovers retries
// stay disabled for a long time and transient errors leak to users.
package t04

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

const milli = 1000

// ErrBudgetExhausted wraps the last error when a retry was refused.
var ErrBudgetExhausted = errors.New("retry budget exhausted")

// RetryBudget is a token bucket funded by successful traffic.
type RetryBudget struct {
	tokens  atomic.Int64 // milli-tokens
	max     int64        // milli-tokens
	deposit int64        // milli-tokens credited per original request
	cost    int64        // milli-tokens debited per retry
}

// NewRetryBudget allows retries up to ratio of original requests, with a
// reserve of maxTokens retries.
func NewRetryBudget(ratio float64, maxTokens int64) *RetryBudget {
	b := &RetryBudget{
		max:     maxTokens * milli,
		deposit: int64(ratio * milli),
		cost:    milli,
	}
	b.tokens.Store(b.max)
	return b
}

// credit adds one request's worth of tokens, capped at max.
func (b *RetryBudget) credit() {
	for {
		cur := b.tokens.Load()
		next := min(cur+b.deposit, b.max)
		if cur == next || b.tokens.CompareAndSwap(cur, next) {
			return
		}
	}
}

// withdraw takes one retry token if the budget allows it.
func (b *RetryBudget) withdraw() bool {
	if b.tokens.Load() < b.cost {
		return false
	}
	b.tokens.Add(-b.cost)
	return true
}

// Balance reports the number of whole retries currently available.
func (b *RetryBudget) Balance() int64 { return b.tokens.Load() / milli }

// Do runs fn, retrying retryable failures while the budget allows.
func (b *RetryBudget) Do(ctx context.Context, attempts int, retryable func(error) bool, fn func(context.Context) error) error {
	b.credit()
	backoff := 25 * time.Millisecond
	var err error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			if !b.withdraw() {
				return errors.Join(ErrBudgetExhausted, err)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(backoff):
			}
			backoff *= 2
		}
		if err = fn(ctx); err == nil || !retryable(err) {
			return err
		}
	}
	return err
}
