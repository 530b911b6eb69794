package t18

// Fix: attempt the send itself with select/default. The capacity check and
// the enqueue are one channel operation: either the value is queued right
// now or the default branch answers 503 immediately. No handler ever blocks.

import (
	"encoding/json"
	"net/http"
)

// ServeHTTPFixed handles POST /send with non-blocking enqueue.
func (d *Dispatcher) ServeHTTPFixed(w http.ResponseWriter, r *http.Request) {
	var e Email
	if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&e) != nil || e.To == "" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	select {
	case d.jobs <- e:
		w.WriteHeader(http.StatusAccepted)
	default:
		w.Header().Set("Retry-After", "5")
		http.Error(w, "queue full", http.StatusServiceUnavailable)
	}
}
