// Fix: the key is claimed atomically: under the mutex the first request
// inserts an in-progress entry with a done channel before charging, and any
// request that finds an entry waits for it to complete and replays its
// response, so the processor is called at most once per key.

package t15

import (
	"net/http"
	"sync"
)

type callFixed struct {
	done chan struct{}
	resp response
}

// ChargeAPIFixed serves POST /v1/charges with single-flight keys.
type ChargeAPIFixed struct {
	*ChargeAPI

	callsMu sync.Mutex
	calls   map[string]*callFixed
}

// NewChargeAPIFixed returns a handler using proc.
func NewChargeAPIFixed(proc Processor) *ChargeAPIFixed {
	return &ChargeAPIFixed{ChargeAPI: NewChargeAPI(proc), calls: make(map[string]*callFixed)}
}

func (a *ChargeAPIFixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		http.Error(w, "Idempotency-Key header required", http.StatusBadRequest)
		return
	}
	a.callsMu.Lock()
	c, seen := a.calls[key]
	if !seen {
		c = &callFixed{done: make(chan struct{})}
		a.calls[key] = c
	}
	a.callsMu.Unlock()

	if seen {
		select {
		case <-c.done:
		case <-r.Context().Done():
			http.Error(w, "request with this key still in progress", http.StatusConflict)
			return
		}
	} else {
		c.resp = a.charge(r)
		close(c.done)
	}
	w.Header().Set("Content-Type", "application/json")
	if seen {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.WriteHeader(c.resp.status)
	_, _ = w.Write(c.resp.body)
}
