// Package t09 is the in-memory flag store of a feature-flag SDK in the style
// of the LaunchDarkly / Unleash Go clients: evaluations read an immutable
// snapshot through an atomic.Pointer (copy-on-write), and updates publish a
// new snapshot.
//
// Concurrency: request goroutines call Store.Variation on every request
// (lock-free Load). Two updater goroutines call Store.Upsert: the streaming
// connection (server-sent "patch" events) and the fallback poller, which
// re-applies every flag it downloads.
//
// BUG: Upsert Loads the current snapshot, checks that the incoming flag's
// Version is newer than the one in that snapshot, clones the snapshot, inserts
// the flag and Stores the clone. Another Upsert can Store its own clone in
// between; the later Store is based on the stale snapshot.
// check: cur := s.snap.Load(); cur.flags[key].Version < f.Version -> act: s.snap.Store(next built from cur).
//
// HARM: a concurrent update is silently overwritten. When an operator flips a
// kill switch off (stream patch, version 8) while the poller is applying some
// other flag, the poller's Store republishes the old snapshot and the kill
// switch is back on. The stream never resends the patch, so the broken feature
// keeps serving production traffic until a later poll delivers it again (with
// streaming-only mode, until someone edits the flag again).
package t09

import (
	"hash/fnv"
	"sync/atomic"
)

// Flag is one feature flag definition.
type Flag struct {
	Key         string
	Version     int
	On          bool
	OffVariant  string
	Variants    []string
	Weights     []int // per Variants, in per-mille; must sum to 1000
	TargetUsers map[string]string
}

type snapshot struct {
	flags map[string]*Flag
}

// Store holds the current flag set.
type Store struct {
	snap    atomic.Pointer[snapshot]
	updates atomic.Int64
}

func NewStore(initial []*Flag) *Store {
	s := &Store{}
	m := make(map[string]*Flag, len(initial))
	for _, f := range initial {
		m[f.Key] = f
	}
	s.snap.Store(&snapshot{flags: m})
	return s
}

// Upsert applies f if it is newer than what the store holds.
func (s *Store) Upsert(f *Flag) bool {
	cur := s.snap.Load()
	if old, ok := cur.flags[f.Key]; ok && old.Version >= f.Version {
		return false
	}
	next := &snapshot{flags: make(map[string]*Flag, len(cur.flags)+1)}
	for k, v := range cur.flags {
		next.flags[k] = v
	}
	next.flags[f.Key] = f
	s.snap.Store(next)
	s.updates.Add(1)
	return true
}

// ApplyPoll re-applies every flag from a polling response.
func (s *Store) ApplyPoll(flags []*Flag) int {
	n := 0
	for _, f := range flags {
		if s.Upsert(f) {
			n++
		}
	}
	return n
}

// Variation evaluates key for userKey, returning fallback if unknown.
func (s *Store) Variation(key, userKey, fallback string) string {
	f, ok := s.snap.Load().flags[key]
	if !ok {
		return fallback
	}
	return evaluate(f, userKey)
}

func evaluate(f *Flag, userKey string) string {
	if !f.On {
		return f.OffVariant
	}
	if v, ok := f.TargetUsers[userKey]; ok {
		return v
	}
	if len(f.Variants) == 0 {
		return f.OffVariant
	}
	h := fnv.New32a()
	h.Write([]byte(f.Key + "." + userKey))
	bucket := int(h.Sum32() % 1000)
	acc := 0
	for i, w := range f.Weights {
		acc += w
		if bucket < acc && i < len(f.Variants) {
			return f.Variants[i]
		}
	}
	return f.Variants[len(f.Variants)-1]
}
