// Package t18 is the routing table of an edge proxy. The data plane resolves
// every request path against an immutable copy-on-write snapshot held in an
// atomic.Pointer, so lookups never take a lock. The control plane mutates the
// table through the admin API (POST /admin/routes), which deploy pipelines of
// many teams call concurrently, each on its own net/http goroutine.
//
// BUG (Router.AddRoute: check = prefix is not in the snapshot old :=
// r.table.Load() -> act = r.table.Store(next), where next is a clone of old
// plus the new route): the snapshot may have been replaced by another
// AddRoute between the Load and the Store. Two concurrent AddRoute calls each
// clone the same old table, and the second Store discards the route added by
// the first; two calls for the same prefix both pass the conflict check.
//
// Harm: a deploy reports "route created" but its route silently vanishes, so
// the new service gets 404s at the edge; or two teams are both granted the
// same prefix and traffic goes to whichever wrote last.
package t18

import (
	"errors"
	"maps"
	"strings"
	"sync/atomic"
)

// ErrRouteExists is returned when the prefix is already routed.
var ErrRouteExists = errors.New("route prefix already registered")

type routeTable struct {
	version uint64
	routes  map[string]string // path prefix -> backend address
}

// Router resolves request paths to backends.
type Router struct {
	table atomic.Pointer[routeTable]
}

// NewRouter returns a router with an empty table.
func NewRouter() *Router {
	r := &Router{}
	r.table.Store(&routeTable{routes: map[string]string{}})
	return r
}

// AddRoute routes prefix to backend. It fails if prefix is already routed.
func (r *Router) AddRoute(prefix, backend string) (version uint64, err error) {
	if !strings.HasPrefix(prefix, "/") || backend == "" {
		return 0, errors.New("prefix must start with / and backend must be set")
	}
	old := r.table.Load()
	if _, exists := old.routes[prefix]; exists {
		return old.version, ErrRouteExists
	}
	next := &routeTable{version: old.version + 1, routes: maps.Clone(old.routes)}
	next.routes[prefix] = backend
	r.table.Store(next)
	return next.version, nil
}

// Resolve returns the backend for the longest prefix matching path.
func (r *Router) Resolve(path string) (backend string, ok bool) {
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
func (r *Router) Version() uint64 { return r.table.Load().version }
