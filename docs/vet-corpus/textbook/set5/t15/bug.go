// Package t15 is the payment endpoint of a billing service. Clients send an
// Idempotency-Key header so that retries do not charge twice. Completed
// results are kept in a mutex-guarded store, and a per-key lock table
// (KeyedMutex: a map of *sync.Mutex created on demand) serializes work for
// the same key. Retries of the same request frequently arrive concurrently
// (client timeout + retry while the first attempt is still in flight), and
// net/http serves each on its own goroutine.
//
// BUG (check-then-act on an idempotency store with per-key locks): the check
// is results.Get(key) ("has this key already been processed?"), done BEFORE
// taking the per-key lock; the act is charging the card and results.Put(key,
// res), done under the per-key lock. The per-key lock only serializes the two
// charges; it does not make the second request see the first one's result,
// because the second already passed the check. Concurrent retries therefore
// both charge the customer: a double charge, exactly what the idempotency key
// was meant to prevent.
package t15

import (
	"encoding/json"
	"net/http"
	"sync"
)

// KeyedMutex hands out one mutex per key.
type KeyedMutex struct {
	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

// Lock locks key and returns the unlock function.
func (k *KeyedMutex) Lock(key string) (unlock func()) {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = make(map[string]*sync.Mutex)
	}
	m, ok := k.locks[key]
	if !ok {
		m = new(sync.Mutex)
		k.locks[key] = m
	}
	k.mu.Unlock()
	m.Lock()
	return m.Unlock
}

// Result is the outcome of a charge.
type Result struct {
	ChargeID string `json:"charge_id"`
	Amount   int64  `json:"amount"`
}

type resultStore struct {
	mu sync.Mutex
	m  map[string]Result
}

func (s *resultStore) Get(key string) (Result, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.m[key]
	return r, ok
}

func (s *resultStore) Put(key string, r Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = make(map[string]Result)
	}
	s.m[key] = r
}

// Payments handles POST /charges.
type Payments struct {
	Charge  func(customer string, amount int64) (Result, error)
	locks   KeyedMutex
	results resultStore
}

type chargeReq struct {
	Customer string `json:"customer"`
	Amount   int64  `json:"amount"`
}

func (p *Payments) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	var req chargeReq
	if key == "" || json.NewDecoder(r.Body).Decode(&req) != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if res, ok := p.results.Get(key); ok {
		_ = json.NewEncoder(w).Encode(res) // replay
		return
	}

	unlock := p.locks.Lock(key)
	defer unlock()
	res, err := p.Charge(req.Customer, req.Amount)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	p.results.Put(key, res)
	_ = json.NewEncoder(w).Encode(res)
}
