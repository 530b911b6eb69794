package p15

import (
	"sync"
	"time"
)

// StoreFixed is safe for concurrent use.
type StoreFixed struct {
	mu    sync.RWMutex
	byID  map[string]*session
	idle  time.Duration
	clock func() time.Time
}

// TouchFixed records activity on session id, creating it for user if missing.
func (s *StoreFixed) TouchFixed(id, user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ss, ok := s.byID[id]; ok {
		ss.lastSeen = s.clock()
		return
	}
	s.byID[id] = &session{user: user, lastSeen: s.clock()}
}

// evictFixed re-checks expiry under the write lock before deleting.
func (s *StoreFixed) evictFixed() {
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
		if ss, ok := s.byID[id]; ok && now.Sub(ss.lastSeen) > s.idle {
			delete(s.byID, id)
		}
	}
	s.mu.Unlock()
}

// RunJanitorFixed evicts idle sessions until stop is closed.
func (s *StoreFixed) RunJanitorFixed(stop <-chan struct{}) {
	go func() {
		t := time.NewTicker(s.idle / 4)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				s.evictFixed()
			}
		}
	}()
}
