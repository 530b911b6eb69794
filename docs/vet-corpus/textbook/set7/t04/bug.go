// Package t04 wraps the outbound HTTP client the checkout service uses to call
// the payment provider. Idempotent calls that fail with a network error or a
// 5xx are retried, but retries draw from a shared per-second retry budget so
// that a provider outage does not turn into a retry storm.
//
// Concurrency: Client.Do runs in hundreds of request goroutines at once; the
// budget is refilled by a ticker goroutine started in NewRetryBudget.
//
// BUG (bounded atomic counter): RetryBudget.TryTake checks
// b.tokens.Load() <= 0 and, when tokens remain, acts with b.tokens.Add(-1).
// When the provider starts failing, many goroutines read the same last few
// tokens before any of them decrements, so all of them retry and the budget
// is overdrawn by up to the number of concurrent requests.
//
// Harm: the cap that is supposed to protect the provider does not hold at the
// moment it is needed; a partial provider outage is amplified into a retry
// storm that keeps it down longer and slows every checkout.
package t04

import (
	"io"
	"net/http"
	"sync/atomic"
	"time"
)

// RetryBudget allows at most perSecond retries in each one-second window.
type RetryBudget struct {
	tokens atomic.Int64
	max    int64
}

// NewRetryBudget starts the refill ticker; it stops when stop is closed.
func NewRetryBudget(perSecond int64, stop <-chan struct{}) *RetryBudget {
	b := &RetryBudget{max: perSecond}
	b.tokens.Store(perSecond)
	go b.refillLoop(stop)
	return b
}

func (b *RetryBudget) refillLoop(stop <-chan struct{}) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			b.tokens.Store(b.max) // new window
		case <-stop:
			return
		}
	}
}

// TryTake consumes one retry token and reports whether one was available.
func (b *RetryBudget) TryTake() bool {
	if b.tokens.Load() <= 0 {
		return false
	}
	b.tokens.Add(-1)
	return true
}

// Client retries idempotent requests within the shared budget.
type Client struct {
	HTTP        *http.Client
	Budget      *RetryBudget
	MaxAttempts int
	Backoff     time.Duration
}

func retryable(resp *http.Response, err error) bool {
	return err != nil || resp.StatusCode >= 500
}

// Do sends req (which must have no body or a GetBody func) with retries.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	for attempt := 1; ; attempt++ {
		r := req.Clone(req.Context())
		if req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r.Body = body
		}
		resp, err := c.HTTP.Do(r)
		if !retryable(resp, err) || attempt >= c.MaxAttempts || !c.Budget.TryTake() {
			return resp, err
		}
		if resp != nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		select {
		case <-time.After(c.Backoff * time.Duration(attempt)):
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
	}
}
