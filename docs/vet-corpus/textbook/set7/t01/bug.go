// Package t01 is the in-process metrics registry of the API gateway.
// Middleware calls Registry.Counter(name).Inc() on every request and the
// /metrics endpoint walks the registry and renders every counter.
//
// Concurrency: every HTTP handler goroutine calls Registry.Counter, and right
// after start-up (or after a new route is first hit) many of them ask for the
// same, not yet registered, counter name at the same time.
//
// BUG (get-or-create on sync.Map): Counter checks for the name with
// r.counters.Load and, when it is missing, acts by allocating a new *Counter
// and publishing it with r.counters.Store. Two handlers that both miss on the
// same name each Store their own counter; the later Store replaces the
// earlier one, and every increment made on the replaced counter (by its
// creator and by anyone who already loaded it) disappears from /metrics.
//
// Harm: request and error counts under-report exactly during traffic bursts
// and right after deploys, so error-rate alerts stay silent when they matter.
package t01

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
)

// Counter is a monotonically increasing metric.
type Counter struct {
	name string
	help string
	v    atomic.Int64
}

// Inc adds one to the counter.
func (c *Counter) Inc() { c.v.Add(1) }

// Add adds n (which must be non-negative) to the counter.
func (c *Counter) Add(n int64) {
	if n < 0 {
		panic("t01: counter cannot decrease")
	}
	c.v.Add(n)
}

// Value returns the current count.
func (c *Counter) Value() int64 { return c.v.Load() }

// Registry holds every counter of the process, keyed by metric name.
type Registry struct {
	counters sync.Map          // name -> *Counter
	helpText map[string]string // read-only after NewRegistry
}

// NewRegistry returns a registry; help maps metric names to HELP strings.
func NewRegistry(help map[string]string) *Registry {
	h := make(map[string]string, len(help))
	for k, v := range help {
		h[k] = v
	}
	return &Registry{helpText: h}
}

// Counter returns the counter called name, creating it on first use.
func (r *Registry) Counter(name string) *Counter {
	if c, ok := r.counters.Load(name); ok {
		return c.(*Counter)
	}
	c := &Counter{name: name, help: r.helpText[name]}
	r.counters.Store(name, c)
	return c
}

// WriteText renders all counters in the Prometheus text format.
func (r *Registry) WriteText(w io.Writer) error {
	var all []*Counter
	r.counters.Range(func(_, v any) bool {
		all = append(all, v.(*Counter))
		return true
	})
	sort.Slice(all, func(i, j int) bool { return all[i].name < all[j].name })
	for _, c := range all {
		if c.help != "" {
			if _, err := fmt.Fprintf(w, "# HELP %s %s\n", c.name, c.help); err != nil {
				return err
			}
		}
		if _, err := fmt.Fprintf(w, "# TYPE %s counter\n%s %d\n", c.name, c.name, c.Value()); err != nil {
			return err
		}
	}
	return nil
}

// Handler serves the registry on /metrics.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		if err := r.WriteText(w); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
}

// Instrument counts requests to next under route.
func (r *Registry) Instrument(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.Counter("http_requests_total_" + route).Inc()
		next.ServeHTTP(w, req)
	})
}
