// Package q16 hands out one shared RPC client per backend endpoint. Clients
// own a connection and a keepalive goroutine and are closed by Factory.Close.
//
// BUG: Get looks the endpoint's sync.Once up in a sync.Map and, on a miss,
// stores a new one. Two goroutines missing at once each store their own entry,
// so each Once runs and two clients are dialed; the entry that gets
// overwritten is no longer reachable from the map, and its connection and
// keepalive goroutine are never closed (leak per race, per endpoint).
package q16

import (
	"net"
	"sync"
	"time"
)

type Client struct {
	conn net.Conn
	stop chan struct{}
}

func dial(endpoint string) (*Client, error) {
	conn, err := net.DialTimeout("tcp", endpoint, 5*time.Second)
	if err != nil {
		return nil, err
	}
	c := &Client{conn: conn, stop: make(chan struct{})}
	go c.keepalive()
	return c, nil
}

func (c *Client) keepalive() {
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			c.conn.Write([]byte("PING\n"))
		}
	}
}

func (c *Client) Close() error {
	close(c.stop)
	return c.conn.Close()
}

type lazyClient struct {
	once   sync.Once
	client *Client
	err    error
}

// Factory is shared by all request goroutines.
type Factory struct {
	clients sync.Map // endpoint -> *lazyClient
}

func (f *Factory) Get(endpoint string) (*Client, error) {
	v, ok := f.clients.Load(endpoint)
	if !ok {
		v = &lazyClient{}
		f.clients.Store(endpoint, v)
	}
	lc := v.(*lazyClient)
	lc.once.Do(func() { lc.client, lc.err = dial(endpoint) })
	return lc.client, lc.err
}

func (f *Factory) Close() {
	f.clients.Range(func(k, v any) bool {
		lc := v.(*lazyClient)
		lc.once.Do(func() {}) // wait for an in-progress dial
		if lc.client != nil {
			lc.client.Close()
		}
		f.clients.Delete(k)
		return true
	})
}
