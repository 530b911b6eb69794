// Package t10 is the request front of the order-history service. It counts
// in-flight requests with a WaitGroup so that Drain can wait for them before
// closing the storage layer during a graceful shutdown.
//
// Concurrency: ServeHTTP runs in one goroutine per request; Drain runs in the
// shutdown goroutine triggered by SIGTERM.
//
// BUG (WaitGroup Add after the draining check): ServeHTTP checks
// s.draining.Load() and, when not draining, acts with s.inflight.Add(1).
// Drain can set the flag and observe the group at zero (Wait returns, store
// is closed) between the check and the Add, so the request proceeds against
// a closed store; if Add races with a Wait in progress the WaitGroup also
// panics with "WaitGroup is reused before previous Wait has returned".
//
// Harm: requests admitted at the last moment run against the closed store
// and fail with 500s instead of a clean 503 that the load balancer would
// retry elsewhere, so every deploy produces user-visible errors, and
// shutdowns occasionally crash instead of draining.
package t10

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
)

// Store is the order storage; Close makes every later call fail.
type Store interface {
	History(ctx context.Context, customer string) ([]Order, error)
	Close() error
}

// Order is one past order.
type Order struct {
	ID    string `json:"id"`
	Total int64  `json:"total_cents"`
}

// Server serves /orders?customer=...
type Server struct {
	store    Store
	draining atomic.Bool
	inflight sync.WaitGroup
}

// NewServer wraps store.
func NewServer(store Store) *Server { return &Server{store: store} }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		w.Header().Set("Connection", "close")
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	s.inflight.Add(1)
	defer s.inflight.Done()

	orders, err := s.store.History(r.Context(), r.URL.Query().Get("customer"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(orders)
}

// Drain stops admitting requests, waits for the in-flight ones (until ctx is
// done) and closes the store.
func (s *Server) Drain(ctx context.Context) error {
	s.draining.Store(true)
	done := make(chan struct{})
	go func() {
		s.inflight.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		return errors.Join(ctx.Err(), s.store.Close())
	}
	return s.store.Close()
}
