package t18

import (
	"net/http"
	"sync/atomic"
	"time"
)

type window struct {
	start int64 // unix nanos
	count atomic.Int64
}

// LimiterFixed admits at most Limit events per Window. Safe for concurrent use.
type LimiterFixed struct {
	Limit  int64
	Window time.Duration
	Now    func() time.Time

	cur atomic.Pointer[window]
}

// Allow installs a fresh window with CompareAndSwap: only one goroutine
// replaces an expired window, and increments always land in the window
// object they were checked against, so no reset can erase them.
func (l *LimiterFixed) Allow() bool {
	now := l.Now().UnixNano()
	for {
		w := l.cur.Load()
		if w == nil || now-w.start >= int64(l.Window) {
			nw := &window{start: now}
			if !l.cur.CompareAndSwap(w, nw) {
				continue // someone else rolled the window; use theirs
			}
			w = nw
		}
		return w.count.Add(1) <= l.Limit
	}
}

// Middleware rejects requests over the limit with 429.
func (l *LimiterFixed) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !l.Allow() {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "rate limited", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}
