// Fix: DeliverFixed holds s.mu across the closed check and the (non-blocking)
// send, and Close closes the channel under the same mutex, so a send can never
// follow the close. The send cannot block, so holding the lock is cheap.

package t07

import (
	"fmt"
	"net/http"
	"sync"
)

// SubscriptionFixed is one connected client.
type SubscriptionFixed struct {
	mu     sync.Mutex
	closed bool
	ch     chan Event
}

// DeliverFixed queues ev without blocking; slow clients lose events.
func (s *SubscriptionFixed) DeliverFixed(ev Event) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
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
func (s *SubscriptionFixed) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	close(s.ch)
}

// HubFixed fans events out to all subscriptions.
type HubFixed struct {
	mu   sync.Mutex
	subs map[*SubscriptionFixed]struct{}
}

// NewHubFixed returns an empty hub.
func NewHubFixed() *HubFixed { return &HubFixed{subs: make(map[*SubscriptionFixed]struct{})} }

// Broadcast delivers ev to every current subscriber.
func (h *HubFixed) Broadcast(ev Event) {
	h.mu.Lock()
	snapshot := make([]*SubscriptionFixed, 0, len(h.subs))
	for s := range h.subs {
		snapshot = append(snapshot, s)
	}
	h.mu.Unlock()
	for _, s := range snapshot {
		s.DeliverFixed(ev)
	}
}

// ServeHTTP streams events to one client until it disconnects.
func (h *HubFixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	sub := &SubscriptionFixed{ch: make(chan Event, 64)}
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
