// Fix: admission (draining check + Add) and the start of draining (setting
// the flag) are serialised by one mutex, so once Drain has set the flag no
// request can Add, and every request that did Add happened before Wait began.

package t10

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
)

// ServerFixed is Server with race-free admission.
type ServerFixed struct {
	Server
	admitMu sync.Mutex // guards Server.draining transitions and inflight.Add
}

// NewServerFixed wraps store.
func NewServerFixed(store Store) *ServerFixed {
	return &ServerFixed{Server: Server{store: store}}
}

func (s *ServerFixed) admitFixed() bool {
	s.admitMu.Lock()
	defer s.admitMu.Unlock()
	if s.draining.Load() {
		return false
	}
	s.inflight.Add(1)
	return true
}

func (s *ServerFixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.admitFixed() {
		w.Header().Set("Connection", "close")
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	defer s.inflight.Done()

	orders, err := s.store.History(r.Context(), r.URL.Query().Get("customer"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(orders)
}

// DrainFixed stops admitting requests, waits for the in-flight ones (until
// ctx is done) and closes the store.
func (s *ServerFixed) DrainFixed(ctx context.Context) error {
	s.admitMu.Lock()
	s.draining.Store(true)
	s.admitMu.Unlock()

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
