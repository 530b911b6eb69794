package r14

import "sync"

// HubFixed unregisters the client and closes its send channel in the same
// critical section, so only the caller that actually deleted the entry
// closes the channel; Broadcast (which also holds h.mu) can never send on a
// closed channel.
type HubFixed struct {
	mu      sync.Mutex
	clients map[string]*client
}

func NewHubFixed() *HubFixed { return &HubFixed{clients: make(map[string]*client)} }

func (h *HubFixed) Join(id string, conn Conn) {
	c := &client{id: id, conn: conn, send: make(chan []byte, 32)}
	h.mu.Lock()
	h.clients[id] = c
	h.mu.Unlock()
	go h.readPump(c)
	go h.writePump(c)
}

func (h *HubFixed) Broadcast(msg []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.clients {
		select {
		case c.send <- msg:
		default:
		}
	}
}

func (h *HubFixed) remove(c *client) {
	h.mu.Lock()
	cur, ok := h.clients[c.id]
	if !ok || cur != c {
		h.mu.Unlock()
		return
	}
	delete(h.clients, c.id)
	close(c.send)
	h.mu.Unlock()
	_ = c.conn.Close()
}

func (h *HubFixed) readPump(c *client) {
	defer h.remove(c)
	for {
		msg, err := c.conn.ReadMessage()
		if err != nil {
			return
		}
		h.Broadcast(msg)
	}
}

func (h *HubFixed) writePump(c *client) {
	for msg := range c.send {
		if err := c.conn.WriteMessage(msg); err != nil {
			h.remove(c)
			return
		}
	}
}
