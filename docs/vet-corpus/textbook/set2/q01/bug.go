// Package q01 implements a per-client token-bucket rate limiter used by the
// API gateway's HTTP middleware.
//
// BUG: Allow reads a copy of the client's bucket under the read lock, decides
// there is a token, and writes the decremented copy back under the write lock.
// Two concurrent requests from the same client both see the last token and both
// are admitted (the second write-back overwrites the first), so clients exceed
// their configured rate.
package q01

import (
	"net/http"
	"sync"
	"time"
)

type bucket struct {
	tokens   float64
	lastFill time.Time
}

// Limiter is safe for concurrent use by multiple goroutines.
type Limiter struct {
	mu      sync.RWMutex
	buckets map[string]bucket
	rate    float64 // tokens per second
	burst   float64
}

func NewLimiter(rate, burst float64) *Limiter {
	return &Limiter{buckets: make(map[string]bucket), rate: rate, burst: burst}
}

func (l *Limiter) snapshot(client string) bucket {
	l.mu.RLock()
	defer l.mu.RUnlock()
	b, ok := l.buckets[client]
	if !ok {
		return bucket{tokens: l.burst, lastFill: time.Now()}
	}
	return b
}

func (l *Limiter) store(client string, b bucket) {
	l.mu.Lock()
	l.buckets[client] = b
	l.mu.Unlock()
}

func (b bucket) refilled(now time.Time, rate, burst float64) bucket {
	b.tokens += now.Sub(b.lastFill).Seconds() * rate
	if b.tokens > burst {
		b.tokens = burst
	}
	b.lastFill = now
	return b
}

// Allow reports whether a request from client may proceed.
func (l *Limiter) Allow(client string) bool {
	b := l.snapshot(client).refilled(time.Now(), l.rate, l.burst)
	if b.tokens < 1 {
		l.store(client, b)
		return false
	}
	b.tokens--
	l.store(client, b)
	return true
}

// Middleware rejects requests over the limit with 429.
func (l *Limiter) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !l.Allow(r.RemoteAddr) {
			http.Error(w, "rate limited", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}
