// Package t14 is an in-memory pub/sub hub used by a chat service to fan out
// room messages to connected clients. Subscribers of a room are kept in a
// slice guarded by a sync.RWMutex; Publish takes the read lock and does
// non-blocking sends. Each client connection runs in its own goroutine and
// calls Unsubscribe when the client disconnects, so many Unsubscribe calls
// run concurrently with each other and with Publish.
//
// BUG (check-then-act on a slice index across RLock/Lock) [hard]: the check is
// indexOf(sub) under the read lock ("where is this subscriber?"), the act is
// removeAt(i) under the write lock. Between the two, another Unsubscribe can
// remove an earlier element and shift the slice, so the saved index now
// points at a different subscriber (or past the end, which panics with
// "index out of range"). The wrong, still-connected client is dropped and
// silently stops receiving room messages, while the departed subscriber stays
// in the slice forever (its buffer fills and it leaks).
package t14

import "sync"

// Message is one chat message.
type Message struct {
	Room, From, Text string
}

// Subscriber receives room messages.
type Subscriber struct {
	ID string
	C  chan Message
}

// Room fans out messages to subscribers. Safe for concurrent use.
type Room struct {
	mu   sync.RWMutex
	subs []*Subscriber
}

// Subscribe adds a subscriber with the given buffer size.
func (r *Room) Subscribe(id string, buf int) *Subscriber {
	s := &Subscriber{ID: id, C: make(chan Message, buf)}
	r.mu.Lock()
	r.subs = append(r.subs, s)
	r.mu.Unlock()
	return s
}

func (r *Room) indexOf(s *Subscriber) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for i, x := range r.subs {
		if x == s {
			return i
		}
	}
	return -1
}

func (r *Room) removeAt(i int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	last := len(r.subs) - 1
	r.subs[i] = r.subs[last]
	r.subs[last] = nil
	r.subs = r.subs[:last]
}

// Unsubscribe removes s. Calling it for an unknown subscriber is a no-op.
func (r *Room) Unsubscribe(s *Subscriber) {
	i := r.indexOf(s)
	if i < 0 {
		return
	}
	r.removeAt(i)
}

// Publish delivers m to every subscriber that has buffer space.
func (r *Room) Publish(m Message) (dropped int) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, s := range r.subs {
		select {
		case s.C <- m:
		default:
			dropped++
		}
	}
	return dropped
}

// ServeClient runs for the lifetime of one client connection.
func (r *Room) ServeClient(id string, write func(Message) error, closed <-chan struct{}) {
	s := r.Subscribe(id, 64)
	defer r.Unsubscribe(s)
	for {
		select {
		case m := <-s.C:
			if write(m) != nil {
				return
			}
		case <-closed:
			return
		}
	}
}
