package s09

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// TryAcquire takes one token if one is left; check and decrement are one CAS.
func (b *Budget) TryAcquire() bool {
	for {
		cur := b.tokens.Load()
		if cur <= 0 {
			return false
		}
		if b.tokens.CompareAndSwap(cur, cur-1) {
			return true
		}
	}
}

type ClientFixed struct {
	HTTP   *http.Client
	budget *Budget
}

// FetchFixed uses TryAcquire as the policy's admission check: it both decides
// and consumes, and no separate OnRetry is needed.
func (c *ClientFixed) FetchFixed(ctx context.Context, url string) ([]byte, error) {
	policy := RetryPolicy{Attempts: 3, Backoff: 50 * time.Millisecond,
		CanRetry: c.budget.TryAcquire}
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
