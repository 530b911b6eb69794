package t14

// Fix: make "is it still open?" and "send" one step owned by the subscriber.
// chanSubFixed guards its closed flag and its channel with one mutex:
// Deliver checks the flag and performs the (non-blocking) send while holding
// the mutex, and Close sets the flag and closes the channel while holding the
// same mutex. A send can therefore never observe an open flag and then hit a
// closed channel. Because the check now lives inside Deliver, Hub.Publish no
// longer needs a separate Active() check (PublishFixed).

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
)

// chanSubFixed is a channel-backed Subscriber safe against send-after-close.
type chanSubFixed struct {
	id     string
	mu     sync.Mutex
	closed bool
	ch     chan Event
}

func (s *chanSubFixed) ID() string { return s.id }

func (s *chanSubFixed) Active() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.closed
}

func (s *chanSubFixed) Deliver(e Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	select {
	case s.ch <- e:
	default:
	}
}

func (s *chanSubFixed) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.ch)
	}
}

// PublishFixed delivers e to every subscriber; Deliver itself checks
// liveness atomically with the send.
func (h *Hub) PublishFixed(e Event) {
	h.mu.RLock()
	snapshot := make([]Subscriber, 0, len(h.subs))
	for _, s := range h.subs {
		snapshot = append(snapshot, s)
	}
	h.mu.RUnlock()
	for _, s := range snapshot {
		s.Deliver(e)
	}
}

// ServeSSEFixed is ServeSSE using chanSubFixed.
func (h *Hub) ServeSSEFixed(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	sub := &chanSubFixed{id: strconv.FormatInt(h.nextID.Add(1), 10), ch: make(chan Event, 16)}
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
