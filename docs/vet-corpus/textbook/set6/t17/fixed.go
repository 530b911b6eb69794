// Fix: the key is claimed before charging. beginFixed looks up and, if absent,
// inserts an in-flight entry under one lock hold; exactly one request becomes
// the owner and charges, the others wait on the entry's done channel and
// replay the owner's response.

package t17

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

type pendingFixed struct {
	done chan struct{} // closed once resp is set
	resp storedResponse
}

// IdempotencyStoreFixed remembers responses by idempotency key.
type IdempotencyStoreFixed struct {
	mu sync.Mutex
	m  map[string]*pendingFixed
}

// beginFixed returns the entry for key and whether the caller owns it (must
// produce the response and call finishFixed).
func (s *IdempotencyStoreFixed) beginFixed(key string) (*pendingFixed, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.m[key]; ok {
		return p, false
	}
	p := &pendingFixed{done: make(chan struct{})}
	s.m[key] = p
	return p, true
}

func (s *IdempotencyStoreFixed) finishFixed(p *pendingFixed, r storedResponse) {
	p.resp = r
	close(p.done)
}

// PaymentHandlerFixed serves POST /payments.
type PaymentHandlerFixed struct {
	store  *IdempotencyStoreFixed
	charge ChargeFunc
}

// NewPaymentHandlerFixed returns a handler charging through charge.
func NewPaymentHandlerFixed(charge ChargeFunc) *PaymentHandlerFixed {
	return &PaymentHandlerFixed{store: &IdempotencyStoreFixed{m: make(map[string]*pendingFixed)}, charge: charge}
}

func (h *PaymentHandlerFixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		http.Error(w, "Idempotency-Key required", http.StatusBadRequest)
		return
	}
	p, owner := h.store.beginFixed(key)
	if !owner {
		select {
		case <-p.done:
			writeStored(w, p.resp, true)
		case <-r.Context().Done():
		}
		return
	}
	var req struct {
		Customer string `json:"customer"`
		Cents    int64  `json:"amount_cents"`
	}
	resp := storedResponse{status: http.StatusCreated}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Cents <= 0 {
		resp.status = http.StatusBadRequest
		resp.body, _ = json.Marshal(map[string]string{"error": "invalid payment request"})
	} else {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 30*time.Second)
		chargeID, err := h.charge(ctx, req.Customer, req.Cents)
		cancel()
		if err != nil {
			resp.status = http.StatusPaymentRequired
			resp.body, _ = json.Marshal(map[string]string{"error": err.Error()})
		} else {
			resp.body, _ = json.Marshal(map[string]string{"charge_id": chargeID})
		}
	}
	h.store.finishFixed(p, resp)
	writeStored(w, resp, false)
}
