// Package t04 is per-client HTTP rate-limiting middleware in the style of the
// token-bucket limiters built on golang.org/x/time/rate (as used by API
// gateways such as Traefik's ratelimit middleware).
//
// Concurrency: net/http serves every request on its own goroutine; each one
// calls Limiter.ServeHTTP, which looks up (or creates) the token bucket for
// the client's key in a sync.Map and then takes a token from it. Buckets have
// their own mutex.
//
// BUG: bucketFor does m.buckets.Load(key) and, on a miss, builds a fresh full
// bucket and m.buckets.Store(key, b). Concurrent first requests from the same
// client all miss, each gets its own full bucket, and each Store overwrites the
// previous one.
// check: _, ok := m.buckets.Load(key); !ok -> act: m.buckets.Store(key, newBucket()).
//
// HARM: a client that opens N connections and fires its first N requests in
// parallel gets N x burst requests through instead of burst; the limit meant
// to protect a login or payment endpoint is bypassed by simple parallelism.
package t04

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

type bucket struct {
	mu     sync.Mutex
	tokens float64
	last   time.Time
	rate   float64 // tokens per second
	burst  float64
}

func newBucket(rate, burst float64, now time.Time) *bucket {
	return &bucket{tokens: burst, last: now, rate: rate, burst: burst}
}

func (b *bucket) allow(now time.Time) (bool, time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	elapsed := now.Sub(b.last).Seconds()
	if elapsed > 0 {
		b.tokens += elapsed * b.rate
		if b.tokens > b.burst {
			b.tokens = b.burst
		}
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
	return false, wait
}

// KeyFunc extracts the rate-limit key (API key, client IP, ...).
type KeyFunc func(r *http.Request) string

// ClientIP is the default KeyFunc.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Limiter is the middleware.
type Limiter struct {
	next  http.Handler
	key   KeyFunc
	rate  float64
	burst float64
	now   func() time.Time

	buckets sync.Map // string -> *bucket
}

func NewLimiter(next http.Handler, rate, burst float64, key KeyFunc) *Limiter {
	if key == nil {
		key = ClientIP
	}
	return &Limiter{next: next, key: key, rate: rate, burst: burst, now: time.Now}
}

func (m *Limiter) bucketFor(key string) *bucket {
	if v, ok := m.buckets.Load(key); ok {
		return v.(*bucket)
	}
	b := newBucket(m.rate, m.burst, m.now())
	m.buckets.Store(key, b)
	return b
}

func (m *Limiter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := m.key(r)
	if key == "" {
		http.Error(w, "missing client identity", http.StatusBadRequest)
		return
	}
	ok, wait := m.bucketFor(key).allow(m.now())
	if !ok {
		secs := int(wait/time.Second) + 1
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		http.Error(w, "rate limit exceeded", http.StatusTooManyRequests)
		return
	}
	m.next.ServeHTTP(w, r)
}
