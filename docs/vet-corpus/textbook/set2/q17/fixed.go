package q17

import (
	"encoding/json"
	"net/http"
	"sync"
)

type pendingFixed struct {
	done chan struct{}
	res  ChargeResult
	err  error
}

// ServerFixed handles concurrent HTTP requests.
type ServerFixed struct {
	gw      Gateway
	mu      sync.Mutex
	entries map[string]*pendingFixed
}

func NewServerFixed(gw Gateway) *ServerFixed {
	return &ServerFixed{gw: gw, entries: make(map[string]*pendingFixed)}
}

// claimFixed returns the existing entry for key, or registers a new in-flight
// entry and reports that the caller owns it; both under one lock.
func (s *ServerFixed) claimFixed(key string) (*pendingFixed, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.entries[key]; ok {
		return p, false
	}
	p := &pendingFixed{done: make(chan struct{})}
	s.entries[key] = p
	return p, true
}

func (s *ServerFixed) forgetFixed(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.entries, key)
}

func (s *ServerFixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		http.Error(w, "missing Idempotency-Key", http.StatusBadRequest)
		return
	}
	p, owner := s.claimFixed(key)
	if !owner {
		select {
		case <-p.done:
		case <-r.Context().Done():
			return
		}
		if p.err != nil {
			http.Error(w, p.err.Error(), http.StatusBadGateway)
			return
		}
		json.NewEncoder(w).Encode(p.res)
		return
	}
	var req chargeRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		s.forgetFixed(key)
		p.err = err
		close(p.done)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	p.res, p.err = s.gw.Charge(r.Context(), req.Card, req.Amount)
	if p.err != nil {
		s.forgetFixed(key) // allow a later retry to try again
	}
	close(p.done)
	if p.err != nil {
		http.Error(w, p.err.Error(), http.StatusBadGateway)
		return
	}
	json.NewEncoder(w).Encode(p.res)
}
