// Package t08 is the plugin host of an edge proxy (Caddy/Traefik style).
// Plugin factories are registered at init time; plugin instances are started
// lazily, on the first request routed to them or when a config reload enables
// them, and are kept in a generic concurrency-safe Registry.
//
// [hard]
//
// Concurrency: Host.Dispatch runs on every request goroutine and calls
// ensure(name) to get the running instance. Host.Reload runs on the
// admin-API goroutine and calls ensure for every plugin enabled by the new
// config. Registry[K, V] itself is correctly locked: each of its methods
// takes its RWMutex.
//
// BUG: ensure checks for a running instance with active.Get (one locked
// Registry call) and, on a miss, goes through start -> instantiate ->
// p.Init -> active.Put (a second locked call, two helpers further down).
// Each Registry method is atomic on its own, so the code looks safe, but the
// get-or-create as a whole is not: a request and a reload (or two first
// requests) that miss at the same time both instantiate and Init the plugin,
// and the later Put overwrites the earlier instance.
//
// HARM: the overwritten plugin instance is never Closed: its flush goroutine,
// upstream connections and any listener it bound leak. Plugins that bind a
// fixed port (metrics exporters, admin sidecars) fail the second Init with
// "address already in use", so the request or the whole config reload fails.
package t08

import (
	"context"
	"fmt"
	"net/http"
	"sync"
)

// Registry is a small generic concurrency-safe map shared across the proxy.
type Registry[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]V
}

// NewRegistry returns an empty registry.
func NewRegistry[K comparable, V any]() *Registry[K, V] {
	return &Registry[K, V]{m: make(map[K]V)}
}

// Get returns the value stored for k.
func (r *Registry[K, V]) Get(k K) (V, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	v, ok := r.m[k]
	return v, ok
}

// Put stores v for k.
func (r *Registry[K, V]) Put(k K, v V) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.m[k] = v
}

// Range calls fn for a snapshot of the entries.
func (r *Registry[K, V]) Range(fn func(K, V)) {
	r.mu.RLock()
	snap := make(map[K]V, len(r.m))
	for k, v := range r.m {
		snap[k] = v
	}
	r.mu.RUnlock()
	for k, v := range snap {
		fn(k, v)
	}
}

// Plugin is an HTTP middleware with a lifecycle.
type Plugin interface {
	Init(ctx context.Context, cfg map[string]string) error
	ServeHTTP(w http.ResponseWriter, r *http.Request)
	Close() error
}

// Factory creates an uninitialised plugin instance.
type Factory func() Plugin

// Host owns plugin factories and running instances.
type Host struct {
	factories *Registry[string, Factory]
	active    *Registry[string, Plugin]
	config    func(name string) map[string]string
}

// NewHost returns a host reading plugin config through cfg.
func NewHost(cfg func(name string) map[string]string) *Host {
	return &Host{factories: NewRegistry[string, Factory](), active: NewRegistry[string, Plugin](), config: cfg}
}

// RegisterFactory makes a plugin type available.
func (h *Host) RegisterFactory(name string, f Factory) { h.factories.Put(name, f) }

func (h *Host) ensure(ctx context.Context, name string) (Plugin, error) {
	if p, ok := h.active.Get(name); ok {
		return p, nil
	}
	return h.start(ctx, name)
}

func (h *Host) start(ctx context.Context, name string) (Plugin, error) {
	p, err := h.instantiate(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("plugin %q: %w", name, err)
	}
	h.active.Put(name, p)
	return p, nil
}

func (h *Host) instantiate(ctx context.Context, name string) (Plugin, error) {
	f, ok := h.factories.Get(name)
	if !ok {
		return nil, fmt.Errorf("no such plugin")
	}
	p := f()
	if err := p.Init(ctx, h.config(name)); err != nil {
		return nil, err
	}
	return p, nil
}

// Dispatch routes r to the named plugin, starting it on first use.
func (h *Host) Dispatch(name string, w http.ResponseWriter, r *http.Request) {
	p, err := h.ensure(r.Context(), name)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	p.ServeHTTP(w, r)
}

// Reload starts every plugin enabled by a new config.
func (h *Host) Reload(ctx context.Context, enabled []string) error {
	for _, name := range enabled {
		if _, err := h.ensure(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

// Shutdown closes all running plugins.
func (h *Host) Shutdown() {
	h.active.Range(func(_ string, p Plugin) { p.Close() })
}
