// Package t15 is the graceful-shutdown wrapper of an HTTP service in the style
// of Caddy's / Kratos' server lifecycle: in-flight requests are tracked with a
// sync.WaitGroup so that Shutdown can wait for them before closing the
// database handle they use.
//
// Concurrency: net/http runs ServeHTTP on one goroutine per request; the
// signal-handling goroutine calls Shutdown once. The closing flag is an
// atomic.Bool; the WaitGroup and the store are goroutine-safe.
//
// BUG: ServeHTTP checks closing.Load() and only afterwards calls
// inflight.Add(1). Shutdown can Store(true) and run inflight.Wait() in
// between: Wait sees a zero counter and returns, then the request registers
// itself and proceeds.
// check: !s.closing.Load() -> act: s.inflight.Add(1) (and the request runs).
//
// HARM: Shutdown closes the store while the request is still running; the
// handler has already charged the payment provider but its order insert fails
// with ErrStoreClosed, so the customer is charged for an order that is never
// recorded. (Add racing with Wait at counter zero is also WaitGroup misuse and
// can panic with "WaitGroup is reused before previous Wait has returned".)
package t15

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
)

var ErrStoreClosed = errors.New("store: closed")

// Store is the service's database handle.
type Store struct {
	mu     sync.Mutex
	closed bool
	orders map[string][]byte
}

func NewStore() *Store { return &Store{orders: make(map[string][]byte)} }

func (s *Store) Insert(id string, v []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrStoreClosed
	}
	s.orders[id] = v
	return nil
}

func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

// Charger talks to the payment provider.
type Charger interface {
	Charge(ctx context.Context, customer string, cents int64) (string, error)
}

type order struct {
	Customer string `json:"customer"`
	Cents    int64  `json:"cents"`
}

// Server is the HTTP front end.
type Server struct {
	store   *Store
	charger Charger

	closing  atomic.Bool
	inflight sync.WaitGroup
}

func NewServer(st *Store, ch Charger) *Server { return &Server{store: st, charger: ch} }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.closing.Load() {
		w.Header().Set("Connection", "close")
		http.Error(w, "server shutting down", http.StatusServiceUnavailable)
		return
	}
	s.inflight.Add(1)
	defer s.inflight.Done()
	s.placeOrder(w, r)
}

func (s *Server) placeOrder(w http.ResponseWriter, r *http.Request) {
	var o order
	if err := json.NewDecoder(r.Body).Decode(&o); err != nil || o.Cents <= 0 {
		http.Error(w, "bad order", http.StatusBadRequest)
		return
	}
	chargeID, err := s.charger.Charge(r.Context(), o.Customer, o.Cents)
	if err != nil {
		http.Error(w, "payment failed", http.StatusPaymentRequired)
		return
	}
	body, _ := json.Marshal(o)
	if err := s.store.Insert(chargeID, body); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]string{"charge": chargeID})
}

// Shutdown stops accepting work, waits for in-flight requests (or ctx), then
// closes the store.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closing.Store(true)
	done := make(chan struct{})
	go func() {
		s.inflight.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		return ctx.Err()
	}
	return s.store.Close()
}
