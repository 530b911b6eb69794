// Fix: limiterForFixed inserts with LoadOrStore, so "is there a bucket?" and
// "install mine" are one atomic step; every racing first request ends up using
// the single bucket that won. (The fast-path Load only avoids allocating.)

package t01

import (
	"net/http"
	"sync"
)

// LimiterFixed hands out one token bucket per API key.
type LimiterFixed struct {
	buckets sync.Map // API key -> *tokenBucket
	burst   float64
	perSec  float64
}

// NewLimiterFixed returns a limiter allowing burst requests at once and
// perSec requests per second in steady state, per API key.
func NewLimiterFixed(burst, perSec float64) *LimiterFixed {
	return &LimiterFixed{burst: burst, perSec: perSec}
}

func (m *LimiterFixed) limiterForFixed(key string) *tokenBucket {
	if v, ok := m.buckets.Load(key); ok {
		return v.(*tokenBucket)
	}
	v, _ := m.buckets.LoadOrStore(key, newTokenBucket(m.burst, m.perSec))
	return v.(*tokenBucket)
}

// Allow reports whether the caller identified by key may make a request now.
func (m *LimiterFixed) Allow(key string) bool { return m.limiterForFixed(key).take() }

// Middleware rejects requests above the caller's rate with 429.
func (m *LimiterFixed) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("X-API-Key")
		if key == "" {
			http.Error(w, "missing API key", http.StatusUnauthorized)
			return
		}
		if !m.Allow(key) {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "rate limit exceeded", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}
