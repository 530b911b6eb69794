package t13

// Fix: publish with CompareAndSwap in a retry loop. A writer's new snapshot
// is installed only if the current snapshot is still the one it copied from;
// otherwise it re-reads the newer snapshot and re-applies its change on top.
// Readers stay lock-free and no writer's change is lost.

import "maps"

// SetFixed turns flag name on or off without losing concurrent updates.
func (s *Store) SetFixed(name string, on bool) {
	for {
		old := s.cur.Load()
		next := &Snapshot{Version: old.Version + 1, Flags: maps.Clone(old.Flags)}
		if next.Flags == nil {
			next.Flags = make(map[string]bool)
		}
		next.Flags[name] = on
		if s.cur.CompareAndSwap(old, next) {
			return
		}
	}
}

// ApplyFixed applies remote overrides using SetFixed.
func (s *Store) ApplyFixed(overrides map[string]bool) {
	for name, on := range overrides {
		s.SetFixed(name, on)
	}
}
