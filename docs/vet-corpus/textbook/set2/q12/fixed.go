package q12

import (
	"fmt"
	"net/http"
	"sort"
	"sync"
)

// RegistryFixed is safe for concurrent use.
type RegistryFixed struct {
	mu       sync.RWMutex
	counters map[string]*Counter
}

func NewRegistryFixed() *RegistryFixed { return &RegistryFixed{counters: make(map[string]*Counter)} }

// CounterFixed re-checks under the write lock before creating.
func (r *RegistryFixed) CounterFixed(name string) *Counter {
	r.mu.RLock()
	c := r.counters[name]
	r.mu.RUnlock()
	if c != nil {
		return c
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if c := r.counters[name]; c != nil {
		return c
	}
	c = &Counter{name: name}
	r.counters[name] = c
	return c
}

func (r *RegistryFixed) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.counters))
	for n := range r.counters {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "%s %d\n", n, r.counters[n].Value())
	}
}

func (r *RegistryFixed) InstrumentFixed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.CounterFixed("http_requests_total{path=" + req.URL.Path + "}").Inc()
		next.ServeHTTP(w, req)
	})
}
