// Package q07 is an HTTP session store with sliding expiration.
//
// BUG: the auth middleware reads a copy of the session, checks that it is not
// revoked, extends it and writes the whole copy back. If /logout revokes the
// session between the Get and the Put, the Put overwrites Revoked=true with the
// stale Revoked=false, resurrecting a session the user (or an admin reacting
// to a stolen cookie) has just terminated.
package q07

import (
	"errors"
	"net/http"
	"sync"
	"time"
)

var ErrNoSession = errors.New("no such session")

type Session struct {
	UserID    string
	ExpiresAt time.Time
	Revoked   bool
}

func (s Session) valid(now time.Time) bool { return !s.Revoked && now.Before(s.ExpiresAt) }

// Store is shared by all HTTP handlers.
type Store struct {
	mu       sync.Mutex
	sessions map[string]Session
	ttl      time.Duration
}

func NewStore(ttl time.Duration) *Store {
	return &Store{sessions: make(map[string]Session), ttl: ttl}
}

func (st *Store) Get(id string) (Session, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s, ok := st.sessions[id]
	if !ok {
		return Session{}, ErrNoSession
	}
	return s, nil
}

func (st *Store) Put(id string, s Session) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.sessions[id] = s
}

func (st *Store) Revoke(id string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if s, ok := st.sessions[id]; ok {
		s.Revoked = true
		st.sessions[id] = s
	}
}

// Authenticate validates the session cookie and slides its expiry.
func (st *Store) Authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("sid")
		if err != nil {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		s, err := st.Get(c.Value)
		if err != nil || !s.valid(time.Now()) {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		s.ExpiresAt = time.Now().Add(st.ttl)
		st.Put(c.Value, s)
		next.ServeHTTP(w, r)
	})
}

func (st *Store) LogoutHandler(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie("sid"); err == nil {
		st.Revoke(c.Value)
	}
	w.WriteHeader(http.StatusNoContent)
}
