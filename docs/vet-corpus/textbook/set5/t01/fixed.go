package t01

import (
	"net/http"
	"sync"
)

// RegistryFixed is safe for concurrent use by multiple goroutines.
type RegistryFixed struct {
	conns sync.Map // userID -> *Conn
}

// Attach registers c atomically: LoadOrStore performs the check and the
// insert as a single operation, so only one connection per user can win.
func (r *RegistryFixed) Attach(c *Conn) error {
	if _, loaded := r.conns.LoadOrStore(c.UserID, c); loaded {
		return ErrAlreadyConnected
	}
	return nil
}

// Detach removes exactly this connection (not a newer one under the same key).
func (r *RegistryFixed) Detach(c *Conn) {
	if r.conns.CompareAndDelete(c.UserID, c) {
		close(c.done)
	}
}

// Push delivers msg to the user's connection, if any.
func (r *RegistryFixed) Push(userID string, msg []byte) bool {
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
func (r *RegistryFixed) ServeConnect(w http.ResponseWriter, req *http.Request) {
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
