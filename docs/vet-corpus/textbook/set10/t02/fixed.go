package t02

// Fix: the absence check and the insertion are one atomic operation,
// sync.Map.LoadOrStore. A concurrent Attach that loses the race gets the
// session that won and discards the one it built, so every connection for a
// client ID shares a single mailbox.

import (
	"context"
	"io"
)

// AttachFixed returns the client's session, creating it atomically on first
// connect.
func (t *SessionTable) AttachFixed(clientID string) *Session {
	if v, ok := t.sessions.Load(clientID); ok { // fast path, no allocation
		return v.(*Session)
	}
	v, _ := t.sessions.LoadOrStore(clientID, newSession(clientID))
	return v.(*Session)
}

// ServeConnFixed is ServeConn using AttachFixed.
func (t *SessionTable) ServeConnFixed(ctx context.Context, clientID string, w io.Writer) error {
	s := t.AttachFixed(clientID)
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
