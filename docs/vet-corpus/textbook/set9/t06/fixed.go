package t06

// Fix: after acquiring the write lock, look the host up again (double-checked
// locking done right). Only the first goroutine to get the write lock creates
// the client; everyone else finds and returns it, so exactly one Transport
// exists per host and CloseAll reaches all of them.

import (
	"net/http"
	"time"
)

// ForFixed returns the client for host, creating it exactly once.
func (c *ClientCache) ForFixed(host string) *http.Client {
	c.mu.RLock()
	cl, ok := c.clients[host]
	c.mu.RUnlock()
	if ok {
		return cl
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl, ok = c.clients[host]; ok {
		return cl
	}
	cl = &http.Client{Transport: c.newTransport(host), Timeout: 10 * time.Second}
	c.clients[host] = cl
	return cl
}
