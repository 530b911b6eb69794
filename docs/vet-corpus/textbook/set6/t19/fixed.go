// Fix: lastSeen is guarded by the manager's mutex, and the timer callback
// performs the idle check and the delete in one m.mu critical section
// (expireIfIdleFixed); Touch refreshes lastSeen under the same mutex, so a
// request either refreshes the session before the check or finds it gone.
// onExpire runs outside the lock, only for a session actually removed.

package t19

import (
	"context"
	"crypto/rand"
	"net/http"
	"sync"
	"time"
)

// SessionFixed is one logged-in browser.
type SessionFixed struct {
	ID       string
	User     string
	lastSeen time.Time // guarded by ManagerFixed.mu
	Cart     []string
}

// ManagerFixed owns all live sessions.
type ManagerFixed struct {
	mu       sync.Mutex
	sessions map[string]*SessionFixed
	ttl      time.Duration
	onExpire func(*SessionFixed)
}

// NewManagerFixed returns a manager expiring sessions idle for ttl.
func NewManagerFixed(ttl time.Duration, onExpire func(*SessionFixed)) *ManagerFixed {
	return &ManagerFixed{sessions: make(map[string]*SessionFixed), ttl: ttl, onExpire: onExpire}
}

// Create starts a session for user.
func (m *ManagerFixed) Create(user string) *SessionFixed {
	s := &SessionFixed{ID: rand.Text(), User: user, lastSeen: time.Now()}
	m.mu.Lock()
	m.sessions[s.ID] = s
	m.mu.Unlock()
	time.AfterFunc(m.ttl, m.reaperFixed(s))
	return s
}

// expireIfIdleFixed removes s if it is idle; otherwise it returns how long
// until it could be.
func (m *ManagerFixed) expireIfIdleFixed(s *SessionFixed) (removed bool, wait time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if idle := time.Since(s.lastSeen); idle < m.ttl {
		return false, m.ttl - idle
	}
	delete(m.sessions, s.ID)
	return true, 0
}

func (m *ManagerFixed) reaperFixed(s *SessionFixed) func() {
	var fire func()
	fire = func() {
		removed, wait := m.expireIfIdleFixed(s)
		if !removed {
			time.AfterFunc(wait, fire)
			return
		}
		m.onExpire(s)
	}
	return fire
}

// Touch returns the live session id and marks it as used now.
func (m *ManagerFixed) Touch(id string) (*SessionFixed, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[id]
	if ok {
		s.lastSeen = time.Now()
	}
	return s, ok
}

// Middleware rejects requests without a live session.
func (m *ManagerFixed) Middleware(next http.Handler) http.Handler {
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
