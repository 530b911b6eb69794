package experiments

import (
	"sync"
	"testing"
)

// Claim 1: "sync.Map.Range may miss keys stored concurrently and is no snapshot."
// Verdict: true, and documented. Range visits each key at most once, but a key
// stored or deleted during the Range may or may not be seen.

const claim1Keys = 1000

// TestClaim1RangeIsNotASnapshot deletes every other key from inside the first
// Range callback: a snapshot would still visit all of them, sync.Map does not.
func TestClaim1RangeIsNotASnapshot(t *testing.T) {
	var m sync.Map
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
			t.Fatalf("key %v visited %d times", k, n)
		}
	}
	t.Logf("keys present when Range started: %d; visited after deleting the rest in the first callback: %d", claim1Keys, len(seen))
	if len(seen) >= claim1Keys {
		t.Errorf("Range visited %d keys after the others were deleted: it behaved like a snapshot", len(seen))
	}
}

// TestClaim1RangeSeesSomeConcurrentStores stores new keys half-way through a
// Range: some are visited (so Range is not a snapshot of the start) and some
// are not (so it is not a snapshot of the end either).
func TestClaim1RangeSeesSomeConcurrentStores(t *testing.T) {
	var m sync.Map
	for i := range claim1Keys {
		m.Store(i, i)
	}
	visited, newSeen := 0, 0
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
	t.Logf("stored %d new keys half-way through Range; Range visited %d of them", claim1Keys, newSeen)
	if visited != claim1Keys {
		t.Errorf("visited %d of the %d keys present for the whole Range, want all", visited, claim1Keys)
	}
	if newSeen == 0 || newSeen == claim1Keys {
		t.Errorf("Range saw %d of %d concurrently stored keys, want some but not all", newSeen, claim1Keys)
	}
}
