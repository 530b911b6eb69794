// Fix: the existence check and the delete happen in one write-locked critical
// section, so exactly one caller removes the entry and only that caller
// closes the channel.

package t02

// UnregisterFixed drops the client and ends its write pump.
func (h *Hub) UnregisterFixed(id string) {
	h.mu.Lock()
	c, ok := h.clients[id]
	if ok {
		delete(h.clients, id)
	}
	h.mu.Unlock()
	if ok {
		close(c.send)
	}
}
