// Fixed version of the t09 flag store: UpsertFixed is a compare-and-swap
// loop. It re-reads the snapshot, re-checks the version against that
// snapshot, builds the clone and publishes it with CompareAndSwap(cur, next);
// if another writer published in between, the CAS fails and the whole
// check-and-build is retried on the newer snapshot. Readers stay lock-free.
package t09

import "sync/atomic"

type StoreFixed struct {
	snap    atomic.Pointer[snapshot]
	updates atomic.Int64
}

func NewStoreFixed(initial []*Flag) *StoreFixed {
	s := &StoreFixed{}
	m := make(map[string]*Flag, len(initial))
	for _, f := range initial {
		m[f.Key] = f
	}
	s.snap.Store(&snapshot{flags: m})
	return s
}

func (s *StoreFixed) UpsertFixed(f *Flag) bool {
	for {
		cur := s.snap.Load()
		if old, ok := cur.flags[f.Key]; ok && old.Version >= f.Version {
			return false
		}
		next := &snapshot{flags: make(map[string]*Flag, len(cur.flags)+1)}
		for k, v := range cur.flags {
			next.flags[k] = v
		}
		next.flags[f.Key] = f
		if s.snap.CompareAndSwap(cur, next) {
			s.updates.Add(1)
			return true
		}
	}
}

func (s *StoreFixed) ApplyPoll(flags []*Flag) int {
	n := 0
	for _, f := range flags {
		if s.UpsertFixed(f) {
			n++
		}
	}
	return n
}

func (s *StoreFixed) Variation(key, userKey, fallback string) string {
	f, ok := s.snap.Load().flags[key]
	if !ok {
		return fallback
	}
	return evaluate(f, userKey)
}
