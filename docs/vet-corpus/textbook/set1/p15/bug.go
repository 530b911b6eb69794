// Package p15 is a session store with a janitor goroutine that evicts idle
// sessions.
//
// BUG: the janitor collects expired IDs under RLock, releases it, then deletes
// them all under Lock without re-checking. If Touch refreshes a session
// between the two phases, the janitor still deletes it: an active user is
// logged out mid-request.
package p15

import (
	"sync"
	"time"
)

type session struct {
	user     string
	lastSeen time.Time
}

// Store is safe for concurrent use.
type Store struct {
	mu    sync.RWMutex
	byID  map[string]*session
	idle  time.Duration
	clock func() time.Time
}

// NewStore returns a store and starts its janitor.
func NewStore(idle time.Duration, stop <-chan struct{}) *Store {
	s := &Store{byID: make(map[string]*session), idle: idle, clock: time.Now}
	go func() {
		t := time.NewTicker(idle / 4)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				s.evict()
			}
		}
	}()
	return s
}

// Touch records activity on session id, creating it for user if missing.
func (s *Store) Touch(id, user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ss, ok := s.byID[id]; ok {
		ss.lastSeen = s.clock()
		return
	}
	s.byID[id] = &session{user: user, lastSeen: s.clock()}
}

// User returns the user of session id.
func (s *Store) User(id string) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ss, ok := s.byID[id]
	if !ok {
		return "", false
	}
	return ss.user, true
}

func (s *Store) evict() {
	now := s.clock()
	var expired []string
	s.mu.RLock()
	for id, ss := range s.byID {
		if now.Sub(ss.lastSeen) > s.idle {
			expired = append(expired, id)
		}
	}
	s.mu.RUnlock()

	s.mu.Lock()
	for _, id := range expired {
		delete(s.byID, id)
	}
	s.mu.Unlock()
}
