package r02

import (
	"net/http"
	"sync"
	"time"
)

// LimiterFixed decides and accounts in a single critical section.
type LimiterFixed struct {
	limit  int
	period time.Duration
	now    func() time.Time

	mu      sync.Mutex
	windows map[string]*window
}

func NewLimiterFixed(limit int, period time.Duration) *LimiterFixed {
	return &LimiterFixed{limit: limit, period: period, now: time.Now, windows: make(map[string]*window)}
}

func (l *LimiterFixed) Allow(client string) bool {
	now := l.now()

	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.windows[client]
	if w == nil || now.Sub(w.start) >= l.period {
		w = &window{start: now}
		l.windows[client] = w
	}
	if w.count >= l.limit {
		return false
	}
	w.count++
	return true
}

func (l *LimiterFixed) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !l.Allow(r.Header.Get("X-API-Key")) {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "rate limit exceeded", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}
