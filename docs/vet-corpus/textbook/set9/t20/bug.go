// Package t20 is the idempotency middleware in front of a payments API.
// Clients send an Idempotency-Key header with each POST /charges; a repeated
// key must replay the stored response instead of charging again.
//
// Concurrency: the middleware runs on one net/http goroutine per request.
// Mobile clients retry on timeout, so the retry with the same key often
// arrives while the first request is still being processed (the card
// processor call takes seconds).
//
// BUG: the middleware checks s.lookup(key) for a stored response and, on a
// miss, runs the charge handler and afterwards s.save(key, resp). The key is
// only recorded after the handler finishes; nothing marks it as in flight.
// A retry arriving during the first request's processing also misses and
// runs the handler.
//
// HARM: double charge. The customer's card is charged twice for one
// purchase — exactly what the idempotency key was supposed to prevent — and
// support has to refund the duplicate manually.
package t20

import (
	"bytes"
	"net/http"
	"sync"
)

type savedResponse struct {
	status int
	header http.Header
	body   []byte
}

// recorder captures a handler's response.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: make(http.Header), status: http.StatusOK} }

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(code int)        { r.status = code }
func (r *recorder) Write(p []byte) (int, error) { return r.body.Write(p) }

func (r *recorder) saved() savedResponse {
	return savedResponse{status: r.status, header: r.header.Clone(), body: bytes.Clone(r.body.Bytes())}
}

func (s savedResponse) replay(w http.ResponseWriter) {
	for k, v := range s.header {
		w.Header()[k] = v
	}
	w.Header().Set("Idempotent-Replayed", "true")
	w.WriteHeader(s.status)
	w.Write(s.body)
}

// Idempotency stores responses by key.
type Idempotency struct {
	mu   sync.Mutex
	done map[string]savedResponse
}

// NewIdempotency returns an empty store.
func NewIdempotency() *Idempotency { return &Idempotency{done: make(map[string]savedResponse)} }

func (s *Idempotency) lookup(key string) (savedResponse, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.done[key]
	return r, ok
}

func (s *Idempotency) save(key string, r savedResponse) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done[key] = r
}

// Wrap makes next idempotent per Idempotency-Key.
func (s *Idempotency) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Idempotency-Key")
		if key == "" || r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		if resp, ok := s.lookup(key); ok { // check
			resp.replay(w)
			return
		}
		// a retry with the same key passes the same check while we charge
		rec := newRecorder()
		next.ServeHTTP(rec, r) // act: charges the card
		resp := rec.saved()
		s.save(key, resp)
		resp.replay(w)
	})
}
