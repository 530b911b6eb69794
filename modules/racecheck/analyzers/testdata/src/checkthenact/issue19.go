package checkthenact

// The misses and false alarms listed in raceproof issue #19, one case each.

import (
	"sync"
	"testing"
)

// orderedMap is map-like by shape although its Delete returns bool and it
// has no Range: the old exact method-set check did not recognise it.
type orderedMap struct {
	mu sync.Mutex
	m  map[string]any
}

func (o *orderedMap) Load(k string) (any, bool) { return nil, false }
func (o *orderedMap) Store(k string, v any)     {}
func (o *orderedMap) Delete(k string) bool      { return false }

// LoadOrStore built from Load then Store inside the type's own method.
func (o *orderedMap) LoadOrStore(k string, v any) (any, bool) {
	if old, ok := o.Load(k); ok {
		return old, true
	}
	o.Store(k, v) // want `o.Store\(k\) after o.Load\(k\) on line 23 runs only when the check found no entry.* use LoadOrStore and the value it returns`
	return v, false
}

type server struct {
	mu      sync.Mutex
	clients sync.Map
	stats   int
}

// lockInLoop takes and releases an unrelated lock in a loop before the
// check-then-act: the lock is not held at the Store.
func (s *server) lockInLoop(ids []string, id string, c *entry) {
	for range ids {
		s.mu.Lock()
		s.stats++
		s.mu.Unlock()
	}
	if _, ok := s.clients.Load(id); !ok {
		s.clients.Store(id, c) // want `use LoadOrStore`
	}
}

// lockInIf does the same inside an if.
func (s *server) lockInIf(id string, count bool, c *entry) {
	if count {
		s.mu.Lock()
		s.stats++
		s.mu.Unlock()
	}
	if _, ok := s.clients.Load(id); !ok {
		s.clients.Store(id, c) // want `use LoadOrStore`
	}
}

// lockOnOnePath holds the lock at the Store only when cond is true.
func (s *server) lockOnOnePath(id string, cond bool) {
	v, _ := s.clients.Load(id)
	if cond {
		s.mu.Lock()
		defer s.mu.Unlock()
	}
	s.clients.Store(id, v.(int)+1) // want `update is lost`
}

// nestedEarlyReturn: the first branch returns under a nested condition
// (a get-or-create on sync.Map in a replicated database's coordinator).
func (s *server) nestedEarlyReturn(id string, fresh bool) *entry {
	if !fresh {
		if v, ok := s.clients.Load(id); ok {
			return v.(*entry)
		}
	}
	c := newEntry()
	s.clients.Store(id, c) // want `runs only when the check found no entry`
	return c
}

// nestedValueReturn returns only when the loaded entry is still valid.
func (s *server) nestedValueReturn(id string) *entry {
	if v, ok := s.clients.Load(id); ok {
		if e := v.(*entry); e.n > 0 {
			return e
		}
	}
	c := newEntry()
	s.clients.Store(id, c) // want `is decided by the loaded value`
	return c
}

// reassignedValue: the Store's value does not come from the Load (v is
// reassigned on the only path to it), so the fix is LoadOrStore, not a
// CompareAndSwap loop.
func reassignedValue(m *sync.Map, k string) any {
	v, ok := m.Load(k)
	if ok {
		return v
	}
	v = newEntry()
	m.Store(k, v) // want `runs only when the check found no entry, .* use LoadOrStore and the value it returns`
	return v
}

// Near-misses from the false alarms.

// localSequential owns its map: it never leaves the function.
func localSequential(keys []string) int {
	var seen sync.Map
	n := 0
	for _, k := range keys {
		if v, ok := seen.Load(k); ok {
			seen.Store(k, v.(int)+1)
			continue
		}
		seen.Store(k, 1)
		n++
	}
	return n
}

// localPointer is a fresh *sync.Map that never escapes either.
func localPointer(k string) {
	m := new(sync.Map)
	v, _ := m.Load(k)
	m.Store(k, v)
}

// localEscapes is captured by a goroutine: it is shared.
func localEscapes(k string) {
	var m sync.Map
	go func() { m.Store(k, 1) }()
	v, _ := m.Load(k)
	m.Store(k, v.(int)+1) // want `update is lost`
}

// bumpNoLock is called with s.mu held.
func (s *server) bumpNoLock(id string) {
	v, _ := s.clients.Load(id)
	s.clients.Store(id, v.(int)+1)
}

// bump increments the counter of id. s.mu must be held.
func (s *server) bump(id string) {
	v, _ := s.clients.Load(id)
	s.clients.Store(id, v.(int)+1)
}

// refresh is called with s.mu held; the closure runs synchronously under it.
func (s *server) refresh(id string) {
	apply := func() {
		v, _ := s.clients.Load(id)
		s.clients.Store(id, v.(int)+1)
	}
	apply()
}

// asyncUnderLock starts a goroutine while holding the lock: the goroutine
// does not run under it.
func (s *server) asyncUnderLock(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	go func() {
		v, _ := s.clients.Load(id)
		s.clients.Store(id, v.(int)+1) // want `update is lost`
	}()
}

// Near-misses found while measuring on real projects.

// assertThenStore is a sequential test's assertion (skipmap's tests): the
// outcome that skips the Store only fails the test, so the Store does not
// depend on the Load. (The map is shared with other goroutines later.)
func assertThenStore(t *testing.T, m *sync.Map) {
	m.Store(123, "123")
	v, ok := m.Load(123)
	if !ok || v != "123" {
		t.Fatal("invalid")
	}
	m.Store(123, "456")
	go m.Delete(123)
}

// session is a builder: Set returns a new *session, it does not write the
// map Get reads (gorm's DB.Get/DB.Set).
type session struct {
	settings sync.Map
}

func (s *session) Get(k string) (any, bool)         { return s.settings.Load(k) }
func (s *session) Set(k string, v any) *session     { return s }
func (s *session) InstanceSet(k string, v any) bool { return false }

func builderSet(db *session, v *entry) {
	if _, ok := db.Get("key"); !ok {
		db.Set("key", v)
	}
}

// restoreOnExit saves an entry, overrides it for a while and puts the saved
// value back when it returns (nats-server's
// jetstream_cluster_1_test.go:4281 at 1787eee035cf): the deferred Store is
// meant to overwrite whatever was stored in between.
func restoreOnExit(m *sync.Map, peer string, probe func()) {
	saved, ok := m.Load(peer)
	if !ok {
		return
	}
	defer m.Store(peer, saved)
	m.Store(peer, 0)
	probe()
}

// deferredIncrement stores a value computed from the loaded one when it
// returns: that is a lost update, deferred or not.
func deferredIncrement(m *sync.Map, id string) {
	v, _ := m.Load(id)
	defer m.Store(id, v.(int)+1) // want `update is lost`
}

// restoreChanged puts back a value it changed after loading it: not a
// restore of what was there.
func restoreChanged(m *sync.Map, id string) {
	v, _ := m.Load(id)
	v = v.(int) + 1
	defer m.Store(id, v) // want `update is lost`
}
