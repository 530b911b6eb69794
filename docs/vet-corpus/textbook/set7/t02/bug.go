// Package t02 is the fan-out hub of the live-notifications service. Each
// browser connection is a Client with a buffered outbound channel drained by
// its write pump; the hub keeps the clients in a map keyed by connection ID.
//
// Concurrency: a client can be unregistered from three goroutines at once:
// its read pump when the socket errors, its write pump when a write times
// out, and the admin "kick" HTTP handler. All three call Hub.Unregister.
//
// BUG (lookup-then-delete-then-close): Unregister checks that the ID is still
// registered with h.lookup (read lock, then released) and then acts with
// h.remove (write lock) followed by close(c.send). Two goroutines that both
// pass the lookup before either one removes the entry both close c.send.
//
// Harm: "panic: close of closed channel" kills the whole process, dropping
// the live connections of every user, typically during network blips when
// read and write pumps fail together.
package t02

import (
	"io"
	"net/http"
	"sync"
	"time"
)

// Client is one connected browser.
type Client struct {
	ID   string
	User string
	send chan []byte
}

// Hub tracks the connected clients.
type Hub struct {
	mu      sync.RWMutex
	clients map[string]*Client
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{clients: make(map[string]*Client)} }

// Register adds a client and returns it.
func (h *Hub) Register(id, user string) *Client {
	c := &Client{ID: id, User: user, send: make(chan []byte, 64)}
	h.mu.Lock()
	h.clients[id] = c
	h.mu.Unlock()
	return c
}

func (h *Hub) lookup(id string) (*Client, bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	c, ok := h.clients[id]
	return c, ok
}

func (h *Hub) remove(id string) {
	h.mu.Lock()
	delete(h.clients, id)
	h.mu.Unlock()
}

// Unregister drops the client and ends its write pump.
func (h *Hub) Unregister(id string) {
	c, ok := h.lookup(id)
	if !ok {
		return // already gone
	}
	h.remove(id)
	close(c.send)
}

// Broadcast queues msg for every client; slow clients miss the message.
func (h *Hub) Broadcast(msg []byte) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for _, c := range h.clients {
		select {
		case c.send <- msg:
		default:
		}
	}
}

// WritePump copies queued messages to the socket until the client is
// unregistered; a failed or slow write unregisters the client.
func (h *Hub) WritePump(c *Client, conn io.Writer, deadline func(time.Time) error) {
	for msg := range c.send {
		if deadline != nil {
			_ = deadline(time.Now().Add(10 * time.Second))
		}
		if _, err := conn.Write(msg); err != nil {
			h.Unregister(c.ID)
			return
		}
	}
}

// KickHandler is the admin endpoint POST /admin/kick?id=...
func (h *Hub) KickHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h.Unregister(r.URL.Query().Get("id"))
		w.WriteHeader(http.StatusNoContent)
	})
}
