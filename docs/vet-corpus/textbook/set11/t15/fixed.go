// Fixed version of the t15 server: the closing check and inflight.Add(1) are
// done under one mutex (enter), and ShutdownFixed sets closing under the same
// mutex before calling Wait. Every request either registered with the
// WaitGroup before closing was set (so Wait waits for it) or sees closing and
// is rejected; no request can slip in after Wait has observed zero.
package t15

import (
	"context"
	"net/http"
	"sync"
)

type ServerFixed struct {
	store   *Store
	charger Charger

	mu       sync.Mutex
	closing  bool
	inflight sync.WaitGroup
	inner    *Server
}

func NewServerFixed(st *Store, ch Charger) *ServerFixed {
	return &ServerFixed{store: st, charger: ch, inner: NewServer(st, ch)}
}

// enter registers a request unless the server is closing.
func (s *ServerFixed) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.inflight.Add(1)
	return true
}

func (s *ServerFixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.enter() {
		w.Header().Set("Connection", "close")
		http.Error(w, "server shutting down", http.StatusServiceUnavailable)
		return
	}
	defer s.inflight.Done()
	s.inner.placeOrder(w, r)
}

func (s *ServerFixed) ShutdownFixed(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
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
