// Fix: AddRouteFixed publishes with CompareAndSwap in a loop; if another
// writer replaced the snapshot after our Load, the CAS fails and the conflict
// check and clone are redone against the new snapshot.

package t18

import (
	"errors"
	"maps"
	"strings"
	"sync/atomic"
)

// RouterFixed resolves request paths to backends.
type RouterFixed struct {
	table atomic.Pointer[routeTable]
}

// NewRouterFixed returns a router with an empty table.
func NewRouterFixed() *RouterFixed {
	r := &RouterFixed{}
	r.table.Store(&routeTable{routes: map[string]string{}})
	return r
}

// AddRouteFixed routes prefix to backend. It fails if prefix is already routed.
func (r *RouterFixed) AddRouteFixed(prefix, backend string) (version uint64, err error) {
	if !strings.HasPrefix(prefix, "/") || backend == "" {
		return 0, errors.New("prefix must start with / and backend must be set")
	}
	for {
		old := r.table.Load()
		if _, exists := old.routes[prefix]; exists {
			return old.version, ErrRouteExists
		}
		next := &routeTable{version: old.version + 1, routes: maps.Clone(old.routes)}
		next.routes[prefix] = backend
		if r.table.CompareAndSwap(old, next) {
			return next.version, nil
		}
	}
}

// Resolve returns the backend for the longest prefix matching path.
func (r *RouterFixed) Resolve(path string) (backend string, ok bool) {
	t := r.table.Load()
	best := -1
	for prefix, b := range t.routes {
		if strings.HasPrefix(path, prefix) && len(prefix) > best {
			best, backend, ok = len(prefix), b, true
		}
	}
	return backend, ok
}

// Version returns the version of the table currently in use.
func (r *RouterFixed) Version() uint64 { return r.table.Load().version }
