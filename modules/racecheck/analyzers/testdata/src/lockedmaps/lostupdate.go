// Package lockedmaps holds check-then-act on Go maps guarded by a lock that
// checkthenact reports without -plainmaps (lost updates, stale deletes,
// deletes of collected keys, replaces ordered by what they store): real
// bugs, their fixes, and near-misses.
package lockedmaps

import (
	"encoding/json"
	"strings"
	"sync"
)

// The read-unlock-lock-write counter: a count read under the read lock
// and written back, incremented, under the write lock loses every
// increment another goroutine made in between.
type hits struct {
	mu     sync.RWMutex
	counts map[string]int
}

func (h *hits) add(page string) {
	h.mu.RLock()
	n := h.counts[page]
	h.mu.RUnlock()
	h.mu.Lock()
	h.counts[page] = n + 1 // want `h.counts\[page\] = … after h.counts\[page\] on line 23 stores a value computed from the loaded one, but is not atomic with it: another goroutine can update page in between, and that update is lost; use one lock held across the check and the write`
	h.mu.Unlock()
}

// Near-miss: one critical section.
func (h *hits) addHeld(page string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := h.counts[page]
	h.counts[page] = n + 1
}

// Near-miss: the map is touched without its lock at the write, a data race
// the race detector reports, not a check-then-act.
func (h *hits) addUnlocked(page string) {
	h.mu.RLock()
	n := h.counts[page]
	h.mu.RUnlock()
	h.counts[page] = n + 1
}

// Near-miss: what a miss stores is made from the key alone (zeromicro/go-zero
// core/mapping/unmarshaler.go at 11f21098ddd9, the default values of a
// slice field parsed once per default string): on the only path to the
// write the read found nothing, so the variable it filled holds its zero
// value there, and racing fillers store equal slices.
var (
	defaultCacheLock sync.Mutex
	defaultCache     = map[string][]string{}
)

func sliceDefault(defaultValue string, grouped bool) ([]string, error) {
	defaultCacheLock.Lock()
	slice, ok := defaultCache[defaultValue]
	defaultCacheLock.Unlock()
	if !ok {
		if grouped {
			slice = strings.Split(defaultValue, ",")
		} else if err := json.Unmarshal([]byte(defaultValue), &slice); err != nil {
			return nil, err
		}
		defaultCacheLock.Lock()
		defaultCache[defaultValue] = slice
		defaultCacheLock.Unlock()
	}
	return slice, nil
}

// The same lost increment through a getter and a setter that each take
// the lock: the count read by get is written back, incremented, by set,
// and every increment made in between is lost.
type tally struct {
	mu     sync.Mutex
	counts map[string]int
}

func (t *tally) get(k string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.counts[k]
}

func (t *tally) set(k string, n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.counts[k] = n
}

func (t *tally) add(k string, n int) {
	old := t.get(k)
	t.set(k, old+n) // want `t.set\(k, old\+n\), which makes t.counts\[k\] = … under t.mu through set \(lostupdate.go:91\), after t.get\(k\), which reads t.counts\[k\] under t.mu, on line 95 stores a value computed from the loaded one, but is not atomic with it: another goroutine can update k in between, and that update is lost; use one lock held across the check and the write, in one function in place of this read and set`
}

// Near-miss: the read and the write in one critical section.
func (t *tally) addHeld(k string, n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.counts[k] += n
}
