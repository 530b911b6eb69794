// Package t01 implements the payment-capture endpoint of a checkout service.
//
// Clients retry POST /charges with an Idempotency-Key header; the handler is
// expected to charge the card at most once per key and replay the stored
// result for every retry. Handlers run on net/http's per-request goroutines,
// so two retries of the same request (a client timeout followed by an
// immediate retry, or a load balancer replaying the request) run
// concurrently against the same ChargeService.
//
// BUG: Capture checks whether the key is already present in the sync.Map
// (Load) and, when it is absent, calls the payment gateway and only then
// records the key (Store). Two concurrent requests carrying the same key both
// observe "absent" before either has stored anything.
//
// HARM: the customer's card is charged twice for one order (double charge);
// the second Store silently overwrites the first receipt, so the duplicate
// charge is not even visible in the idempotency table.
package t01

import (
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"time"
)

// Gateway is the external card processor.
type Gateway interface {
	Charge(customerID string, amountCents int64) (chargeID string, err error)
}

// Receipt is what is replayed to a retrying client.
type Receipt struct {
	ChargeID    string    `json:"charge_id"`
	AmountCents int64     `json:"amount_cents"`
	CreatedAt   time.Time `json:"created_at"`
}

// ChargeService captures payments exactly once per idempotency key (intended).
type ChargeService struct {
	gw   Gateway
	seen sync.Map // idempotency key -> *Receipt
}

func NewChargeService(gw Gateway) *ChargeService {
	return &ChargeService{gw: gw}
}

type chargeRequest struct {
	CustomerID  string `json:"customer_id"`
	AmountCents int64  `json:"amount_cents"`
}

var errBadRequest = errors.New("bad request")

// Capture charges the customer unless the key was seen before.
func (s *ChargeService) Capture(key, customerID string, amount int64) (*Receipt, error) {
	if v, ok := s.seen.Load(key); ok { // CHECK: key already processed?
		return v.(*Receipt), nil
	}
	// Window: another goroutine with the same key is here too.
	id, err := s.gw.Charge(customerID, amount) // ACT: charge the card
	if err != nil {
		return nil, err
	}
	r := &Receipt{ChargeID: id, AmountCents: amount, CreatedAt: time.Now()}
	s.seen.Store(key, r) // ACT: record key (too late)
	return r, nil
}

// ServeHTTP is the POST /charges handler; called on many goroutines.
func (s *ChargeService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		http.Error(w, "missing Idempotency-Key", http.StatusBadRequest)
		return
	}
	var req chargeRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.AmountCents <= 0 {
		http.Error(w, errBadRequest.Error(), http.StatusBadRequest)
		return
	}
	rec, err := s.Capture(key, req.CustomerID, req.AmountCents)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(rec)
}
