// Package r02 is a per-client fixed-window rate limiter used as HTTP
// middleware in front of a public API.
//
// BUG (check-then-act on a map guarded by a Mutex): Limiter.Allow reads the
// client's request count for the current window under l.mu, releases the
// lock, compares the count with the limit, and then re-acquires the lock to
// increment the count. Middleware runs on one goroutine per request, so a
// burst of N concurrent requests from the same API key can all read
// count == limit-1 before any of them increments it. All N are admitted: the
// per-client limit is exceeded by up to the number of concurrent requests,
// which is precisely the burst the limiter is meant to stop.
package r02

import (
	"net/http"
	"sync"
	"time"
)

type window struct {
	start time.Time
	count int
}

// Limiter is safe for concurrent use by multiple goroutines.
type Limiter struct {
	limit  int
	period time.Duration
	now    func() time.Time

	mu      sync.Mutex
	windows map[string]*window
}

func NewLimiter(limit int, period time.Duration) *Limiter {
	return &Limiter{limit: limit, period: period, now: time.Now, windows: make(map[string]*window)}
}

// Allow reports whether one more request from client fits in its window,
// and if so accounts for it.
func (l *Limiter) Allow(client string) bool {
	now := l.now()

	l.mu.Lock()
	w := l.windows[client]
	if w == nil || now.Sub(w.start) >= l.period {
		w = &window{start: now}
		l.windows[client] = w
	}
	used := w.count
	l.mu.Unlock()

	if used >= l.limit {
		return false
	}

	l.mu.Lock()
	w.count++
	l.mu.Unlock()
	return true
}

// Middleware rejects requests that exceed the caller's limit.
func (l *Limiter) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !l.Allow(r.Header.Get("X-API-Key")) {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "rate limit exceeded", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}
