// Fixed version of the t04 rate limiter: bucketForFixed uses sync.Map's
// LoadOrStore, which inserts the candidate bucket only if no bucket exists
// yet and otherwise returns the existing one, so every concurrent request for a
// key shares the same bucket (the losing candidate is simply discarded).
package t04

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// LimiterFixed is the middleware.
type LimiterFixed struct {
	next  http.Handler
	key   KeyFunc
	rate  float64
	burst float64
	now   func() time.Time

	buckets sync.Map // string -> *bucket
}

func NewLimiterFixed(next http.Handler, rate, burst float64, key KeyFunc) *LimiterFixed {
	if key == nil {
		key = ClientIP
	}
	return &LimiterFixed{next: next, key: key, rate: rate, burst: burst, now: time.Now}
}

func (m *LimiterFixed) bucketForFixed(key string) *bucket {
	if v, ok := m.buckets.Load(key); ok {
		return v.(*bucket)
	}
	v, _ := m.buckets.LoadOrStore(key, newBucket(m.rate, m.burst, m.now()))
	return v.(*bucket)
}

func (m *LimiterFixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := m.key(r)
	if key == "" {
		http.Error(w, "missing client identity", http.StatusBadRequest)
		return
	}
	ok, wait := m.bucketForFixed(key).allow(m.now())
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
		http.Error(w, "rate limit exceeded", http.StatusTooManyRequests)
		return
	}
	m.next.ServeHTTP(w, r)
}
