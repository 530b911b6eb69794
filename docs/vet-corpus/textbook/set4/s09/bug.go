// Package s09 retries outbound HTTP calls under a shared retry budget. [hard]
//
// BUG (check and act passed as func values into a generic helper): the
// Client wires Budget.Available into RetryPolicy.CanRetry and Budget.Spend
// into RetryPolicy.OnRetry. Do calls CanRetry (load tokens > 0) and then,
// separately, OnRetry (add -1). Fetch is called from every request goroutine
// of the service; when the downstream starts failing, hundreds of goroutines
// see the last token as available before any of them spends it, so all of
// them retry and the counter goes far below zero. The budget that should cap
// retries at a small fraction of traffic lets a full retry storm through,
// amplifying the outage, and then stays negative long after recovery.
package s09

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"
)

// Budget is a token bucket of retries, shared by all goroutines.
type Budget struct {
	tokens atomic.Int32
	max    int32
}

func NewBudget(max int32) *Budget {
	b := &Budget{max: max}
	b.tokens.Store(max)
	return b
}

func (b *Budget) Available() bool { return b.tokens.Load() > 0 }
func (b *Budget) Spend()          { b.tokens.Add(-1) }

// Refill adds n tokens (up to max) every interval until ctx ends.
func (b *Budget) Refill(ctx context.Context, n int32, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			for {
				cur := b.tokens.Load()
				if cur >= b.max || b.tokens.CompareAndSwap(cur, min(cur+n, b.max)) {
					break
				}
			}
		}
	}
}

type RetryPolicy struct {
	Attempts int
	Backoff  time.Duration
	CanRetry func() bool // consulted before each retry; nil means always
	OnRetry  func()      // called when a retry is taken
}

// Do calls op until it succeeds, attempts run out, or the policy refuses.
func Do[T any](ctx context.Context, p RetryPolicy, op func(context.Context) (T, error)) (T, error) {
	var zero T
	for attempt := 1; ; attempt++ {
		v, err := op(ctx)
		if err == nil || attempt >= p.Attempts {
			return v, err
		}
		if p.CanRetry != nil && !p.CanRetry() {
			return zero, fmt.Errorf("retry budget exhausted: %w", err)
		}
		if p.OnRetry != nil {
			p.OnRetry()
		}
		select {
		case <-ctx.Done():
			return zero, ctx.Err()
		case <-time.After(p.Backoff * time.Duration(attempt)):
		}
	}
}

type Client struct {
	HTTP   *http.Client
	budget *Budget
}

func (c *Client) Fetch(ctx context.Context, url string) ([]byte, error) {
	policy := RetryPolicy{Attempts: 3, Backoff: 50 * time.Millisecond,
		CanRetry: c.budget.Available, OnRetry: c.budget.Spend}
	return Do(ctx, policy, func(ctx context.Context) ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return nil, err
		}
		resp, err := c.HTTP.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode >= 500 {
			return nil, fmt.Errorf("upstream status %d", resp.StatusCode)
		}
		return io.ReadAll(resp.Body)
	})
}
