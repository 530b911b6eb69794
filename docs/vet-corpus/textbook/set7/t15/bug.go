// Package t15 is the charge endpoint of the payments API. Clients send an
// Idempotency-Key header; a repeated request with the same key must replay
// the first response instead of charging the card again.
//
// Concurrency: each request runs in its own HTTP handler goroutine. Mobile
// clients retry after a 3s timeout while the first attempt (which can take
// several seconds at the card network) is still running.
//
// BUG (idempotency-key check, then charge): ServeHTTP checks a.lookup(key)
// (mutex held only inside lookup) and, when no response is recorded, acts by
// calling the card processor and only afterwards a.remember(key, ...). A
// retry that arrives while the first attempt is still at the processor
// finds nothing recorded and charges again.
//
// Harm: customers on flaky mobile networks are charged twice for one order,
// which is exactly the case idempotency keys exist to prevent.
package t15

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
)

// ChargeRequest is the JSON body of POST /v1/charges.
type ChargeRequest struct {
	Customer string `json:"customer"`
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// Processor talks to the card network.
type Processor interface {
	Charge(ctx context.Context, req ChargeRequest) (chargeID string, err error)
}

type response struct {
	status int
	body   []byte
}

// ChargeAPI serves POST /v1/charges.
type ChargeAPI struct {
	proc Processor

	mu   sync.Mutex
	done map[string]response // by idempotency key
}

// NewChargeAPI returns a handler using proc.
func NewChargeAPI(proc Processor) *ChargeAPI {
	return &ChargeAPI{proc: proc, done: make(map[string]response)}
}

func (a *ChargeAPI) lookup(key string) (response, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	r, ok := a.done[key]
	return r, ok
}

func (a *ChargeAPI) remember(key string, r response) {
	a.mu.Lock()
	a.done[key] = r
	a.mu.Unlock()
}

func (a *ChargeAPI) charge(r *http.Request) response {
	var req ChargeRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Amount <= 0 {
		return response{http.StatusBadRequest, []byte(`{"error":"invalid request"}`)}
	}
	id, err := a.proc.Charge(r.Context(), req)
	if err != nil {
		body, _ := json.Marshal(map[string]string{"error": err.Error()})
		return response{http.StatusPaymentRequired, body}
	}
	body, _ := json.Marshal(map[string]any{"id": id, "amount": req.Amount, "currency": req.Currency})
	return response{http.StatusCreated, body}
}

func (a *ChargeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		http.Error(w, "Idempotency-Key header required", http.StatusBadRequest)
		return
	}
	resp, seen := a.lookup(key)
	if !seen {
		resp = a.charge(r)
		a.remember(key, resp)
	}
	w.Header().Set("Content-Type", "application/json")
	if seen {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}
