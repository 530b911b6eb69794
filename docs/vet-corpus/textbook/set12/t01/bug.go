// Package t01 implements per-tenant request quotas for the public API
// gateway.
//
// Concurrency: the gateway's net/http server runs every request on its own
// goroutine, and the Middleware calls Limiter.Allow for the tenant resolved
// from the API key. NewLimiter starts a background goroutine that drops
// windows whose period has elapsed. Used and charge each take l.mu.
//
// BUG: Allow reads the tenant's usage with Used, compares it with the plan
// limit, and only then calls charge to count the request. The two calls lock
// separately, so a burst of parallel requests from one tenant all observe
// used < limit before any of them has been counted (check -> act).
//
// HARM: a tenant on a 100 requests/minute plan that opens 500 parallel
// connections gets all 500 through to the metered upstream. The upstream
// bills us per call and the quota that exists to protect it from overload
// is bypassed by exactly the clients it was meant to stop.
package t01

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"
)

// ErrQuotaExceeded is returned when a tenant has used its plan for the period.
var ErrQuotaExceeded = errors.New("gateway: quota exceeded")

// Plan describes how many requests a tenant may make per period.
type Plan struct {
	Name  string
	Limit int
}

// Options configures a Limiter.
type Options struct {
	Period  time.Duration
	Plans   map[string]Plan // tenant ID -> plan; read-only after NewLimiter
	Default Plan
}

type window struct {
	used  int
	reset time.Time
}

// Limiter enforces fixed-window quotas per tenant.
type Limiter struct {
	opts Options

	mu      sync.Mutex
	windows map[string]*window

	stopOnce sync.Once
	stop     chan struct{}
	done     chan struct{}
}

// NewLimiter creates a Limiter and starts its window janitor.
func NewLimiter(opts Options) *Limiter {
	if opts.Period < time.Second {
		opts.Period = time.Minute
	}
	l := &Limiter{
		opts:    opts,
		windows: make(map[string]*window),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	go l.janitor()
	return l
}

func (l *Limiter) planFor(tenant string) Plan {
	if p, ok := l.opts.Plans[tenant]; ok {
		return p
	}
	return l.opts.Default
}

// Used reports how many requests the tenant has made in its current window.
func (l *Limiter) Used(tenant string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if w, ok := l.windows[tenant]; ok {
		return w.used
	}
	return 0
}

func (l *Limiter) charge(tenant string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w, ok := l.windows[tenant]
	if !ok {
		w = &window{reset: time.Now().Add(l.opts.Period)}
		l.windows[tenant] = w
	}
	w.used++
}

// Allow records one request for tenant or returns ErrQuotaExceeded.
func (l *Limiter) Allow(ctx context.Context, tenant string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	plan := l.planFor(tenant)
	if l.Used(tenant) >= plan.Limit {
		return ErrQuotaExceeded
	}
	l.charge(tenant)
	return nil
}

// Middleware rejects requests from tenants that are over quota.
func (l *Limiter) Middleware(next http.Handler, tenantOf func(*http.Request) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := l.Allow(r.Context(), tenantOf(r)); err != nil {
			http.Error(w, err.Error(), http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (l *Limiter) janitor() {
	defer close(l.done)
	t := time.NewTicker(l.opts.Period / 4)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case now := <-t.C:
			l.mu.Lock()
			for tenant, w := range l.windows {
				if now.After(w.reset) {
					delete(l.windows, tenant)
				}
			}
			l.mu.Unlock()
		}
	}
}

// Close stops the janitor and waits for it to exit.
func (l *Limiter) Close() {
	l.stopOnce.Do(func() { close(l.stop) })
	<-l.done
}
