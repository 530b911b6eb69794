// Package t07 is a tiny metrics registry used by an HTTP service to count
// requests per route and status; the counters are scraped by /metrics.
//
// [hard]
//
// Concurrency: Instrument wraps every route; its handler goroutines call
// GetOrRegister(name).Inc() concurrently, and the first requests after a
// deploy hit many not-yet-registered names at once. The /metrics handler
// goroutine calls Each while traffic flows.
//
// BUG: Registry[M].GetOrRegister goes through the generic store[K, V]
// interface: it checks r.s.Contains(name) and then, if absent, calls
// r.s.Insert(name, r.newMetric(name)) and finally r.s.Lookup(name). The
// lockedMap implementation locks each method separately, so the interface
// hides that Contains and Insert are two critical sections. Two goroutines
// that both see Contains == false both Insert a fresh counter; the second
// Insert overwrites the first.
//
// HARM: lost updates. The goroutine that inserted first already returned (or
// Looked up) the first counter and increments it, but /metrics only shows the
// second one; those increments vanish. Because Instrument caches the counter
// it gets on first use, a handler can keep incrementing an orphaned counter
// forever: dashboards and error-rate alerts undercount permanently.
package t07

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
)

// store is the storage abstraction behind the registry.
type store[K comparable, V any] interface {
	Contains(k K) bool
	Insert(k K, v V)
	Lookup(k K) (V, bool)
	Each(fn func(k K, v V))
}

// lockedMap is a mutex-protected map; each method is individually atomic.
type lockedMap[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]V
}

func newLockedMap[K comparable, V any]() *lockedMap[K, V] {
	return &lockedMap[K, V]{m: make(map[K]V)}
}

func (l *lockedMap[K, V]) Contains(k K) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, ok := l.m[k]
	return ok
}

func (l *lockedMap[K, V]) Insert(k K, v V) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.m[k] = v
}

func (l *lockedMap[K, V]) Lookup(k K) (V, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.m[k]
	return v, ok
}

func (l *lockedMap[K, V]) Each(fn func(k K, v V)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for k, v := range l.m {
		fn(k, v)
	}
}

// Counter is a monotonically increasing metric.
type Counter struct {
	name string
	v    atomic.Int64
}

func (c *Counter) Inc() { c.v.Add(1) }

// Registry is a generic get-or-create registry of metrics of type M.
type Registry[M any] struct {
	s         store[string, M]
	newMetric func(name string) M
}

// NewCounterRegistry returns a registry of *Counter backed by a lockedMap.
func NewCounterRegistry() *Registry[*Counter] {
	return &Registry[*Counter]{
		s:         newLockedMap[string, *Counter](),
		newMetric: func(n string) *Counter { return &Counter{name: n} },
	}
}

// GetOrRegister returns the metric called name, registering it if needed.
func (r *Registry[M]) GetOrRegister(name string) M {
	if !r.s.Contains(name) { // check
		r.s.Insert(name, r.newMetric(name)) // act: may overwrite a concurrent insert
	}
	m, _ := r.s.Lookup(name)
	return m
}

// Instrument counts requests to route; the counter is resolved once, lazily.
func Instrument(reg *Registry[*Counter], route string, next http.Handler) http.Handler {
	var cached atomic.Pointer[Counter]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := cached.Load()
		if c == nil {
			c = reg.GetOrRegister("http_requests_total{route=" + route + "}")
			cached.Store(c) // benign only if GetOrRegister returns one counter per name
		}
		c.Inc()
		next.ServeHTTP(w, r)
	})
}

// ServeMetrics writes all counters in text format.
func ServeMetrics(reg *Registry[*Counter]) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		reg.s.Each(func(name string, c *Counter) {
			fmt.Fprintf(w, "%s %d\n", name, c.v.Load())
		})
	}
}
