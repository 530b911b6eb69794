// Package r18 is an in-memory session store with sliding expiration: every
// authenticated request extends its session, and a janitor goroutine evicts
// sessions that have been idle for longer than the TTL.
//
// BUG (check-then-act on struct copies, carried through a slice): the
// janitor calls expiredIDs(), which copies sessions out of the map under
// RLock and decides on the copies which ones are expired, and only later
// deletes each returned id with Delete. Meanwhile the auth middleware, on
// request goroutines, calls Touch to slide LastSeen forward. A user who
// comes back just as their session crosses the TTL has it refreshed by
// Touch after the janitor's check but before its Delete; the janitor then
// deletes a session that is live again. The user is logged out in the
// middle of what they were doing and the server-side session data (cart,
// half-filled multi-step form) is destroyed.
package r18

import (
	"context"
	"net/http"
	"sync"
	"time"
)

type Session struct {
	UserID   string
	LastSeen time.Time
	Cart     []string
}

func (s Session) expired(now time.Time, ttl time.Duration) bool {
	return now.Sub(s.LastSeen) > ttl
}

type Store struct {
	ttl time.Duration

	mu       sync.RWMutex
	sessions map[string]Session // values, not pointers
}

func NewStore(ttl time.Duration) *Store {
	return &Store{ttl: ttl, sessions: make(map[string]Session)}
}

// Touch slides the session's expiry; it reports false for unknown ids.
func (st *Store) Touch(id string, now time.Time) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	s, ok := st.sessions[id]
	if !ok {
		return false
	}
	s.LastSeen = now
	st.sessions[id] = s
	return true
}

func (st *Store) Delete(id string) {
	st.mu.Lock()
	delete(st.sessions, id)
	st.mu.Unlock()
}

func (st *Store) expiredIDs(now time.Time) []string {
	st.mu.RLock()
	defer st.mu.RUnlock()
	var ids []string
	for id, s := range st.sessions {
		if s.expired(now, st.ttl) {
			ids = append(ids, id)
		}
	}
	return ids
}

// Janitor runs in its own goroutine for the lifetime of the server.
func (st *Store) Janitor(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			for _, id := range st.expiredIDs(now) {
				st.Delete(id)
			}
		}
	}
}

// Middleware authenticates requests by their session cookie.
func (st *Store) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("sid")
		if err != nil || !st.Touch(c.Value, time.Now()) {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}
