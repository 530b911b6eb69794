package t15

import (
	"encoding/json"
	"net/http"
)

// PaymentsFixed handles POST /charges.
type PaymentsFixed struct {
	Charge  func(customer string, amount int64) (Result, error)
	locks   KeyedMutex
	results resultStore
}

// ServeHTTP takes the per-key lock first and performs the "already
// processed?" check while holding it, so a concurrent retry waits for the
// first attempt and then replays its stored result.
func (p *PaymentsFixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	var req chargeReq
	if key == "" || json.NewDecoder(r.Body).Decode(&req) != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}

	unlock := p.locks.Lock(key)
	defer unlock()
	if res, ok := p.results.Get(key); ok {
		_ = json.NewEncoder(w).Encode(res) // replay
		return
	}
	res, err := p.Charge(req.Customer, req.Amount)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	p.results.Put(key, res)
	_ = json.NewEncoder(w).Encode(res)
}
