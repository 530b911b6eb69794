// Package t02 implements per-tenant daily API quotas for a multi-tenant
// gateway.
//
// Every incoming request is served on its own net/http goroutine and calls
// Quotas.Admit(tenant) before being proxied upstream. A midnight ticker
// goroutine calls Reset. Many requests for the same tenant run concurrently.
//
// BUG: Admit first calls the locked helper remaining(tenant) (CHECK: is there
// quota left?), releases the lock, and then calls the separately locked
// helper consume(tenant) (ACT: decrement). Between the two critical sections
// other requests of the same tenant pass the same check on the same
// remaining value.
//
// HARM: a tenant with 1 request left can get N requests through at once; the
// counter goes negative and the tenant exceeds its paid limit (and the
// upstream, which is billed per call, charges the operator for them).
package t02

import (
	"net/http"
	"sync"
	"time"
)

// Quotas tracks remaining calls per tenant.
type Quotas struct {
	mu     sync.Mutex
	limit  map[string]int64 // plan limits
	used   map[string]int64
	resets time.Time
}

func NewQuotas(limits map[string]int64) *Quotas {
	return &Quotas{limit: limits, used: make(map[string]int64), resets: time.Now()}
}

// remaining returns how many calls the tenant may still make today.
func (q *Quotas) remaining(tenant string) int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.limit[tenant] - q.used[tenant]
}

// consume records one call for the tenant.
func (q *Quotas) consume(tenant string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.used[tenant]++
}

// Admit reports whether the request may proceed and charges it to the quota.
func (q *Quotas) Admit(tenant string) bool {
	if q.remaining(tenant) <= 0 { // CHECK under lock #1
		return false
	}
	// lock released: concurrent Admit calls see the same remaining value
	q.consume(tenant) // ACT under lock #2
	return true
}

// Reset clears all usage; called from a daily ticker goroutine.
func (q *Quotas) Reset() {
	q.mu.Lock()
	defer q.mu.Unlock()
	clear(q.used)
	q.resets = time.Now()
}

// RunDailyReset resets usage every 24h until stop is closed.
func (q *Quotas) RunDailyReset(stop <-chan struct{}) {
	t := time.NewTicker(24 * time.Hour)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			q.Reset()
		case <-stop:
			return
		}
	}
}

// Middleware enforces the quota in front of next.
func (q *Quotas) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tenant := r.Header.Get("X-Tenant")
		if tenant == "" {
			http.Error(w, "unknown tenant", http.StatusUnauthorized)
			return
		}
		if !q.Admit(tenant) {
			w.Header().Set("Retry-After", "3600")
			http.Error(w, "quota exceeded", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}
