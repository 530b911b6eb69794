package t08

import (
	"errors"
	"io"
	"net/http"
)

// tryEnqueueFixed performs the "is there room?" check and the send as one
// operation: a select with a default case never blocks.
func (q *Relay) tryEnqueueFixed(ev Event) error {
	select {
	case q.jobs <- ev:
		return nil
	default:
		return ErrQueueFull
	}
}

// ServeHTTPFixed accepts POST /hooks/{source} without ever blocking on the queue.
func (q *Relay) ServeHTTPFixed(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "read error", http.StatusBadRequest)
		return
	}
	switch err := q.tryEnqueueFixed(Event{Source: r.PathValue("source"), Body: body}); {
	case errors.Is(err, ErrQueueFull):
		w.Header().Set("Retry-After", "5")
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
	default:
		w.WriteHeader(http.StatusAccepted)
	}
}
