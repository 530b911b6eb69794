// Package t13 is the Idempotency-Key middleware of a payments API. A client
// that times out retries POST /charges with the same Idempotency-Key header;
// the middleware must execute the charge at most once and replay the stored
// response for every repeat of the key.
//
// Concurrency: the middleware runs on net/http handler goroutines. The
// client SDK's timeout (2s) is shorter than a slow card-network
// authorisation (up to 10s), so the retry routinely arrives while the
// original request is still executing on another goroutine. Completed
// responses live in a map guarded by d.mu, accessed through lookup and
// remember.
//
// BUG: the middleware checks lookup(key) for a stored response and, on a miss,
// runs the handler and only afterwards calls remember(key, resp). Nothing is
// recorded while the original request is in flight, so a retry with the same
// key also misses and runs the handler again.
//
// HARM: the customer's card is charged twice for one purchase (two
// authorisations, two ledger entries), exactly the failure the idempotency
// key promises to prevent; the refund and the support ticket are on us.
package t13

import (
	"bytes"
	"net/http"
	"sync"
	"time"
)

type storedResponse struct {
	status  int
	header  http.Header
	body    []byte
	expires time.Time
}

// Deduper replays responses for repeated idempotency keys.
type Deduper struct {
	ttl time.Duration

	mu   sync.Mutex
	done map[string]*storedResponse
}

// NewDeduper keeps responses for ttl.
func NewDeduper(ttl time.Duration) *Deduper {
	return &Deduper{ttl: ttl, done: make(map[string]*storedResponse)}
}

func (d *Deduper) lookup(key string) (*storedResponse, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	r, ok := d.done[key]
	if ok && time.Now().After(r.expires) {
		delete(d.done, key)
		return nil, false
	}
	return r, ok
}

func (d *Deduper) remember(key string, r *storedResponse) {
	d.mu.Lock()
	defer d.mu.Unlock()
	r.expires = time.Now().Add(d.ttl)
	d.done[key] = r
}

// recorder captures a handler's response.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(p)
}
func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func replay(w http.ResponseWriter, r *storedResponse) {
	for k, v := range r.header {
		w.Header()[k] = v
	}
	w.Header().Set("Idempotent-Replayed", "true")
	w.WriteHeader(r.status)
	w.Write(r.body)
}

// Wrap applies idempotency-key semantics to next.
func (d *Deduper) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		key := req.Header.Get("Idempotency-Key")
		if key == "" || req.Method != http.MethodPost {
			next.ServeHTTP(w, req)
			return
		}
		if stored, ok := d.lookup(key); ok {
			replay(w, stored)
			return
		}

		rec := &recorder{header: make(http.Header)}
		next.ServeHTTP(rec, req)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		resp := &storedResponse{status: rec.status, header: rec.header.Clone(), body: rec.body.Bytes()}
		if resp.status < 500 {
			d.remember(key, resp)
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.status)
		w.Write(resp.body)
	})
}
