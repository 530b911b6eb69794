// Package t18 is the intake endpoint of an email-sending service. Requests
// are queued on a bounded channel and sent by a fixed number of worker
// goroutines. When the queue is full the endpoint must shed load immediately
// with 503 so that upstream callers back off and retry elsewhere, instead of
// holding connections open.
//
// Concurrency: ServeHTTP runs on one goroutine per request (bursts of
// thousands during a marketing campaign); Start launches the workers that
// drain the channel.
//
// BUG: ServeHTTP checks len(d.jobs) < cap(d.jobs) and then does a blocking
// send d.jobs <- job. Between the check and the send, other handler
// goroutines fill the free slots, so handlers that saw "one slot free" block
// on the send.
//
// HARM: load shedding does not work under exactly the load it is for. Many
// handler goroutines block on the send for as long as the overload lasts, holding their client
// connections and request bodies; upstream clients time out (and retry,
// adding more load) instead of receiving a fast 503, memory and goroutine
// count grow without bound, and the service's health checks on the same
// server start timing out.
package t18

import (
	"context"
	"encoding/json"
	"log"
	"net/http"
)

// Email is one message to send.
type Email struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// Dispatcher queues emails for a pool of senders.
type Dispatcher struct {
	jobs chan Email
	send func(context.Context, Email) error
}

// NewDispatcher returns a dispatcher with a queue of size depth.
func NewDispatcher(depth int, send func(context.Context, Email) error) *Dispatcher {
	return &Dispatcher{jobs: make(chan Email, depth), send: send}
}

// Start launches n sender workers that run until ctx is done.
func (d *Dispatcher) Start(ctx context.Context, n int) {
	for i := 0; i < n; i++ {
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case e := <-d.jobs:
					if err := d.send(ctx, e); err != nil {
						log.Printf("send to %s: %v", e.To, err)
					}
				}
			}
		}()
	}
}

// ServeHTTP handles POST /send.
func (d *Dispatcher) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var e Email
	if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&e) != nil || e.To == "" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if len(d.jobs) >= cap(d.jobs) { // check
		w.Header().Set("Retry-After", "5")
		http.Error(w, "queue full", http.StatusServiceUnavailable)
		return
	}
	// other handlers may take the remaining slots here
	d.jobs <- e // act: blocks when the queue filled up meanwhile
	w.WriteHeader(http.StatusAccepted)
}
