// Package s01 implements per-client rate limiting as HTTP middleware.
//
// BUG (check-then-act on a sync.Map): limiterFor checks whether the client
// already has a token bucket with buckets.Load and, on a miss, builds a new
// bucket and calls buckets.Store. net/http serves every request on its own
// goroutine, so two (or fifty) simultaneous first requests from the same IP
// all miss in Load, each creates a full bucket and each Store overwrites the
// previous one. Every racing request draws from its own fresh bucket, so a
// burst of N concurrent requests gets N*Burst tokens, and the tokens spent
// from the overwritten buckets are forgotten. The limiter is bypassed exactly
// when a client floods the service.
package s01

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// bucket is a token bucket. Its methods are safe for concurrent use.
type bucket struct {
	mu     sync.Mutex
	tokens float64
	burst  float64
	rate   float64 // tokens per second
	last   time.Time
}

func newBucket(rate, burst float64) *bucket {
	return &bucket{tokens: burst, burst: burst, rate: rate, last: time.Now()}
}

func (b *bucket) allow() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	b.tokens += now.Sub(b.last).Seconds() * b.rate
	if b.tokens > b.burst {
		b.tokens = b.burst
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// Limiter limits requests per client IP. It is shared by all request
// goroutines of an http.Server.
type Limiter struct {
	Rate  float64 // requests per second
	Burst float64

	buckets sync.Map // client IP -> *bucket
}

func (l *Limiter) limiterFor(client string) *bucket {
	if v, ok := l.buckets.Load(client); ok {
		return v.(*bucket)
	}
	b := newBucket(l.Rate, l.Burst)
	l.buckets.Store(client, b)
	return b
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Middleware rejects requests that exceed the client's rate.
func (l *Limiter) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !l.limiterFor(clientIP(r)).allow() {
			http.Error(w, "rate limit exceeded", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}
