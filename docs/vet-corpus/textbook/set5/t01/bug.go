// Package t01 is the connection registry of a small WebSocket-style push
// gateway. Each authenticated user may hold exactly one live push connection;
// the registry maps user IDs to connections in a sync.Map so that the
// broadcaster goroutine can look connections up without a global lock, and
// the /connect HTTP handler (run concurrently by net/http, one goroutine per
// request) registers new ones.
//
// BUG (check-then-act on sync.Map): the check is conns.Load(userID) in
// Attach ("is this user already connected?"), the act is conns.Store(userID,
// c). Both calls are individually safe, but two /connect requests for the same
// user (a client reconnecting on two tabs, or a retry racing the original)
// can both see "not connected" and both Store. The first connection is
// silently overwritten in the map: it never receives pushes, Detach for it
// deletes the *second* connection's entry (Detach deletes by key), and its
// writer goroutine and socket leak until the peer disconnects.
package t01

import (
	"errors"
	"net/http"
	"sync"
)

// ErrAlreadyConnected is returned when a user already holds a push connection.
var ErrAlreadyConnected = errors.New("push: user already connected")

// Conn is one push connection.
type Conn struct {
	UserID string
	send   chan []byte
	done   chan struct{}
}

func newConn(userID string) *Conn {
	c := &Conn{UserID: userID, send: make(chan []byte, 16), done: make(chan struct{})}
	go c.writeLoop()
	return c
}

func (c *Conn) writeLoop() {
	for {
		select {
		case <-c.send:
			// write frame to the socket (elided)
		case <-c.done:
			return
		}
	}
}

// Registry is safe for concurrent use by multiple goroutines.
type Registry struct {
	conns sync.Map // userID -> *Conn
}

// Attach registers c as the user's push connection.
func (r *Registry) Attach(c *Conn) error {
	if _, ok := r.conns.Load(c.UserID); ok {
		return ErrAlreadyConnected
	}
	r.conns.Store(c.UserID, c)
	return nil
}

// Detach removes the user's connection and stops its writer.
func (r *Registry) Detach(userID string) {
	if v, ok := r.conns.LoadAndDelete(userID); ok {
		close(v.(*Conn).done)
	}
}

// Push delivers msg to the user's connection, if any.
func (r *Registry) Push(userID string, msg []byte) bool {
	v, ok := r.conns.Load(userID)
	if !ok {
		return false
	}
	select {
	case v.(*Conn).send <- msg:
		return true
	default:
		return false
	}
}

// ServeConnect is the /connect handler.
func (r *Registry) ServeConnect(w http.ResponseWriter, req *http.Request) {
	user := req.Header.Get("X-User")
	if user == "" {
		http.Error(w, "unauthenticated", http.StatusUnauthorized)
		return
	}
	c := newConn(user)
	if err := r.Attach(c); err != nil {
		close(c.done)
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	w.WriteHeader(http.StatusSwitchingProtocols)
}
