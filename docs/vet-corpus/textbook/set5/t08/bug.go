// Package t08 is the ingestion front end of a webhook relay. Incoming
// webhooks are queued on a buffered channel and delivered by a fixed pool of
// worker goroutines. To shed load when downstream is slow, the HTTP handler
// (run concurrently by net/http) checks whether the queue is full and answers
// 503 instead of blocking; the handler is meant never to block.
//
// BUG (check-then-act on channel length) [hard]: the check is
// len(q.jobs) >= cap(q.jobs) in tryEnqueue, the act is the plain send
// q.jobs <- ev. len() on a channel is synchronized but only a snapshot; when
// one slot is free, several handler goroutines see "not full" and all send.
// All but one block inside the handler. If downstream is stalled the workers
// never drain the queue, so those handlers hang forever: load shedding is
// defeated, handler goroutines and their connections pile up, and the
// senders' clients time out instead of receiving a fast 503 to retry later.
package t08

import (
	"errors"
	"io"
	"net/http"
	"sync"
)

// ErrQueueFull is returned when the relay is overloaded.
var ErrQueueFull = errors.New("relay: queue full")

// Event is one webhook payload.
type Event struct {
	Source string
	Body   []byte
}

// Relay queues and delivers webhooks.
type Relay struct {
	jobs    chan Event
	deliver func(Event) error
	wg      sync.WaitGroup
}

// NewRelay starts workers delivering through deliver.
func NewRelay(queueSize, workers int, deliver func(Event) error) *Relay {
	q := &Relay{jobs: make(chan Event, queueSize), deliver: deliver}
	for i := 0; i < workers; i++ {
		q.wg.Add(1)
		go func() {
			defer q.wg.Done()
			for ev := range q.jobs {
				_ = q.deliver(ev) // retries handled by deliver
			}
		}()
	}
	return q
}

func (q *Relay) tryEnqueue(ev Event) error {
	if len(q.jobs) >= cap(q.jobs) {
		return ErrQueueFull
	}
	q.jobs <- ev
	return nil
}

// ServeHTTP accepts POST /hooks/{source}.
func (q *Relay) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "read error", http.StatusBadRequest)
		return
	}
	switch err := q.tryEnqueue(Event{Source: r.PathValue("source"), Body: body}); {
	case errors.Is(err, ErrQueueFull):
		w.Header().Set("Retry-After", "5")
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
	default:
		w.WriteHeader(http.StatusAccepted)
	}
}
