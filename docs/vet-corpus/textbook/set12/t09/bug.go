// Package t09 is the in-memory core of a service registry. Instances
// register on startup and deregister on shutdown; load balancers subscribe
// with Watch and maintain their backend pools from the Up/Down events.
//
// Concurrency: registration RPCs are served on separate goroutines, and
// deployment tooling commonly retries Register when the first call times
// out, so two Register calls for the same instance ID often overlap.
// instances is guarded by r.mu (RWMutex). Events are delivered to watchers
// while r.mu is held so that every watcher sees Up/Down in the same order
// as the map changes.
//
// BUG: Register checks that the ID is not registered yet (Has, under the
// read lock) and then inserts it and publishes Up (under the write lock).
// Two overlapping Register calls for the same ID both pass the check and
// both publish Up (check -> act).
//
// HARM: load balancers count backends by events, so the instance is added
// to their pools twice. On shutdown the single Deregister produces one Down
// event, leaving one copy in every pool: traffic keeps being routed to a
// terminated pod's address and those requests fail or hang until someone
// restarts the balancers.
package t09

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrAlreadyRegistered is returned for a duplicate instance ID.
var ErrAlreadyRegistered = errors.New("registry: instance already registered")

// ErrNotFound is returned when deregistering an unknown instance.
var ErrNotFound = errors.New("registry: instance not found")

// Instance is one running copy of a service.
type Instance struct {
	ID      string
	Service string
	Addr    string
	Meta    map[string]string
}

// EventType says whether an instance appeared or disappeared.
type EventType int

const (
	Up EventType = iota
	Down
)

// Event is delivered to watchers.
type Event struct {
	Type     EventType
	Instance Instance
	At       time.Time
}

// WatchFunc receives registry events. It runs with the registry locked and
// must not call back into the Registry.
type WatchFunc func(Event)

// Registry tracks live instances.
type Registry struct {
	mu        sync.RWMutex
	instances map[string]Instance
	watchers  map[int]WatchFunc
	nextWatch int
}

// New returns an empty Registry.
func New() *Registry {
	return &Registry{instances: make(map[string]Instance), watchers: make(map[int]WatchFunc)}
}

// Has reports whether id is registered.
func (r *Registry) Has(id string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	_, ok := r.instances[id]
	return ok
}

// Watch subscribes fn to future events and returns a cancel function.
func (r *Registry) Watch(fn WatchFunc) (cancel func()) {
	r.mu.Lock()
	id := r.nextWatch
	r.nextWatch++
	r.watchers[id] = fn
	r.mu.Unlock()
	return func() {
		r.mu.Lock()
		delete(r.watchers, id)
		r.mu.Unlock()
	}
}

func (r *Registry) notifyLocked(t EventType, inst Instance) {
	ev := Event{Type: t, Instance: inst, At: time.Now()}
	for _, fn := range r.watchers {
		fn(ev)
	}
}

// Register adds inst and announces it to watchers.
func (r *Registry) Register(ctx context.Context, inst Instance) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if r.Has(inst.ID) {
		return ErrAlreadyRegistered
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.instances[inst.ID] = inst
	r.notifyLocked(Up, inst)
	return nil
}

// Deregister removes the instance and announces it is gone.
func (r *Registry) Deregister(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	inst, ok := r.instances[id]
	if !ok {
		return ErrNotFound
	}
	delete(r.instances, id)
	r.notifyLocked(Down, inst)
	return nil
}

// Instances returns the registered instances of service.
func (r *Registry) Instances(service string) []Instance {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []Instance
	for _, inst := range r.instances {
		if inst.Service == service {
			out = append(out, inst)
		}
	}
	return out
}
