// Package t12 is the change-notification registry of a feature-flag service.
// Components register listeners that are called whenever a flag changes.
// Listeners are added and removed concurrently: by HTTP handlers
// (DELETE /listeners/{id}), by the notifier goroutine, which drops listeners
// that failed too often, and by clients whose streams disconnect.
//
// BUG [hard] (Unsubscribe: check = i := r.indexOf(id) under the read lock,
// then `if i < 0` -> act = r.removeAt(i) under the write lock): the index is
// computed in one helper and used in another, after the lock has been dropped
// in between. removeAt swap-deletes (moves the last listener into the freed
// slot and shrinks the slice), so any removal in between makes the index
// stale. Typical case: the notifier drops a failing listener while its
// owner's DELETE request removes it too; both compute the same i, the first
// removes the listener, the second removes whichever listener was moved into
// slot i. If i was the last slot, the second removeAt indexes past the end.
//
// Harm: removing one listener silently unsubscribes another component, which
// stops receiving flag changes (e.g. a kill switch that no longer reaches a
// service); a stale index past the end panics the handler or the notifier.
package t12

import (
	"log"
	"sync"
)

// Change is one flag update.
type Change struct {
	Flag  string
	Value bool
}

type listener struct {
	id       string
	fn       func(Change) error
	failures int
}

// Registry holds flag-change listeners.
type Registry struct {
	mu        sync.RWMutex
	listeners []*listener
}

// Subscribe registers fn under id.
func (r *Registry) Subscribe(id string, fn func(Change) error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.listeners = append(r.listeners, &listener{id: id, fn: fn})
}

// indexOf returns the position of listener id, or -1.
func (r *Registry) indexOf(id string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for i, l := range r.listeners {
		if l.id == id {
			return i
		}
	}
	return -1
}

// removeAt deletes the listener at i (order is not preserved).
func (r *Registry) removeAt(i int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	last := len(r.listeners) - 1
	r.listeners[i] = r.listeners[last]
	r.listeners[last] = nil
	r.listeners = r.listeners[:last]
}

// Unsubscribe removes listener id and reports whether it was registered.
func (r *Registry) Unsubscribe(id string) bool {
	i := r.indexOf(id)
	if i < 0 {
		return false
	}
	r.removeAt(i)
	return true
}

// Notify calls every listener with c and unsubscribes listeners that have
// failed three times in a row. It runs on the notifier goroutine.
func (r *Registry) Notify(c Change) {
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
		r.Unsubscribe(id)
	}
}
