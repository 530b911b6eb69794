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

// A copy-on-write update helper whose callers' closures build the next
// value from the current one (textbook set 10, t16): two Joins that load
// the same list each store their own, and one peer is lost.
type memberList struct {
	peers atomic.Pointer[[]string]
}

func (l *memberList) update(fn func(cur []string) ([]string, bool)) bool {
	cur := *l.peers.Load()
	next, changed := fn(cur)
	if changed {
		l.peers.Store(&next) // want `l.peers.Store\(&next\) after l.peers.Load\(\) on line \d+ stores a changed copy of the loaded value`
	}
	return changed
}

func (l *memberList) Join(id string) bool {
	return l.update(func(cur []string) ([]string, bool) {
		return append(append([]string(nil), cur...), id), true
	})
}

func (l *memberList) Leave(id string) bool {
	return l.update(func(cur []string) ([]string, bool) {
		out := make([]string, 0, len(cur))
		for _, p := range cur {
			if p != id {
				out = append(out, p)
			}
		}
		return out, len(out) != len(cur)
	})
}

// Near-miss: a callback handed something else than the loaded value (a
// replacement made from the caller's input alone).
func (l *memberList) replace(fn func() []string) {
	_ = l.peers.Load()
	next := fn()
	l.peers.Store(&next)
}

func (l *memberList) Reset() { l.replace(func() []string { return nil }) }

func (l *memberList) Seed(ids []string) { l.replace(func() []string { return ids }) }
