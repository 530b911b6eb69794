package lockedmaps

import (
	"context"
	"sync"
	"time"
)

// Expired sessions collected by a method that scans the map under the
// read lock and returns their IDs, then deleted one by one through a
// remover that locks: a session touched in between, no longer expired, is
// deleted with the stale ones (the third textbook set's r18).
type session struct {
	user     string
	lastSeen time.Time
}

type sessionStore struct {
	ttl      time.Duration
	mu       sync.RWMutex
	sessions map[string]session
}

func (st *sessionStore) Touch(id string, now time.Time) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	s, ok := st.sessions[id]
	if !ok {
		return false
	}
	s.lastSeen = now
	st.sessions[id] = s
	return true
}

func (st *sessionStore) Delete(id string) {
	st.mu.Lock()
	delete(st.sessions, id)
	st.mu.Unlock()
}

func (st *sessionStore) expiredIDs(now time.Time) []string {
	st.mu.RLock()
	defer st.mu.RUnlock()
	var ids []string
	for id, s := range st.sessions {
		if now.Sub(s.lastSeen) > st.ttl {
			ids = append(ids, id)
		}
	}
	return ids
}

func (st *sessionStore) Janitor(ctx context.Context, tick <-chan time.Time) {
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick:
			for _, id := range st.expiredIDs(now) {
				st.Delete(id) // want `st.Delete\(id\), which deletes st.sessions\[id\] through Delete \(collector.go:\d+\), of a key st.expiredIDs\(now\) collected \(line \d+, decided there by the value it saw\), is not atomic with it: another goroutine can store a new value for the key in between, and this delete removes it`
			}
		}
	}
}

// The same through a local holding the keys.
func (st *sessionStore) sweep(now time.Time) {
	stale := st.expiredIDs(now)
	for _, id := range stale {
		st.Delete(id) // want `st.Delete\(id\), which deletes st.sessions\[id\] through Delete`
	}
}

// The fix: the scan and the deletes under one lock.
func (st *sessionStore) evictExpired(now time.Time) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for id, s := range st.sessions {
		if now.Sub(s.lastSeen) > st.ttl {
			delete(st.sessions, id)
		}
	}
}

// Near-miss: the remover looks at the entry again under its lock.
func (st *sessionStore) deleteIfExpired(id string, now time.Time) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if s, ok := st.sessions[id]; ok && now.Sub(s.lastSeen) > st.ttl {
		delete(st.sessions, id)
	}
}

func (st *sessionStore) sweepChecked(now time.Time) {
	for _, id := range st.expiredIDs(now) {
		st.deleteIfExpired(id, now)
	}
}

// Near-miss: the keys are every key, collected with no test of the value.
func (st *sessionStore) ids() []string {
	st.mu.RLock()
	defer st.mu.RUnlock()
	var ids []string
	for id := range st.sessions {
		ids = append(ids, id)
	}
	return ids
}

func (st *sessionStore) clear() {
	for _, id := range st.ids() {
		st.Delete(id)
	}
}

// Near-miss: a collector that takes no lock, for callers that hold it
// across the scan and the deletes.
func (st *sessionStore) expiredLocked(now time.Time) []string {
	var ids []string
	for id, s := range st.sessions {
		if now.Sub(s.lastSeen) > st.ttl {
			ids = append(ids, id)
		}
	}
	return ids
}

func (st *sessionStore) remove(id string) {
	delete(st.sessions, id)
}

func (st *sessionStore) sweepHeld(now time.Time) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, id := range st.expiredLocked(now) {
		st.remove(id)
	}
}
