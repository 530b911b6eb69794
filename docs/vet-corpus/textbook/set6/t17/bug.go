// Package t17 is the payments endpoint of a checkout service. Clients send
// POST /payments with an Idempotency-Key header and retry on timeouts with the
// same key; the handler must charge the card at most once per key and replay
// the stored response for retries. Requests, including a retry and the
// still-running original, are served concurrently on net/http goroutines.
//
// BUG (PaymentHandler.ServeHTTP: check = h.store.lookup(key) finds no stored
// response -> act = h.charge(...) followed by h.store.save(key, resp)): the
// key is only recorded after the (slow) charge completes. A retry that
// arrives while the original request is still talking to the card processor
// also finds nothing and charges again.
//
// Harm: customers are charged twice for one purchase whenever a mobile client
// times out and retries, which is exactly the case idempotency keys exist to
// handle; refunds, chargebacks and support tickets follow.
package t17

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

type storedResponse struct {
	status int
	body   []byte
}

// IdempotencyStore remembers responses by idempotency key.
type IdempotencyStore struct {
	mu sync.Mutex
	m  map[string]storedResponse
}

func (s *IdempotencyStore) lookup(key string) (storedResponse, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.m[key]
	return r, ok
}

func (s *IdempotencyStore) save(key string, r storedResponse) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[key] = r
}

// ChargeFunc submits a charge to the card processor and returns its ID.
type ChargeFunc func(ctx context.Context, customer string, cents int64) (string, error)

// PaymentHandler serves POST /payments.
type PaymentHandler struct {
	store  *IdempotencyStore
	charge ChargeFunc
}

// NewPaymentHandler returns a handler charging through charge.
func NewPaymentHandler(charge ChargeFunc) *PaymentHandler {
	return &PaymentHandler{store: &IdempotencyStore{m: make(map[string]storedResponse)}, charge: charge}
}

func (h *PaymentHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		http.Error(w, "Idempotency-Key required", http.StatusBadRequest)
		return
	}
	if prev, ok := h.store.lookup(key); ok {
		writeStored(w, prev, true)
		return
	}
	var req struct {
		Customer string `json:"customer"`
		Cents    int64  `json:"amount_cents"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Cents <= 0 {
		http.Error(w, "invalid payment request", http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 30*time.Second)
	defer cancel()
	resp := storedResponse{status: http.StatusCreated}
	chargeID, err := h.charge(ctx, req.Customer, req.Cents)
	if err != nil {
		resp.status = http.StatusPaymentRequired
		resp.body, _ = json.Marshal(map[string]string{"error": err.Error()})
	} else {
		resp.body, _ = json.Marshal(map[string]string{"charge_id": chargeID})
	}
	h.store.save(key, resp)
	writeStored(w, resp, false)
}

func writeStored(w http.ResponseWriter, r storedResponse, replay bool) {
	w.Header().Set("Content-Type", "application/json")
	if replay {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body)
}
