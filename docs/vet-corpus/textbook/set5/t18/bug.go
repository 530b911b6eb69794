// Package t18 is a fixed-window rate limiter used as HTTP middleware in
// front of a third-party geocoding API whose contract allows at most Limit
// calls per Window (exceeding it gets the account throttled and billed for
// overage). To stay off the hot path's locks, the window start and the
// counter are atomic.Int64s. The middleware wraps a handler, so Allow is
// called concurrently from every request goroutine.
//
// BUG (check-then-act on atomic.Int64 window reset, time-based): the check is
// now - l.windowStart.Load() >= Window ("has the window rolled over?"), the
// act is l.windowStart.Store(now); l.count.Store(0). At every window boundary
// a burst of goroutines sees the old window; each resets the counter, wiping
// out increments made by goroutines that already started counting in the new
// window. More than Limit calls are admitted per window, so the upstream quota
// is exceeded (throttling and overage charges), despite every individual
// field access being atomic.
package t18

import (
	"net/http"
	"sync/atomic"
	"time"
)

// Limiter admits at most Limit events per Window. Safe for concurrent use.
type Limiter struct {
	Limit  int64
	Window time.Duration
	Now    func() time.Time

	windowStart atomic.Int64 // unix nanos
	count       atomic.Int64
}

// Allow reports whether one more event fits into the current window.
func (l *Limiter) Allow() bool {
	now := l.Now().UnixNano()
	if now-l.windowStart.Load() >= int64(l.Window) {
		l.windowStart.Store(now)
		l.count.Store(0)
	}
	return l.count.Add(1) <= l.Limit
}

// Middleware rejects requests over the limit with 429.
func (l *Limiter) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !l.Allow() {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "rate limited", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}
