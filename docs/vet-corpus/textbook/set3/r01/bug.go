// Package r01 implements an HTTP payment endpoint that deduplicates client
// retries by their Idempotency-Key header.
//
// BUG (check-then-act on a sync.Map): Handler.ServeHTTP checks whether the
// idempotency key is already recorded (seen.Load) and, when it is absent,
// charges the card and only afterwards records the key (seen.Store). net/http
// serves every request on its own goroutine, and a mobile client that times
// out and retries sends the second attempt while the first is still talking
// to the card processor. Both goroutines observe "key absent", both call
// Charger.Charge, and the customer is charged twice for one purchase — the
// exact thing the idempotency key exists to prevent.
package r01

import (
	"encoding/json"
	"net/http"
	"sync"
)

// Charger talks to the card processor. A call typically takes 1-3 seconds.
type Charger interface {
	Charge(customer string, cents int64) (chargeID string, err error)
}

type chargeRequest struct {
	Customer string `json:"customer"`
	Cents    int64  `json:"cents"`
}

type chargeResult struct {
	ChargeID string `json:"charge_id"`
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func decodeCharge(r *http.Request) (chargeRequest, error) {
	var req chargeRequest
	err := json.NewDecoder(r.Body).Decode(&req)
	return req, err
}

// Handler serves POST /charges. It is registered once on the mux and, like
// every http.Handler, is invoked concurrently.
type Handler struct {
	Charger Charger
	seen    sync.Map // idempotency key -> *chargeResult
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		http.Error(w, "missing Idempotency-Key", http.StatusBadRequest)
		return
	}

	// Replay the stored answer for a retry we have already processed.
	if prev, ok := h.seen.Load(key); ok {
		writeJSON(w, prev.(*chargeResult))
		return
	}

	req, err := decodeCharge(r)
	if err != nil {
		http.Error(w, "bad request body", http.StatusBadRequest)
		return
	}
	id, err := h.Charger.Charge(req.Customer, req.Cents)
	if err != nil {
		http.Error(w, "charge failed", http.StatusBadGateway)
		return
	}
	res := &chargeResult{ChargeID: id}
	h.seen.Store(key, res)
	writeJSON(w, res)
}
