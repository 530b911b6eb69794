package r01

import (
	"net/http"
	"sync"
)

// pendingChargeFixed is claimed atomically with LoadOrStore; res/err are
// written before done is closed and read only after it is closed.
type pendingChargeFixed struct {
	done chan struct{}
	res  *chargeResult
	err  error
}

// HandlerFixed claims the idempotency key before charging, so exactly one
// goroutine performs the charge and concurrent retries wait for its answer.
type HandlerFixed struct {
	Charger Charger
	seen    sync.Map // idempotency key -> *pendingChargeFixed
}

func (h *HandlerFixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		http.Error(w, "missing Idempotency-Key", http.StatusBadRequest)
		return
	}

	mine := &pendingChargeFixed{done: make(chan struct{})}
	if v, loaded := h.seen.LoadOrStore(key, mine); loaded {
		prev := v.(*pendingChargeFixed)
		select {
		case <-prev.done:
		case <-r.Context().Done():
			return
		}
		if prev.err != nil {
			http.Error(w, "charge failed", http.StatusBadGateway)
			return
		}
		writeJSON(w, prev.res)
		return
	}

	req, err := decodeCharge(r)
	if err == nil {
		var id string
		id, err = h.Charger.Charge(req.Customer, req.Cents)
		if err == nil {
			mine.res = &chargeResult{ChargeID: id}
		}
	}
	mine.err = err
	if err != nil {
		// Let a later retry try again; waiters still see this failure.
		h.seen.CompareAndDelete(key, mine)
	}
	close(mine.done)

	if err != nil {
		http.Error(w, "charge failed", http.StatusBadGateway)
		return
	}
	writeJSON(w, mine.res)
}
