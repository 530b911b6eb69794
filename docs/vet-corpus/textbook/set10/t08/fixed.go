package t08

// Fix: get-or-create is made atomic at the host level. HostFixed keeps one
// slot per plugin name in a map guarded by a single mutex; the first caller
// installs the slot while holding the lock (check and claim are one step) and
// runs Init outside it, other callers wait for the slot's done channel. A
// failed Init removes its own slot so a later call can retry. The factories
// Registry is still used as-is: looking up an immutable factory is not a
// check-then-act.

import (
	"context"
	"fmt"
	"net/http"
	"sync"
)

type pluginSlot struct {
	done chan struct{}
	p    Plugin
	err  error
}

// HostFixed is Host with an atomic ensure.
type HostFixed struct {
	factories *Registry[string, Factory]
	config    func(name string) map[string]string

	mu     sync.Mutex
	active map[string]*pluginSlot
}

// NewHostFixed returns a host reading plugin config through cfg.
func NewHostFixed(cfg func(name string) map[string]string) *HostFixed {
	return &HostFixed{factories: NewRegistry[string, Factory](), config: cfg, active: make(map[string]*pluginSlot)}
}

// RegisterFactory makes a plugin type available.
func (h *HostFixed) RegisterFactory(name string, f Factory) { h.factories.Put(name, f) }

func (h *HostFixed) ensureFixed(ctx context.Context, name string) (Plugin, error) {
	h.mu.Lock()
	if s, ok := h.active[name]; ok {
		h.mu.Unlock()
		select {
		case <-s.done:
			return s.p, s.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	s := &pluginSlot{done: make(chan struct{})}
	h.active[name] = s
	h.mu.Unlock()

	s.p, s.err = h.instantiate(ctx, name)
	if s.err != nil {
		s.p = nil
		s.err = fmt.Errorf("plugin %q: %w", name, s.err)
		h.mu.Lock()
		if h.active[name] == s {
			delete(h.active, name)
		}
		h.mu.Unlock()
	}
	close(s.done)
	return s.p, s.err
}

func (h *HostFixed) instantiate(ctx context.Context, name string) (Plugin, error) {
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
func (h *HostFixed) Dispatch(name string, w http.ResponseWriter, r *http.Request) {
	p, err := h.ensureFixed(r.Context(), name)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	p.ServeHTTP(w, r)
}

// Reload starts every plugin enabled by a new config.
func (h *HostFixed) Reload(ctx context.Context, enabled []string) error {
	for _, name := range enabled {
		if _, err := h.ensureFixed(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

// Shutdown closes all plugins that finished starting.
func (h *HostFixed) Shutdown() {
	h.mu.Lock()
	var ps []Plugin
	for _, s := range h.active {
		select {
		case <-s.done:
			if s.p != nil {
				ps = append(ps, s.p)
			}
		default:
		}
	}
	h.mu.Unlock()
	for _, p := range ps {
		p.Close()
	}
}
