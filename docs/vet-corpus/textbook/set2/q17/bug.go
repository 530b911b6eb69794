// Package q17 is the /charge endpoint of a payment API. Clients send an
// Idempotency-Key header so that a retried request returns the stored result
// instead of charging the card again.
//
// BUG: the handler checks for a stored result under the lock, releases it,
// charges the card, and only then stores the result. A client that times out
// and retries while the first request is still in flight sends a second request
// with the same key; it finds no result and charges the card a second time.
package q17

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
)

type ChargeResult struct {
	ChargeID string `json:"charge_id"`
	Amount   int64  `json:"amount"`
}

type Gateway interface {
	Charge(ctx context.Context, card string, amount int64) (ChargeResult, error)
}

// Server handles concurrent HTTP requests.
type Server struct {
	gw      Gateway
	mu      sync.Mutex
	results map[string]ChargeResult
}

func NewServer(gw Gateway) *Server {
	return &Server{gw: gw, results: make(map[string]ChargeResult)}
}

func (s *Server) cached(key string) (ChargeResult, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.results[key]
	return r, ok
}

func (s *Server) remember(key string, r ChargeResult) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.results[key] = r
}

type chargeRequest struct {
	Card   string `json:"card"`
	Amount int64  `json:"amount"`
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		http.Error(w, "missing Idempotency-Key", http.StatusBadRequest)
		return
	}
	if res, ok := s.cached(key); ok {
		json.NewEncoder(w).Encode(res)
		return
	}
	var req chargeRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	res, err := s.gw.Charge(r.Context(), req.Card, req.Amount)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	s.remember(key, res)
	json.NewEncoder(w).Encode(res)
}
