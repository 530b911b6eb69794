// Package t10 is the server-side session store of a web application. The
// signed session cookie is issued at the edge; the store materialises the
// server-side state lazily the first time a request with that ID arrives.
//
// Concurrency: a browser loading a page fires the document request and a
// handful of XHR/asset requests in parallel, each served on its own
// goroutine that calls Store.Load for the same session ID. NewStore starts a
// janitor goroutine that removes idle sessions. The sessions map is guarded
// by s.mu (RWMutex); get and put each lock it, and each Session guards its
// own values with its own mutex.
//
// BUG: Load calls get, and when the session is missing creates a new one
// and calls put. Two parallel first requests both miss and both create a
// session; the second put replaces the first (check -> act).
//
// HARM: whatever the first request wrote into its Session object is lost.
// On the OAuth callback that is the authenticated user ID and the login
// state nonce, so users are bounced back to the login page right after
// logging in, or the CSRF token issued with the form no longer matches and
// the user's checkout POST is rejected.
package t10

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"
)

// Session is the server-side state for one browser session.
type Session struct {
	ID string

	mu       sync.Mutex
	values   map[string]string
	lastSeen time.Time
}

// Get returns a session value.
func (s *Session) Get(key string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.values[key]
	return v, ok
}

// Set stores a session value.
func (s *Session) Set(key, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.values[key] = value
}

func (s *Session) touch(now time.Time) {
	s.mu.Lock()
	s.lastSeen = now
	s.mu.Unlock()
}

func (s *Session) idleSince(now time.Time) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return now.Sub(s.lastSeen)
}

func newSession(id string) *Session {
	var b [24]byte
	_, _ = rand.Read(b[:])
	s := &Session{ID: id, values: make(map[string]string), lastSeen: time.Now()}
	s.values["csrf"] = base64.RawURLEncoding.EncodeToString(b[:])
	return s
}

// Store holds all live sessions.
type Store struct {
	idle time.Duration

	mu       sync.RWMutex
	sessions map[string]*Session
}

// NewStore returns a Store and starts its janitor until ctx is done.
func NewStore(ctx context.Context, idle time.Duration) *Store {
	s := &Store{idle: idle, sessions: make(map[string]*Session)}
	go s.janitor(ctx)
	return s
}

// get returns the session for id and marks it used. Touching it under the
// store lock keeps the janitor from expiring a session that is being used.
func (s *Store) get(id string) *Session {
	s.mu.RLock()
	defer s.mu.RUnlock()
	sess := s.sessions[id]
	if sess != nil {
		sess.touch(time.Now())
	}
	return sess
}

func (s *Store) put(sess *Session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions[sess.ID] = sess
}

// Load returns the session for id, creating it on first use.
func (s *Store) Load(id string) *Session {
	sess := s.get(id)
	if sess == nil {
		sess = newSession(id)
		s.put(sess)
	}
	return sess
}

// Destroy removes a session, e.g. on logout.
func (s *Store) Destroy(id string) {
	s.mu.Lock()
	delete(s.sessions, id)
	s.mu.Unlock()
}

func (s *Store) janitor(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			s.mu.Lock()
			for id, sess := range s.sessions {
				if sess.idleSince(now) > s.idle {
					delete(s.sessions, id)
				}
			}
			s.mu.Unlock()
		}
	}
}
