// Package t13 is the feature-flag store of a web application. Reads vastly
// outnumber writes, so flags live in an immutable snapshot behind an
// atomic.Pointer (copy-on-write): readers Load the snapshot without locking,
// writers build a modified copy and publish it.
//
// Concurrency: Enabled is called from every request goroutine. Set is called
// from the admin HTTP handler (several operators may toggle flags during an
// incident) and from the remote-config watcher goroutine that applies
// overrides pushed from the central config service.
//
// BUG: Set Loads the current snapshot, copies it, modifies the copy, and
// Stores it. The Load (check of the current state) and the Store (act) are
// separate: if another Set publishes a snapshot in between, this Store
// overwrites it with a copy made from the older snapshot.
//
// HARM: lost update. An operator flips the "checkout_v2" kill switch off
// during an incident and gets 200 OK, while the watcher concurrently applies
// an unrelated override; the watcher's Store is based on the old snapshot,
// so checkout_v2 is silently back on and the broken code path keeps serving
// traffic.
package t13

import (
	"encoding/json"
	"maps"
	"net/http"
	"strings"
	"sync/atomic"
)

// Snapshot is an immutable set of flags.
type Snapshot struct {
	Version int64
	Flags   map[string]bool
}

// Store publishes flag snapshots.
type Store struct {
	cur atomic.Pointer[Snapshot]
}

// NewStore returns a store with the given initial flags.
func NewStore(initial map[string]bool) *Store {
	s := &Store{}
	s.cur.Store(&Snapshot{Version: 1, Flags: maps.Clone(initial)})
	return s
}

// Enabled reports whether flag name is on.
func (s *Store) Enabled(name string) bool { return s.cur.Load().Flags[name] }

// Set turns flag name on or off.
func (s *Store) Set(name string, on bool) {
	old := s.cur.Load() // check: the state we base our update on
	next := &Snapshot{Version: old.Version + 1, Flags: maps.Clone(old.Flags)}
	if next.Flags == nil {
		next.Flags = make(map[string]bool)
	}
	next.Flags[name] = on
	s.cur.Store(next) // act: overwrites any snapshot published since Load
}

// Apply applies remote overrides one by one (called by the config watcher).
func (s *Store) Apply(overrides map[string]bool) {
	for name, on := range overrides {
		s.Set(name, on)
	}
}

// WatchRemote applies every override batch received on updates.
func (s *Store) WatchRemote(updates <-chan map[string]bool) {
	for o := range updates {
		s.Apply(o)
	}
}

// ServeHTTP handles PUT /flags/<name> with body {"on": true|false} and GET
// /flags to dump the current snapshot.
func (s *Store) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		json.NewEncoder(w).Encode(s.cur.Load())
	case http.MethodPut:
		name := strings.TrimPrefix(r.URL.Path, "/flags/")
		var body struct{ On bool }
		if name == "" || json.NewDecoder(r.Body).Decode(&body) != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		s.Set(name, body.On)
		w.WriteHeader(http.StatusOK)
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}
