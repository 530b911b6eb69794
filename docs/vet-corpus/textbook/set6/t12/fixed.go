// Fix: UnsubscribeFixed searches for the listener and removes it under one
// write-lock hold, so the index it uses is always current.

package t12

import (
	"log"
	"sync"
)

// RegistryFixed holds flag-change listeners.
type RegistryFixed struct {
	mu        sync.RWMutex
	listeners []*listener
}

// Subscribe registers fn under id.
func (r *RegistryFixed) Subscribe(id string, fn func(Change) error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.listeners = append(r.listeners, &listener{id: id, fn: fn})
}

// UnsubscribeFixed removes listener id and reports whether it was registered.
func (r *RegistryFixed) UnsubscribeFixed(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, l := range r.listeners {
		if l.id != id {
			continue
		}
		last := len(r.listeners) - 1
		r.listeners[i] = r.listeners[last]
		r.listeners[last] = nil
		r.listeners = r.listeners[:last]
		return true
	}
	return false
}

// Notify calls every listener with c and unsubscribes listeners that have
// failed three times in a row. It runs on the notifier goroutine.
func (r *RegistryFixed) Notify(c Change) {
	r.mu.RLock()
	snapshot := append([]*listener(nil), r.listeners...)
	r.mu.RUnlock()

	var dead []string
	for _, l := range snapshot {
		err := l.fn(c)
		r.mu.Lock()
		if err != nil {
			l.failures++
		} else {
			l.failures = 0
		}
		failed := l.failures >= 3
		r.mu.Unlock()
		if failed {
			log.Printf("flags: dropping listener %s after repeated failures: %v", l.id, err)
			dead = append(dead, l.id)
		}
	}
	for _, id := range dead {
		r.UnsubscribeFixed(id)
	}
}
