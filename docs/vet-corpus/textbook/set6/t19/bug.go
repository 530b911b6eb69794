// Package t19 is the session manager of a web shop. Every HTTP request
// (net/http goroutine) refreshes its session through Touch; each session has a
// time.AfterFunc timer whose callback runs on its own goroutine and expires
// the session once it has been idle for the TTL. Expiry runs onExpire, which
// revokes the session's tokens and discards its unsaved cart.
//
// BUG [hard] (timer callback built by Manager.reaper: check = the idleFor
// closure reports idle >= m.ttl -> act = m.remove(s), which deletes the
// session and runs onExpire): the check and the act are in separate closures
// and methods, invoked from a timer goroutine, with no lock held across them.
// A request can Touch the session after the idle check and before the removal;
// the request is accepted as authenticated, and the session is destroyed
// under it.
//
// Harm: a shopper who clicks just as their session reaches the TTL gets a
// successful response, then is logged out and finds the cart they were
// filling discarded; a request that was already authorised runs against a
// revoked session.
package t19

import (
	"context"
	"crypto/rand"
	"net/http"
	"sync"
	"time"
)

// Session is one logged-in browser.
type Session struct {
	ID       string
	User     string
	mu       sync.Mutex
	lastSeen time.Time
	Cart     []string
}

// Manager owns all live sessions.
type Manager struct {
	mu       sync.Mutex
	sessions map[string]*Session
	ttl      time.Duration
	onExpire func(*Session)
}

// NewManager returns a manager expiring sessions idle for ttl.
func NewManager(ttl time.Duration, onExpire func(*Session)) *Manager {
	return &Manager{sessions: make(map[string]*Session), ttl: ttl, onExpire: onExpire}
}

// Create starts a session for user.
func (m *Manager) Create(user string) *Session {
	s := &Session{ID: rand.Text(), User: user, lastSeen: time.Now()}
	m.mu.Lock()
	m.sessions[s.ID] = s
	m.mu.Unlock()
	time.AfterFunc(m.ttl, m.reaper(s))
	return s
}

// reaper returns the timer callback that expires s once it is idle for ttl.
func (m *Manager) reaper(s *Session) func() {
	idleFor := func() time.Duration {
		s.mu.Lock()
		defer s.mu.Unlock()
		return time.Since(s.lastSeen)
	}
	var fire func()
	fire = func() {
		if idle := idleFor(); idle < m.ttl {
			time.AfterFunc(m.ttl-idle, fire) // used since; look again later
			return
		}
		m.remove(s)
	}
	return fire
}

func (m *Manager) remove(s *Session) {
	m.mu.Lock()
	delete(m.sessions, s.ID)
	m.mu.Unlock()
	m.onExpire(s)
}

// Touch returns the live session id and marks it as used now.
func (m *Manager) Touch(id string) (*Session, bool) {
	m.mu.Lock()
	s, ok := m.sessions[id]
	m.mu.Unlock()
	if !ok {
		return nil, false
	}
	s.mu.Lock()
	s.lastSeen = time.Now()
	s.mu.Unlock()
	return s, true
}

type sessionKey struct{}

// Middleware rejects requests without a live session.
func (m *Manager) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("sid")
		if err != nil {
			http.Error(w, "login required", http.StatusUnauthorized)
			return
		}
		s, ok := m.Touch(c.Value)
		if !ok {
			http.Error(w, "session expired", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, s)))
	})
}
