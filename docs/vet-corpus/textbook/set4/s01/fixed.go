package s01

import (
	"net/http"
	"sync"
)

// LimiterFixed is Limiter with an atomic get-or-create: LoadOrStore makes
// the miss check and the insertion one operation, so all concurrent first
// requests of a client end up sharing the single bucket that won.
type LimiterFixed struct {
	Rate  float64
	Burst float64

	buckets sync.Map // client IP -> *bucket
}

func (l *LimiterFixed) limiterFor(client string) *bucket {
	// Fast path avoids allocating a bucket for known clients.
	if v, ok := l.buckets.Load(client); ok {
		return v.(*bucket)
	}
	v, _ := l.buckets.LoadOrStore(client, newBucket(l.Rate, l.Burst))
	return v.(*bucket)
}

// Middleware rejects requests that exceed the client's rate.
func (l *LimiterFixed) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !l.limiterFor(clientIP(r)).allow() {
			http.Error(w, "rate limit exceeded", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}
