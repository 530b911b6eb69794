package t10

// Fixed version: LoadFixed keeps the read-locked fast path, but on a miss it
// takes the write lock and looks the ID up again before creating the
// session (getOrCreate), so all parallel first requests share one Session.

import (
	"context"
	"sync"
	"time"
)

// StoreFixed holds all live sessions.
type StoreFixed struct {
	idle time.Duration

	mu       sync.RWMutex
	sessions map[string]*Session
}

// NewStoreFixed returns a StoreFixed and starts its janitor until ctx is done.
func NewStoreFixed(ctx context.Context, idle time.Duration) *StoreFixed {
	s := &StoreFixed{idle: idle, sessions: make(map[string]*Session)}
	go s.janitor(ctx)
	return s
}

// get returns the session for id and marks it used. Touching it under the
// store lock keeps the janitor from expiring a session that is being used.
func (s *StoreFixed) get(id string) *Session {
	s.mu.RLock()
	defer s.mu.RUnlock()
	sess := s.sessions[id]
	if sess != nil {
		sess.touch(time.Now())
	}
	return sess
}

func (s *StoreFixed) getOrCreate(id string) *Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sess, ok := s.sessions[id]; ok {
		sess.touch(time.Now())
		return sess
	}
	sess := newSession(id)
	s.sessions[id] = sess
	return sess
}

// LoadFixed returns the session for id, creating it on first use.
func (s *StoreFixed) LoadFixed(id string) *Session {
	sess := s.get(id)
	if sess == nil {
		sess = s.getOrCreate(id)
	}
	return sess
}

// Destroy removes a session, e.g. on logout.
func (s *StoreFixed) Destroy(id string) {
	s.mu.Lock()
	delete(s.sessions, id)
	s.mu.Unlock()
}

func (s *StoreFixed) janitor(ctx context.Context) {
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
