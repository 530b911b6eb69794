// Package t06 holds the live, hot-reloadable configuration of a reverse
// proxy. Readers on the request path call Current(), which is a lock-free
// atomic.Value load of an immutable *Config. Operators change single settings
// through PATCH /admin/config/{field}; each handler copies the current config,
// modifies one field, and publishes the copy. net/http runs these handlers
// concurrently, and an automatic tuner goroutine also calls SetTimeout.
//
// BUG (check-then-act on atomic.Value, copy-on-write lost update) [hard]:
// the "check" is v.Load() of the current snapshot that the new config is
// derived from, the act is v.Store(next). Load and Store are each atomic but
// nothing ensures the snapshot is still current when it is replaced. Two
// concurrent patches (e.g. one raising MaxConns, one changing the upstream
// list) both copy the same old config and the later Store silently discards
// the earlier change: an operator's acknowledged (200 OK) change is lost.
package t06

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// Config is immutable once published.
type Config struct {
	Upstreams []string
	MaxConns  int
	Timeout   time.Duration
}

func (c *Config) clone() *Config {
	n := *c
	n.Upstreams = append([]string(nil), c.Upstreams...)
	return &n
}

// Store publishes configs. Safe for concurrent use.
type Store struct {
	v atomic.Value // *Config
}

// NewStore returns a store holding initial.
func NewStore(initial *Config) *Store {
	s := &Store{}
	s.v.Store(initial)
	return s
}

// Current returns the active configuration.
func (s *Store) Current() *Config { return s.v.Load().(*Config) }

// update derives a new config from the current one and publishes it.
func (s *Store) update(mutate func(*Config)) *Config {
	next := s.Current().clone()
	mutate(next)
	s.v.Store(next)
	return next
}

// SetTimeout is called by the adaptive tuner goroutine.
func (s *Store) SetTimeout(d time.Duration) {
	s.update(func(c *Config) { c.Timeout = d })
}

// ServePatch handles PATCH /admin/config/{field}.
func (s *Store) ServePatch(w http.ResponseWriter, r *http.Request) {
	val := r.URL.Query().Get("value")
	var mutate func(*Config)
	switch r.PathValue("field") {
	case "max_conns":
		n, err := strconv.Atoi(val)
		if err != nil || n <= 0 {
			http.Error(w, "bad max_conns", http.StatusBadRequest)
			return
		}
		mutate = func(c *Config) { c.MaxConns = n }
	case "add_upstream":
		mutate = func(c *Config) { c.Upstreams = append(c.Upstreams, val) }
	default:
		http.Error(w, "unknown field", http.StatusNotFound)
		return
	}
	_ = json.NewEncoder(w).Encode(s.update(mutate))
}
