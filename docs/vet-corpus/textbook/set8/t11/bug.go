// Package t11 implements the server-side session store of a web shop.
// Sessions have a sliding idle timeout: every authenticated request calls
// Touch, which extends the expiry. A sweeper goroutine runs every few
// seconds and deletes sessions whose expiry has passed; on deletion the
// server-side cart and the CSRF secret attached to the session are dropped.
//
// Concurrency: Touch/Get run on HTTP request goroutines (RLock/Lock); the
// sweeper runs on its own ticker goroutine.
//
// BUG: the sweeper collects expired IDs under the read lock (CHECK:
// expires < now) and, after releasing it, deletes each of them under the
// write lock (ACT) without re-checking. A request that Touches the session
// in between extends the expiry, but the sweeper deletes it anyway.
//
// HARM: a user who clicks "Pay" just as their session was about to time out
// is logged out in the middle of checkout: the refreshed session is deleted,
// the cart is lost and the payment POST fails CSRF validation.
package t11

import (
	"net/http"
	"sync"
	"time"
)

// Session is server-side state for one login.
type Session struct {
	UserID  string
	CSRF    string
	Cart    []string
	expires time.Time
}

// Store holds sessions keyed by cookie value.
type Store struct {
	mu       sync.RWMutex
	sessions map[string]*Session
	idle     time.Duration
}

func NewStore(idle time.Duration) *Store {
	return &Store{sessions: make(map[string]*Session), idle: idle}
}

// Touch returns the session and slides its expiry forward.
func (s *Store) Touch(id string) (*Session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[id]
	if !ok || time.Now().After(sess.expires) {
		return nil, false
	}
	sess.expires = time.Now().Add(s.idle)
	return sess, true
}

// Create registers a new session.
func (s *Store) Create(id string, sess *Session) {
	s.mu.Lock()
	sess.expires = time.Now().Add(s.idle)
	s.sessions[id] = sess
	s.mu.Unlock()
}

func (s *Store) expiredIDs(now time.Time) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var ids []string
	for id, sess := range s.sessions {
		if now.After(sess.expires) { // CHECK
			ids = append(ids, id)
		}
	}
	return ids
}

func (s *Store) delete(id string) {
	s.mu.Lock()
	delete(s.sessions, id) // ACT: no re-check of expires
	s.mu.Unlock()
}

// Sweep removes expired sessions.
func (s *Store) Sweep() int {
	ids := s.expiredIDs(time.Now())
	// Touch may refresh any of these sessions here.
	for _, id := range ids {
		s.delete(id)
	}
	return len(ids)
}

// RunSweeper is started once from main.
func (s *Store) RunSweeper(every time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.Sweep()
		case <-stop:
			return
		}
	}
}

// RequireSession is the auth middleware.
func (s *Store) RequireSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("sid")
		if err != nil {
			http.Redirect(w, r, "/login", http.StatusFound)
			return
		}
		if _, ok := s.Touch(c.Value); !ok {
			http.Redirect(w, r, "/login", http.StatusFound)
			return
		}
		next.ServeHTTP(w, r)
	})
}
