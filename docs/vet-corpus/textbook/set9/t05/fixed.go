package t05

// Fix: make the check and the increment one atomic step with a
// CompareAndSwap loop. A request only counts itself if the counter it saw is
// still the current value and below the limit; otherwise it re-reads. The
// counter can never exceed the limit.

import "net/http"

// AllowFixed reports whether tenant may make one more call in this window.
func (l *Limiter) AllowFixed(tenant string) bool {
	c := l.counter(tenant)
	for {
		n := c.Load()
		if n >= l.limit {
			return false
		}
		if c.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// MiddlewareFixed is Middleware using AllowFixed.
func (l *Limiter) MiddlewareFixed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tenant := r.Header.Get("X-Tenant")
		if tenant == "" {
			http.Error(w, "missing tenant", http.StatusBadRequest)
			return
		}
		if !l.AllowFixed(tenant) {
			http.Error(w, "quota exceeded", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}
