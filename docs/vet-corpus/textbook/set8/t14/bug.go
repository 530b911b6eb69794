// Package t14 implements the routing table of an API gateway. The table is
// a copy-on-write snapshot held in an atomic.Value so the hot request path
// reads it without locks.
//
// Concurrency: every request goroutine calls Lookup (atomic Load). Routes
// are changed by the admin API (PUT/DELETE /routes on request goroutines)
// and by a service-discovery watcher goroutine that upserts routes when
// deployments come and go; these writers run concurrently.
//
// BUG: Upsert and Delete load the current snapshot (CHECK: read the
// version they are going to modify), copy and modify it, and Store the copy
// (ACT: overwrite). Two writers that load the same snapshot each Store a
// copy containing only their own change; the later Store silently discards
// the earlier writer's change.
//
// HARM: lost update: a route added by the discovery watcher vanishes when
// an operator edits an unrelated route at the same moment, and the new
// service's traffic gets 404 from the gateway until the next full resync
// (or indefinitely, since the watcher only sends deltas).
package t14

import (
	"maps"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
)

// Route maps a path prefix to an upstream.
type Route struct {
	Prefix   string
	Upstream *url.URL
}

type table struct {
	version int64
	routes  map[string]Route // prefix -> route, never mutated after Store
}

// Router holds the current snapshot.
type Router struct {
	snap atomic.Value // *table
}

func NewRouter() *Router {
	r := &Router{}
	r.snap.Store(&table{routes: map[string]Route{}})
	return r
}

func (r *Router) current() *table { return r.snap.Load().(*table) }

// Lookup finds the longest matching prefix; lock-free.
func (r *Router) Lookup(path string) (Route, bool) {
	t := r.current()
	var best Route
	found := false
	for p, rt := range t.routes {
		if strings.HasPrefix(path, p) && len(p) > len(best.Prefix) {
			best, found = rt, true
		}
	}
	return best, found
}

// Upsert adds or replaces a route.
func (r *Router) Upsert(rt Route) {
	old := r.current() // CHECK: the snapshot we base our change on
	next := &table{version: old.version + 1, routes: maps.Clone(old.routes)}
	next.routes[rt.Prefix] = rt
	r.snap.Store(next) // ACT: overwrites any snapshot stored since Load
}

// Delete removes a route.
func (r *Router) Delete(prefix string) bool {
	old := r.current()
	if _, ok := old.routes[prefix]; !ok {
		return false
	}
	next := &table{version: old.version + 1, routes: maps.Clone(old.routes)}
	delete(next.routes, prefix)
	r.snap.Store(next)
	return true
}

// WatchDiscovery applies deltas from service discovery (own goroutine).
func (r *Router) WatchDiscovery(added <-chan Route, removed <-chan string) {
	for {
		select {
		case rt, ok := <-added:
			if !ok {
				return
			}
			r.Upsert(rt)
		case p := <-removed:
			r.Delete(p)
		}
	}
}

// AdminPut is the PUT /routes?prefix=..&upstream=.. handler.
func (r *Router) AdminPut(w http.ResponseWriter, req *http.Request) {
	u, err := url.Parse(req.URL.Query().Get("upstream"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Upsert(Route{Prefix: req.URL.Query().Get("prefix"), Upstream: u})
	w.WriteHeader(http.StatusNoContent)
}
