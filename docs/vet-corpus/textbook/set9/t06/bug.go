// Package t06 is the per-host HTTP client cache of a webhook delivery
// service. Each customer endpoint host gets its own *http.Client with a
// dedicated Transport (its own TLS settings, connection limits and keep-alive
// pool), created lazily on first delivery.
//
// Concurrency: delivery workers (a pool of goroutines consuming a queue) call
// Deliver concurrently; a burst of events for a new customer makes many
// workers call For(host) for the same host at once. CloseAll is called once
// at shutdown.
//
// BUG: For checks the map under the read lock, releases it on a miss, takes
// the write lock and unconditionally creates and stores a new client. The
// read lock is "upgraded" without re-checking: every goroutine that missed
// under RLock builds its own Transport and overwrites the map entry.
//
// HARM: all but the last Transport are dropped from the map while still in
// use; each keeps its keep-alive connections and per-connection read/write
// goroutines alive, and CloseAll never reaches them. With thousands of
// customer hosts the service leaks sockets and goroutines until it hits the
// file-descriptor limit; per-host MaxConnsPerHost is also exceeded because
// each Transport enforces it separately.
package t06

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// ClientCache maps host -> *http.Client.
type ClientCache struct {
	mu           sync.RWMutex
	clients      map[string]*http.Client
	newTransport func(host string) *http.Transport
}

// NewClientCache returns an empty cache.
func NewClientCache() *ClientCache {
	return &ClientCache{
		clients: make(map[string]*http.Client),
		newTransport: func(string) *http.Transport {
			return &http.Transport{
				MaxConnsPerHost:     4,
				MaxIdleConnsPerHost: 4,
				IdleConnTimeout:     5 * time.Minute,
			}
		},
	}
}

// For returns the client for host, creating it on first use.
func (c *ClientCache) For(host string) *http.Client {
	c.mu.RLock()
	cl, ok := c.clients[host] // check
	c.mu.RUnlock()
	if ok {
		return cl
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// no re-check: another worker may have stored a client meanwhile
	cl = &http.Client{Transport: c.newTransport(host), Timeout: 10 * time.Second}
	c.clients[host] = cl // act: overwrites and orphans the other Transport
	return cl
}

// Deliver POSTs payload to the webhook URL on host.
func (c *ClientCache) Deliver(ctx context.Context, host, path string, payload []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost,
		"https://"+host+path, bytes.NewReader(payload))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.For(host).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("webhook %s: status %d", host, resp.StatusCode)
	}
	return nil
}

// CloseAll releases idle connections of every cached client.
func (c *ClientCache) CloseAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for host, cl := range c.clients {
		if t, ok := cl.Transport.(*http.Transport); ok {
			t.CloseIdleConnections()
		}
		delete(c.clients, host)
	}
}
