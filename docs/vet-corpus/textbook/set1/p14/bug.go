// Package p14 has a process-wide default metrics registry, created lazily.
//
// BUG: Default reads the package variable under the mutex, releases it, builds
// a registry and stores it under the mutex again. Two goroutines calling
// Default at startup both see nil and each build one; the second store wins,
// so counters registered on the first registry are never exported (lost
// metrics).
package p14

import "sync"

// Registry holds named counters. It is safe for concurrent use.
type Registry struct {
	mu       sync.Mutex
	counters map[string]*int64
}

func newRegistry() *Registry { return &Registry{counters: make(map[string]*int64)} }

// Counter returns the counter called name, registering it if needed.
func (r *Registry) Counter(name string) *int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.counters[name]
	if !ok {
		c = new(int64)
		r.counters[name] = c
	}
	return c
}

var (
	defaultMu  sync.Mutex
	defaultReg *Registry
)

// Default returns the process-wide registry; packages call it from init
// goroutines and handlers.
func Default() *Registry {
	defaultMu.Lock()
	r := defaultReg
	defaultMu.Unlock()
	if r != nil {
		return r
	}
	r = newRegistry()
	defaultMu.Lock()
	defaultReg = r
	defaultMu.Unlock()
	return r
}
