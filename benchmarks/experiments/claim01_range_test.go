package experiments

import (
	"fmt"
	"maps"
	"sync"
	"testing"
)

// Claim 1: "sync.Map.Range may miss keys stored concurrently and is no snapshot."
// Verdict: true, and documented. Range visits each key at most once, but a key
// stored or deleted during the Range may or may not be seen.
//
// The experiments take the map as an interface so they can also run against
// snapshotMap, whose Range is a snapshot: there the effect cannot occur and
// both experiments must fail (TestClaim1ExperimentsFailOnASnapshot).

const claim1Keys = 1000

// rangeMap is the part of sync.Map's API the experiments use.
type rangeMap interface {
	Store(key, value any)
	Delete(key any)
	Range(f func(key, value any) bool)
}

// claim1DeleteDuringRange deletes every other key from inside the first Range
// callback. It returns an error if Range visits a key twice, or if it visits
// every key present at its start (as a snapshot would).
func claim1DeleteDuringRange(m rangeMap) (visited int, err error) {
	for i := range claim1Keys {
		m.Store(i, i)
	}
	seen := map[any]int{}
	first := true
	m.Range(func(k, _ any) bool {
		seen[k]++
		if first {
			first = false
			for i := range claim1Keys {
				if i != k.(int) {
					m.Delete(i)
				}
			}
		}
		return true
	})
	for k, n := range seen {
		if n != 1 {
			return len(seen), fmt.Errorf("key %v visited %d times", k, n)
		}
	}
	if len(seen) >= claim1Keys {
		return len(seen), fmt.Errorf("Range visited all %d keys after the others were deleted: it behaved like a snapshot", len(seen))
	}
	return len(seen), nil
}

// claim1StoreDuringRange stores new keys half-way through a Range. It returns
// an error unless every key present for the whole Range is visited and some,
// but not all, of the new keys are.
func claim1StoreDuringRange(m rangeMap) (newSeen int, err error) {
	for i := range claim1Keys {
		m.Store(i, i)
	}
	visited := 0
	m.Range(func(k, _ any) bool {
		if k.(int) >= claim1Keys {
			newSeen++
			return true
		}
		visited++
		if visited == claim1Keys/2 {
			for i := claim1Keys; i < 2*claim1Keys; i++ {
				m.Store(i, i)
			}
		}
		return true
	})
	if visited != claim1Keys {
		return newSeen, fmt.Errorf("visited %d of the %d keys present for the whole Range, want all", visited, claim1Keys)
	}
	if newSeen == 0 || newSeen == claim1Keys {
		return newSeen, fmt.Errorf("Range saw %d of %d concurrently stored keys, want some but not all (a snapshot of the start or of the end)", newSeen, claim1Keys)
	}
	return newSeen, nil
}

func TestClaim1RangeIsNotASnapshot(t *testing.T) {
	visited, err := claim1DeleteDuringRange(new(sync.Map))
	t.Logf("keys present when Range started: %d; visited after deleting the rest in the first callback: %d", claim1Keys, visited)
	conclude(t, err)
}

func TestClaim1RangeSeesSomeConcurrentStores(t *testing.T) {
	newSeen, err := claim1StoreDuringRange(new(sync.Map))
	t.Logf("stored %d new keys half-way through Range; Range visited %d of them", claim1Keys, newSeen)
	conclude(t, err)
}

// snapshotMap is a map whose Range iterates over a copy taken at its start:
// the one configuration in which claim 1's effect cannot occur.
type snapshotMap struct {
	mu sync.Mutex
	m  map[any]any
}

func (s *snapshotMap) Store(k, v any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[any]any{}
	}
	s.m[k] = v
}

func (s *snapshotMap) Delete(k any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, k)
}

func (s *snapshotMap) Range(f func(k, v any) bool) {
	s.mu.Lock()
	snap := maps.Clone(s.m)
	s.mu.Unlock()
	for k, v := range snap {
		if !f(k, v) {
			return
		}
	}
}

func TestClaim1ExperimentsFailOnASnapshot(t *testing.T) {
	if _, err := claim1DeleteDuringRange(new(snapshotMap)); err == nil {
		t.Error("the delete-during-Range experiment passed on a map whose Range is a snapshot")
	} else {
		t.Logf("on a snapshot map, as it must: %v", err)
	}
	if _, err := claim1StoreDuringRange(new(snapshotMap)); err == nil {
		t.Error("the store-during-Range experiment passed on a map whose Range is a snapshot")
	} else {
		t.Logf("on a snapshot map, as it must: %v", err)
	}
}
