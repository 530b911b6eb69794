package t04

// Fix: the balance check and the debit are a single compare-and-swap. A
// goroutine only debits the exact balance it checked; if another goroutine
// changed the balance in between, the CAS fails and the check is repeated
// against the new value, so the balance can never go below zero.

import (
	"context"
	"errors"
	"time"
)

// withdrawFixed takes one retry token if, atomically, enough are available.
func (b *RetryBudget) withdrawFixed() bool {
	for {
		cur := b.tokens.Load()
		if cur < b.cost {
			return false
		}
		if b.tokens.CompareAndSwap(cur, cur-b.cost) {
			return true
		}
	}
}

// DoFixed is Do using withdrawFixed.
func (b *RetryBudget) DoFixed(ctx context.Context, attempts int, retryable func(error) bool, fn func(context.Context) error) error {
	b.credit()
	backoff := 25 * time.Millisecond
	var err error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			if !b.withdrawFixed() {
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
