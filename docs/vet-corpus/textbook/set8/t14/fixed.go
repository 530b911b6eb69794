package t14

// FIX: writers are serialised with a mutex, so "load current snapshot,
// copy, modify, store" is one critical section among writers; readers keep
// the lock-free atomic Load. (A CompareAndSwap retry loop on the snapshot
// pointer would also work.)

import (
	"maps"
	"sync"
)

// RouterFixed holds the current snapshot; writes are serialised.
type RouterFixed struct {
	Router
	writeMu sync.Mutex
}

func NewRouterFixed() *RouterFixed {
	r := &RouterFixed{}
	r.snap.Store(&table{routes: map[string]Route{}})
	return r
}

// UpsertFixed adds or replaces a route without losing concurrent updates.
func (r *RouterFixed) UpsertFixed(rt Route) {
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	old := r.current()
	next := &table{version: old.version + 1, routes: maps.Clone(old.routes)}
	next.routes[rt.Prefix] = rt
	r.snap.Store(next)
}

// DeleteFixed removes a route without losing concurrent updates.
func (r *RouterFixed) DeleteFixed(prefix string) bool {
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	old := r.current()
	if _, ok := old.routes[prefix]; !ok {
		return false
	}
	next := &table{version: old.version + 1, routes: maps.Clone(old.routes)}
	delete(next.routes, prefix)
	r.snap.Store(next)
	return true
}
