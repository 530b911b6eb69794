// Package s19 enforces a per-user limit on concurrent login sessions
// (one seat = at most MaxSessions devices). [hard]
//
// BUG (decision made on a struct copy, then acted on): Login takes a Stats
// value snapshot of the user's sessions, asks the copy CanLogin(), and then
// calls add. Stats() and add each lock the user's mutex, but the copy is
// stale as soon as Stats returns. Login runs on a goroutine per HTTP
// request, so when a shared account logs in from many devices at once, all
// requests see Active < Max and all are admitted: the seat limit that the
// licence (and billing) is based on is bypassed.
package s19

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"sync"
	"time"
)

var ErrTooManySessions = errors.New("session limit reached")

// Stats is a point-in-time copy of a user's session state.
type Stats struct {
	Active    int
	Max       int
	LastLogin time.Time
}

func (s Stats) CanLogin() bool { return s.Active < s.Max }

type userSessions struct {
	mu        sync.Mutex
	max       int
	tokens    map[string]time.Time
	lastLogin time.Time
}

func (u *userSessions) Stats() Stats {
	u.mu.Lock()
	defer u.mu.Unlock()
	return Stats{Active: len(u.tokens), Max: u.max, LastLogin: u.lastLogin}
}

func (u *userSessions) add(tok string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	now := time.Now()
	u.tokens[tok] = now
	u.lastLogin = now
}

// Manager is safe for concurrent use.
type Manager struct {
	MaxSessions int

	mu    sync.Mutex
	users map[string]*userSessions
}

func NewManager(max int) *Manager {
	return &Manager{MaxSessions: max, users: map[string]*userSessions{}}
}

func (m *Manager) user(name string) *userSessions {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.users[name]
	if !ok {
		u = &userSessions{max: m.MaxSessions, tokens: map[string]time.Time{}}
		m.users[name] = u
	}
	return u
}

func newToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (m *Manager) Login(name string) (string, error) {
	u := m.user(name)
	if st := u.Stats(); !st.CanLogin() {
		return "", ErrTooManySessions
	}
	tok := newToken()
	u.add(tok)
	return tok, nil
}

// LoginHandler is called after the password has been verified.
func (m *Manager) LoginHandler(w http.ResponseWriter, r *http.Request) {
	tok, err := m.Login(r.FormValue("user"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusForbidden)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: "session", Value: tok, HttpOnly: true, Secure: true})
}
