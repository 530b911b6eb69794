package q01

import (
	"net/http"
	"sync"
	"time"
)

type bucketFixed struct {
	tokens   float64
	lastFill time.Time
}

// LimiterFixed is safe for concurrent use by multiple goroutines.
type LimiterFixed struct {
	mu      sync.Mutex
	buckets map[string]bucketFixed
	rate    float64
	burst   float64
}

func NewLimiterFixed(rate, burst float64) *LimiterFixed {
	return &LimiterFixed{buckets: make(map[string]bucketFixed), rate: rate, burst: burst}
}

// AllowFixed refills, checks and consumes a token in one critical section.
func (l *LimiterFixed) AllowFixed(client string) bool {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[client]
	if !ok {
		b = bucketFixed{tokens: l.burst, lastFill: now}
	}
	b.tokens += now.Sub(b.lastFill).Seconds() * l.rate
	if b.tokens > l.burst {
		b.tokens = l.burst
	}
	b.lastFill = now
	allowed := b.tokens >= 1
	if allowed {
		b.tokens--
	}
	l.buckets[client] = b
	return allowed
}

func (l *LimiterFixed) MiddlewareFixed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !l.AllowFixed(r.RemoteAddr) {
			http.Error(w, "rate limited", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}
