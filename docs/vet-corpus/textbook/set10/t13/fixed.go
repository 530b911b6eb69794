package t13

// Fix: the key is claimed before the handler runs. Under one hold of the
// mutex, claim either finds a completed response (replay), finds an
// in-flight entry (wait for it), or installs a new in-flight entry and makes
// the caller the single executor. The executor publishes the response (or,
// on a 5xx, releases the claim so a later retry may run) and wakes the
// waiters. A retry can no longer slip into the gap between check and record.

import (
	"net/http"
	"sync"
	"time"
)

type inflight struct {
	done chan struct{}
	resp *storedResponse // nil if the original failed with 5xx
}

// DeduperFixed is Deduper with claim-before-execute semantics.
type DeduperFixed struct {
	ttl time.Duration

	mu      sync.Mutex
	entries map[string]*inflight
}

// NewDeduperFixed keeps responses for ttl.
func NewDeduperFixed(ttl time.Duration) *DeduperFixed {
	return &DeduperFixed{ttl: ttl, entries: make(map[string]*inflight)}
}

// claim returns (entry, true) if the caller must execute the request, or the
// existing entry and false if it must wait for / replay it.
func (d *DeduperFixed) claim(key string) (*inflight, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if e, ok := d.entries[key]; ok {
		select {
		case <-e.done:
			if e.resp != nil && time.Now().Before(e.resp.expires) {
				return e, false
			}
		default:
			return e, false // still executing
		}
	}
	e := &inflight{done: make(chan struct{})}
	d.entries[key] = e
	return e, true
}

func (d *DeduperFixed) finish(key string, e *inflight, resp *storedResponse) {
	d.mu.Lock()
	if resp != nil {
		resp.expires = time.Now().Add(d.ttl)
		e.resp = resp
	} else if d.entries[key] == e {
		delete(d.entries, key)
	}
	d.mu.Unlock()
	close(e.done)
}

// Wrap applies idempotency-key semantics to next.
func (d *DeduperFixed) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		key := req.Header.Get("Idempotency-Key")
		if key == "" || req.Method != http.MethodPost {
			next.ServeHTTP(w, req)
			return
		}
		e, owner := d.claim(key)
		if !owner {
			select {
			case <-e.done:
			case <-req.Context().Done():
				return
			}
			if e.resp == nil {
				http.Error(w, "original request failed; retry", http.StatusConflict)
				return
			}
			replay(w, e.resp)
			return
		}

		rec := &recorder{header: make(http.Header)}
		var resp *storedResponse
		defer func() { d.finish(key, e, resp) }()
		next.ServeHTTP(rec, req)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		out := &storedResponse{status: rec.status, header: rec.header.Clone(), body: rec.body.Bytes()}
		if out.status < 500 {
			resp = out
		}
		for k, v := range out.header {
			w.Header()[k] = v
		}
		w.WriteHeader(out.status)
		w.Write(out.body)
	})
}
