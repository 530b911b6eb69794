// Package t02 is the session table of a WebSocket push gateway. Each client
// (identified by a stable client ID) owns one durable Session holding a
// mailbox of undelivered messages that survives reconnects.
//
// Concurrency: Attach is called from the HTTP upgrade handler goroutine of
// every incoming WebSocket connection; a mobile client routinely opens a new
// connection while the old one is still being torn down, and browser tabs
// share a client ID, so Attach for the same ID runs concurrently. Deliver is
// called from the fan-out goroutines consuming the backend message bus.
// ServeConn runs on each connection's writer goroutine. The table itself is
// a sync.Map.
//
// BUG: Attach checks for an existing session with sessions.Load and, when it
// is absent, creates one and installs it with sessions.Store. Two concurrent
// Attach calls for a new client ID both miss, both create a Session, and the
// second Store overwrites the first.
//
// HARM: the connection that received the overwritten Session drains a
// mailbox nobody delivers to any more, and any message Deliver pushed into it
// between the two Stores is gone: the client silently stops receiving push
// notifications on that connection, and those messages are lost for good.
package t02

import (
	"context"
	"io"
	"sync"
	"time"
)

// Session is the durable per-client state.
type Session struct {
	ClientID string
	Created  time.Time

	mu      sync.Mutex
	pending [][]byte
	notify  chan struct{} // capacity 1, wakes the writer
}

func newSession(id string) *Session {
	return &Session{ClientID: id, Created: time.Now(), notify: make(chan struct{}, 1)}
}

func (s *Session) push(msg []byte) {
	s.mu.Lock()
	s.pending = append(s.pending, msg)
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

func (s *Session) drain() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.pending
	s.pending = nil
	return out
}

// SessionTable maps client IDs to sessions.
type SessionTable struct {
	sessions sync.Map // string -> *Session
}

// Attach returns the client's session, creating it on first connect.
func (t *SessionTable) Attach(clientID string) *Session {
	if v, ok := t.sessions.Load(clientID); ok {
		return v.(*Session)
	}
	s := newSession(clientID)
	t.sessions.Store(clientID, s)
	return s
}

// Deliver queues msg for clientID. It reports false if the client has no
// session (never connected or logged out).
func (t *SessionTable) Deliver(clientID string, msg []byte) bool {
	v, ok := t.sessions.Load(clientID)
	if !ok {
		return false
	}
	v.(*Session).push(msg)
	return true
}

// Logout discards the client's session and its undelivered messages.
func (t *SessionTable) Logout(clientID string) {
	t.sessions.Delete(clientID)
}

// ServeConn pumps the client's mailbox into w until ctx is done.
func (t *SessionTable) ServeConn(ctx context.Context, clientID string, w io.Writer) error {
	s := t.Attach(clientID)
	for {
		for _, msg := range s.drain() {
			if _, err := w.Write(msg); err != nil {
				return err
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.notify:
		}
	}
}
