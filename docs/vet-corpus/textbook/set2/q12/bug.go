// Package q12 is a metrics registry: handlers look counters up by name and
// increment them; /metrics renders the registered ones.
//
// BUG: Counter checks for an existing counter under the read lock and, on a
// miss, registers a new one under the write lock without re-checking. Two
// handlers hitting a new metric name at once each create a counter; the second
// registration replaces the first, and every increment made (and still being
// made by callers that cached it) on the first counter is lost from /metrics.
package q12

import (
	"fmt"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
)

type Counter struct {
	name string
	n    atomic.Int64
}

func (c *Counter) Inc()         { c.n.Add(1) }
func (c *Counter) Value() int64 { return c.n.Load() }

// Registry is safe for concurrent use.
type Registry struct {
	mu       sync.RWMutex
	counters map[string]*Counter
}

func NewRegistry() *Registry { return &Registry{counters: make(map[string]*Counter)} }

func (r *Registry) lookup(name string) *Counter {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.counters[name]
}

func (r *Registry) register(c *Counter) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.counters[c.name] = c
}

// Counter returns the counter called name, creating it on first use.
func (r *Registry) Counter(name string) *Counter {
	if c := r.lookup(name); c != nil {
		return c
	}
	c := &Counter{name: name}
	r.register(c)
	return c
}

func (r *Registry) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	r.mu.RLock()
	names := make([]string, 0, len(r.counters))
	for n := range r.counters {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "%s %d\n", n, r.counters[n].Value())
	}
	r.mu.RUnlock()
}

// Instrument counts requests per path.
func (r *Registry) Instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.Counter("http_requests_total{path=" + req.URL.Path + "}").Inc()
		next.ServeHTTP(w, req)
	})
}
