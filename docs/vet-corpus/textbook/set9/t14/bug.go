// Package t14 is the event hub behind a Server-Sent Events endpoint: the
// order pipeline publishes status events, and every connected browser tab
// holds a subscription that streams them.
//
// [hard]
//
// Concurrency: Publish is called from the order-pipeline goroutines (several
// at once). ServeSSE runs on one HTTP handler goroutine per browser tab; when
// the client disconnects (r.Context().Done()) it Unsubscribes, which closes
// the subscriber's channel via sync.Once. Publish snapshots the subscriber
// set under RLock and delivers outside the lock, through the Subscriber
// interface.
//
// BUG: Publish checks s.Active() and then calls s.Deliver(e); both are
// interface calls into chanSub. Active reads the closed flag, Deliver sends
// on the channel. Unsubscribe -> Close can set the flag and close the channel
// between the two calls. The sync.Once in Close only prevents a double close;
// it gives no protection to a sender that checked the flag earlier.
//
// HARM: Deliver sends on a closed channel and panics ("send on closed
// channel") inside a select with a default case; the panic kills the
// publishing goroutine and the whole server. Any browser tab closing at the
// wrong moment crashes order-status streaming for all users.
package t14

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
)

// Event is an order status change.
type Event struct {
	OrderID string `json:"order_id"`
	Status  string `json:"status"`
}

// Subscriber receives events.
type Subscriber interface {
	ID() string
	Active() bool
	Deliver(e Event)
	Close()
}

// chanSub is a channel-backed Subscriber.
type chanSub struct {
	id     string
	ch     chan Event
	closed atomic.Bool
	once   sync.Once
}

func (s *chanSub) ID() string   { return s.id }
func (s *chanSub) Active() bool { return !s.closed.Load() }
func (s *chanSub) Deliver(e Event) {
	select {
	case s.ch <- e:
	default: // slow client: drop rather than block the publisher
	}
}
func (s *chanSub) Close() {
	s.once.Do(func() {
		s.closed.Store(true)
		close(s.ch)
	})
}

// Hub fans events out to subscribers.
type Hub struct {
	mu     sync.RWMutex
	subs   map[string]Subscriber
	nextID atomic.Int64
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: make(map[string]Subscriber)} }

// Subscribe registers s.
func (h *Hub) Subscribe(s Subscriber) {
	h.mu.Lock()
	h.subs[s.ID()] = s
	h.mu.Unlock()
}

// Unsubscribe removes and closes the subscriber with id.
func (h *Hub) Unsubscribe(id string) {
	h.mu.Lock()
	s, ok := h.subs[id]
	delete(h.subs, id)
	h.mu.Unlock()
	if ok {
		s.Close()
	}
}

// Publish delivers e to every active subscriber.
func (h *Hub) Publish(e Event) {
	h.mu.RLock()
	snapshot := make([]Subscriber, 0, len(h.subs))
	for _, s := range h.subs {
		snapshot = append(snapshot, s)
	}
	h.mu.RUnlock()
	for _, s := range snapshot {
		if s.Active() { // check
			s.Deliver(e) // act: the channel may have been closed meanwhile
		}
	}
}

// ServeSSE streams events to one browser tab until it disconnects.
func (h *Hub) ServeSSE(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	sub := &chanSub{id: strconv.FormatInt(h.nextID.Add(1), 10), ch: make(chan Event, 16)}
	h.Subscribe(sub)
	defer h.Unsubscribe(sub.id)
	w.Header().Set("Content-Type", "text/event-stream")
	for {
		select {
		case <-r.Context().Done():
			return
		case e := <-sub.ch:
			b, _ := json.Marshal(e)
			fmt.Fprintf(w, "data: %s\n\n", b)
			fl.Flush()
		}
	}
}
