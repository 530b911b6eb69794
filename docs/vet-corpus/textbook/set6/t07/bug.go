// Package t07 is the live-update hub behind GET /events (server-sent events).
// Each connected browser gets a Subscription with a buffered channel drained
// by its SSE handler goroutine. Broadcast is called from other goroutines
// (order-service callbacks) and delivers to a snapshot of the subscribers; when
// a browser disconnects, its handler removes and closes its subscription.
//
// BUG (Subscription.Deliver: check = closed flag read under s.mu (then the
// lock is released) -> act = s.ch <- ev): Close can run between the check and
// the send, setting closed and closing s.ch. The broadcaster then sends on a
// closed channel. Broadcast works on a snapshot, so a subscription removed a
// moment ago is still delivered to.
//
// Harm: "panic: send on closed channel" in the broadcaster goroutine, which
// crashes the whole server and drops every connected client, triggered
// simply by a user closing a browser tab during an update burst.
package t07

import (
	"fmt"
	"net/http"
	"sync"
)

// Event is one server-sent event.
type Event struct {
	Name string
	Data string
}

// Subscription is one connected client.
type Subscription struct {
	mu     sync.Mutex
	closed bool
	ch     chan Event
}

// Deliver queues ev without blocking; slow clients lose events.
func (s *Subscription) Deliver(ev Event) bool {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return false
	}
	select {
	case s.ch <- ev:
		return true
	default:
		return false
	}
}

// Close stops delivery and ends the client's event stream.
func (s *Subscription) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	close(s.ch)
}

// Hub fans events out to all subscriptions.
type Hub struct {
	mu   sync.Mutex
	subs map[*Subscription]struct{}
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: make(map[*Subscription]struct{})} }

// Broadcast delivers ev to every current subscriber.
func (h *Hub) Broadcast(ev Event) {
	h.mu.Lock()
	snapshot := make([]*Subscription, 0, len(h.subs))
	for s := range h.subs {
		snapshot = append(snapshot, s)
	}
	h.mu.Unlock()
	for _, s := range snapshot {
		s.Deliver(ev)
	}
}

// ServeHTTP streams events to one client until it disconnects.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	sub := &Subscription{ch: make(chan Event, 64)}
	h.mu.Lock()
	h.subs[sub] = struct{}{}
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.subs, sub)
		h.mu.Unlock()
		sub.Close()
	}()

	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	for {
		select {
		case <-r.Context().Done():
			return
		case ev, ok := <-sub.ch:
			if !ok {
				return
			}
			if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.Name, ev.Data); err != nil {
				return
			}
			flusher.Flush()
		}
	}
}
