package t14

import "sync"

// RoomFixed fans out messages to subscribers. Safe for concurrent use.
type RoomFixed struct {
	mu   sync.RWMutex
	subs []*Subscriber
}

// Subscribe adds a subscriber with the given buffer size.
func (r *RoomFixed) Subscribe(id string, buf int) *Subscriber {
	s := &Subscriber{ID: id, C: make(chan Message, buf)}
	r.mu.Lock()
	r.subs = append(r.subs, s)
	r.mu.Unlock()
	return s
}

// Unsubscribe searches and removes under the same write lock, so the index
// is still valid when it is used.
func (r *RoomFixed) Unsubscribe(s *Subscriber) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, x := range r.subs {
		if x == s {
			last := len(r.subs) - 1
			r.subs[i] = r.subs[last]
			r.subs[last] = nil
			r.subs = r.subs[:last]
			return
		}
	}
}

// Publish delivers m to every subscriber that has buffer space.
func (r *RoomFixed) Publish(m Message) (dropped int) {
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
