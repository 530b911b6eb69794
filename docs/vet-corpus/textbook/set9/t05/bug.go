// Package t05 is a per-tenant fixed-window quota limiter placed in front of
// an expensive third-party API that bills the service per call. Each tenant
// has paid for at most `limit` calls per window.
//
// Concurrency: Middleware runs Allow on every request's handler goroutine;
// many requests of the same tenant arrive concurrently (batch importers fan
// out dozens of parallel requests). A single ResetLoop goroutine zeroes all
// counters at each window boundary.
//
// BUG: Allow Loads the tenant's atomic counter, compares it with the limit,
// and then Adds 1. Load and Add are separate atomic operations: N concurrent
// requests can all Load limit-1 and all Add 1.
//
// HARM: tenants exceed their paid quota by up to the number of concurrent
// requests per window. The service pays the upstream for calls it cannot
// bill, and a burst can push the service's own upstream key over its hard
// limit, getting every tenant throttled.
package t05

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Limiter counts calls per tenant in the current window.
type Limiter struct {
	limit    int64
	mu       sync.RWMutex
	counters map[string]*atomic.Int64
}

// NewLimiter returns a limiter allowing limit calls per tenant per window.
func NewLimiter(limit int64) *Limiter {
	return &Limiter{limit: limit, counters: make(map[string]*atomic.Int64)}
}

// counter returns the tenant's counter, creating it if needed.
func (l *Limiter) counter(tenant string) *atomic.Int64 {
	l.mu.RLock()
	c, ok := l.counters[tenant]
	l.mu.RUnlock()
	if ok {
		return c
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if c, ok = l.counters[tenant]; !ok {
		c = new(atomic.Int64)
		l.counters[tenant] = c
	}
	return c
}

// Allow reports whether tenant may make one more call in this window.
func (l *Limiter) Allow(tenant string) bool {
	c := l.counter(tenant)
	if c.Load() >= l.limit { // check
		return false
	}
	c.Add(1) // act: other requests passed the same check
	return true
}

// ResetLoop zeroes all counters every window until ctx is done.
func (l *Limiter) ResetLoop(ctx context.Context, window time.Duration) {
	t := time.NewTicker(window)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			l.mu.RLock()
			for _, c := range l.counters {
				c.Store(0)
			}
			l.mu.RUnlock()
		}
	}
}

// Middleware rejects requests over the tenant's quota with 429.
func (l *Limiter) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tenant := r.Header.Get("X-Tenant")
		if tenant == "" {
			http.Error(w, "missing tenant", http.StatusBadRequest)
			return
		}
		if !l.Allow(tenant) {
			http.Error(w, "quota exceeded", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}
