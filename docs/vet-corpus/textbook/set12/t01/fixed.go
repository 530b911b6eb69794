package t01

// Fixed version: AllowFixed looks up the window, compares used with the plan
// limit and increments it inside one critical section (tryChargeFixed), so
// no two requests can both take the last unit of quota.

import (
	"context"
	"net/http"
	"sync"
	"time"
)

type windowFixed struct {
	used  int
	reset time.Time
}

// LimiterFixed enforces fixed-window quotas per tenant.
type LimiterFixed struct {
	opts Options

	mu      sync.Mutex
	windows map[string]*windowFixed

	stopOnce sync.Once
	stop     chan struct{}
	done     chan struct{}
}

// NewLimiterFixed creates a LimiterFixed and starts its window janitor.
func NewLimiterFixed(opts Options) *LimiterFixed {
	if opts.Period < time.Second {
		opts.Period = time.Minute
	}
	l := &LimiterFixed{
		opts:    opts,
		windows: make(map[string]*windowFixed),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	go l.janitor()
	return l
}

func (l *LimiterFixed) planFor(tenant string) Plan {
	if p, ok := l.opts.Plans[tenant]; ok {
		return p
	}
	return l.opts.Default
}

// Used reports how many requests the tenant has made in its current window.
func (l *LimiterFixed) Used(tenant string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if w, ok := l.windows[tenant]; ok {
		return w.used
	}
	return 0
}

// tryChargeFixed checks the limit and counts the request under one lock.
func (l *LimiterFixed) tryChargeFixed(tenant string, limit int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	w, ok := l.windows[tenant]
	if !ok {
		w = &windowFixed{reset: time.Now().Add(l.opts.Period)}
		l.windows[tenant] = w
	}
	if w.used >= limit {
		return false
	}
	w.used++
	return true
}

// AllowFixed records one request for tenant or returns ErrQuotaExceeded.
func (l *LimiterFixed) AllowFixed(ctx context.Context, tenant string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !l.tryChargeFixed(tenant, l.planFor(tenant).Limit) {
		return ErrQuotaExceeded
	}
	return nil
}

// Middleware rejects requests from tenants that are over quota.
func (l *LimiterFixed) Middleware(next http.Handler, tenantOf func(*http.Request) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := l.AllowFixed(r.Context(), tenantOf(r)); err != nil {
			http.Error(w, err.Error(), http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (l *LimiterFixed) janitor() {
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
func (l *LimiterFixed) Close() {
	l.stopOnce.Do(func() { close(l.stop) })
	<-l.done
}
