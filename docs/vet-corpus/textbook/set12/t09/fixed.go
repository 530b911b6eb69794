package t09

// Fixed version: RegistryFixed.Register performs the duplicate check, the
// insert and the Up notification under a single write lock, so only one of
// several overlapping registrations for an ID succeeds and exactly one Up
// event is published.

import (
	"context"
	"sync"
	"time"
)

// RegistryFixed tracks live instances.
type RegistryFixed struct {
	mu        sync.RWMutex
	instances map[string]Instance
	watchers  map[int]WatchFunc
	nextWatch int
}

// NewFixed returns an empty RegistryFixed.
func NewFixed() *RegistryFixed {
	return &RegistryFixed{instances: make(map[string]Instance), watchers: make(map[int]WatchFunc)}
}

// Has reports whether id is registered.
func (r *RegistryFixed) Has(id string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	_, ok := r.instances[id]
	return ok
}

// Watch subscribes fn to future events and returns a cancel function.
func (r *RegistryFixed) Watch(fn WatchFunc) (cancel func()) {
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

func (r *RegistryFixed) notifyLocked(t EventType, inst Instance) {
	ev := Event{Type: t, Instance: inst, At: time.Now()}
	for _, fn := range r.watchers {
		fn(ev)
	}
}

// Register adds inst and announces it to watchers.
func (r *RegistryFixed) Register(ctx context.Context, inst Instance) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.instances[inst.ID]; ok {
		return ErrAlreadyRegistered
	}
	r.instances[inst.ID] = inst
	r.notifyLocked(Up, inst)
	return nil
}

// Deregister removes the instance and announces it is gone.
func (r *RegistryFixed) Deregister(ctx context.Context, id string) error {
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
func (r *RegistryFixed) Instances(service string) []Instance {
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
