package atomicflags

import (
	"errors"
	"maps"
	"sync"
	"sync/atomic"
	"time"
)

// Copy-on-write updates: a snapshot loaded, copied, changed and stored
// with no CompareAndSwap. Two writers that load the same snapshot each
// store their own changed copy, and the first one's change is lost
// (textbook set 5, t06: an operator's config patch; set 6, t18: a route
// added by one deploy vanishes when another deploy adds its own).

type proxyConfig struct {
	Upstreams []string
	MaxConns  int
	Timeout   time.Duration
}

func (c *proxyConfig) clone() *proxyConfig {
	n := *c
	n.Upstreams = append([]string(nil), c.Upstreams...)
	return &n
}

type configStore struct{ v atomic.Value }

func (s *configStore) Current() *proxyConfig { return s.v.Load().(*proxyConfig) }

func (s *configStore) Update(mutate func(*proxyConfig)) {
	next := s.Current().clone()
	mutate(next)
	s.v.Store(next) // want `s.v.Store\(next\) after s.Current\(\) on line 34 stores a changed copy of the loaded value, but is not atomic with it: another goroutine can load the same value and store its own changed copy in between, and one of the changes is lost; use a CompareAndSwap loop on the loaded value, or one lock held by every writer`
}

type routeSnapshot struct {
	version uint64
	routes  map[string]string
}

var errRouteTaken = errors.New("route taken")

type router struct {
	table atomic.Pointer[routeSnapshot]
	mu    sync.Mutex
}

func (r *router) AddRoute(prefix, backend string) error {
	old := r.table.Load()
	if _, ok := old.routes[prefix]; ok {
		return errRouteTaken
	}
	next := &routeSnapshot{version: old.version + 1, routes: maps.Clone(old.routes)}
	next.routes[prefix] = backend
	r.table.Store(next) // want `r.table.Store\(next\) after r.table.Load\(\) on line 52 stores a changed copy of the loaded value`
	return nil
}

// A copy made by dereferencing the snapshot.
func (r *router) Bump() {
	old := r.table.Load()
	next := *old
	next.version++
	r.table.Store(&next) // want `r.table.Store\(&next\) after r.table.Load\(\) on line 64 stores a changed copy of the loaded value`
}

// Near-miss: the fix retries with CompareAndSwap on the loaded snapshot.
func (r *router) AddRouteFixed(prefix, backend string) error {
	for {
		old := r.table.Load()
		if _, ok := old.routes[prefix]; ok {
			return errRouteTaken
		}
		next := &routeSnapshot{version: old.version + 1, routes: maps.Clone(old.routes)}
		next.routes[prefix] = backend
		if r.table.CompareAndSwap(old, next) {
			return nil
		}
	}
}

// Near-miss: every writer holds one lock; readers load with no lock.
func (r *router) AddRouteHeld(prefix, backend string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.table.Load()
	next := &routeSnapshot{version: old.version + 1, routes: maps.Clone(old.routes)}
	next.routes[prefix] = backend
	r.table.Store(next)
	return nil
}

// Near-miss: a copy stored unchanged changes nothing another writer made.
func (r *router) Republish() {
	old := r.table.Load()
	next := *old
	r.table.Store(&next)
}

// Near-miss: an unexported writer with one caller, a constructor's.
func newRouter(seed map[string]string) *router {
	r := &router{}
	r.table.Store(&routeSnapshot{routes: map[string]string{}})
	r.seed(seed)
	return r
}

func (r *router) seed(routes map[string]string) {
	old := r.table.Load()
	next := &routeSnapshot{version: old.version, routes: maps.Clone(old.routes)}
	maps.Copy(next.routes, routes)
	r.table.Store(next)
}
