// Package r14 is the connection hub of a chat server: every WebSocket client
// has a read pump and a write pump goroutine and a buffered send channel.
//
// BUG (check-then-act on a map guarded by a Mutex): Hub.remove looks the
// client up under h.mu, releases the lock, closes the client's send channel,
// and then re-locks to delete the entry. When a connection drops, BOTH pumps
// notice (the read pump gets a read error, the write pump a write error)
// and both call remove for the same client at about the same time. Both
// find the entry before either deletes it, both call close(c.send), and the
// second close panics with "close of closed channel", crashing the chat
// server for every connected user. (A Broadcast that runs inside the same
// gap, while the closed channel is still registered, panics with "send on
// closed channel".)
package r14

import (
	"sync"
)

// Conn is the subset of a WebSocket connection the hub needs.
type Conn interface {
	ReadMessage() ([]byte, error)
	WriteMessage(data []byte) error
	Close() error
}

type client struct {
	id   string
	conn Conn
	send chan []byte
}

type Hub struct {
	mu      sync.Mutex
	clients map[string]*client
}

func NewHub() *Hub { return &Hub{clients: make(map[string]*client)} }

// Join registers conn and starts its pumps.
func (h *Hub) Join(id string, conn Conn) {
	c := &client{id: id, conn: conn, send: make(chan []byte, 32)}
	h.mu.Lock()
	h.clients[id] = c
	h.mu.Unlock()
	go h.readPump(c)
	go h.writePump(c)
}

// Broadcast queues msg for every client, dropping it for slow ones.
func (h *Hub) Broadcast(msg []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.clients {
		select {
		case c.send <- msg:
		default:
		}
	}
}

// remove unregisters c (unless it was already removed or replaced by a
// reconnect under the same id) and shuts its pumps down.
func (h *Hub) remove(c *client) {
	h.mu.Lock()
	cur, ok := h.clients[c.id]
	h.mu.Unlock()
	if !ok || cur != c {
		return
	}
	close(c.send)
	_ = c.conn.Close()

	h.mu.Lock()
	delete(h.clients, c.id)
	h.mu.Unlock()
}

func (h *Hub) readPump(c *client) {
	defer h.remove(c)
	for {
		msg, err := c.conn.ReadMessage()
		if err != nil {
			return
		}
		h.Broadcast(msg)
	}
}

func (h *Hub) writePump(c *client) {
	for msg := range c.send {
		if err := c.conn.WriteMessage(msg); err != nil {
			h.remove(c)
			return
		}
	}
}
