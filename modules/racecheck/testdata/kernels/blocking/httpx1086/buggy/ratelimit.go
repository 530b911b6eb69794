// Package httpx1086 reconstructs a goroutine leak in ProjectDiscovery's httpx:
// every run created a rate limiter whose refill goroutine lives until the
// limiter's context is cancelled, and the runner never stopped the limiter,
// so one goroutine per run stayed alive, woken by its ticker forever.
//
//   - Project: projectdiscovery/httpx (runner/runner.go) with projectdiscovery/ratelimit
//   - Bug report: https://github.com/projectdiscovery/httpx/issues/1086
//     (the limiter side: https://github.com/projectdiscovery/ratelimit/issues/19)
//   - Fix: https://github.com/projectdiscovery/httpx/pull/1236 (the runner stops the limiter when it is done)
//   - Shape: a worker goroutine bound to a context that is never cancelled.
//   - Manifests as: a goroutine still running (parked in a select with a live
//     ticker) after the test; the test passes. The goroutine is not blocked
//     forever, so only a check for goroutines alive after the test sees it.
package httpx1086

import (
	"context"
	"time"
)

// Limiter hands out at most max tokens per interval.
type Limiter struct {
	max    int
	ticker *time.Ticker
	tokens chan struct{}
	cancel context.CancelFunc
}

// NewLimiter starts a limiter; Stop must be called to release it.
func NewLimiter(ctx context.Context, max int, interval time.Duration) *Limiter {
	ctx, cancel := context.WithCancel(ctx)
	l := &Limiter{
		max:    max,
		ticker: time.NewTicker(interval),
		tokens: make(chan struct{}),
		cancel: cancel,
	}
	go l.run(ctx)
	return l
}

func (l *Limiter) run(ctx context.Context) {
	left := l.max
	for {
		if left == 0 {
			select {
			case <-l.ticker.C:
				left = l.max
			case <-ctx.Done():
				l.ticker.Stop()
				return
			}
		}
		select {
		case l.tokens <- struct{}{}:
			left--
		case <-l.ticker.C:
			left = l.max
		case <-ctx.Done():
			l.ticker.Stop()
			return
		}
	}
}

// Take blocks until a token is available.
func (l *Limiter) Take() { <-l.tokens }

// Stop releases the limiter's goroutine.
func (l *Limiter) Stop() { l.cancel() }

// Runner probes targets at a bounded rate.
type Runner struct {
	RatePerSecond int
}

// Run probes every target and returns what it found.
func (r *Runner) Run(targets []string) []string {
	limiter := NewLimiter(context.Background(), r.RatePerSecond, time.Second)
	var found []string
	for _, t := range targets {
		limiter.Take()
		found = append(found, "http://"+t)
	}
	return found
}
