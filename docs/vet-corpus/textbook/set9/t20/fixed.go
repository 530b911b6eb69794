package t20

// Fix: claim the key before doing the work. Under one lock, WrapFixed
// either finds a completed response, finds an in-flight marker, or installs
// its own in-flight marker (a channel closed when the response is saved).
// Only the request that installed the marker runs the handler; concurrent
// duplicates wait for it and replay its response, so the charge happens
// once. (If the handler panics, the marker is released so a later retry can
// proceed.)

import (
	"net/http"
	"sync"
)

type inflightFixed struct {
	done chan struct{}
	resp savedResponse
	ok   bool
}

// IdempotencyFixed stores completed and in-flight responses by key.
type IdempotencyFixed struct {
	mu      sync.Mutex
	entries map[string]*inflightFixed
}

// NewIdempotencyFixed returns an empty store.
func NewIdempotencyFixed() *IdempotencyFixed {
	return &IdempotencyFixed{entries: make(map[string]*inflightFixed)}
}

// claim returns the entry for key and whether the caller owns it (must run
// the handler).
func (s *IdempotencyFixed) claim(key string) (*inflightFixed, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.entries[key]; ok {
		return e, false
	}
	e := &inflightFixed{done: make(chan struct{})}
	s.entries[key] = e
	return e, true
}

// WrapFixed makes next idempotent per Idempotency-Key.
func (s *IdempotencyFixed) WrapFixed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Idempotency-Key")
		if key == "" || r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		e, owner := s.claim(key)
		if !owner {
			select {
			case <-e.done:
			case <-r.Context().Done():
				return
			}
			if !e.ok {
				http.Error(w, "original request failed, retry", http.StatusConflict)
				return
			}
			e.resp.replay(w)
			return
		}
		defer func() {
			if !e.ok { // handler panicked: forget the key
				s.mu.Lock()
				delete(s.entries, key)
				s.mu.Unlock()
			}
			close(e.done)
		}()
		rec := newRecorder()
		next.ServeHTTP(rec, r)
		e.resp = rec.saved()
		e.ok = true
		e.resp.replay(w)
	})
}
