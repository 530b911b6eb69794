// Package s13 is a statsd client that connects lazily and retries failed
// connects by resetting its sync.Once. [hard]
//
// BUG (sync.Once misuse; check and act hidden in helpers): ensure asks
// needsRetry() (is the last error non-nil?) and, if so, resetOnce() installs a
// fresh *sync.Once before calling currentOnce().Do(connect). Each helper
// locks, but the decision is stale by the time the reset happens. Send is
// called from every HTTP handler goroutine; after one failed connect, two
// goroutines both see the error, the first resets and connects, and the
// second resets the Once again (its check was stale) and connects a second
// time. The first socket is overwritten without Close and leaks; under
// flapping DNS or network, every failure leaks a socket per concurrent
// caller until the process runs out of file descriptors.
package s13

import (
	"fmt"
	"net"
	"sync"
	"time"
)

type Client struct {
	addr string

	mu   sync.Mutex
	once *sync.Once
	conn net.Conn
	err  error
}

func NewClient(addr string) *Client { return &Client{addr: addr, once: new(sync.Once)} }

func (c *Client) connect() {
	conn, err := net.DialTimeout("udp", c.addr, 2*time.Second)
	c.mu.Lock()
	c.conn, c.err = conn, err
	c.mu.Unlock()
}

func (c *Client) lastErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *Client) needsRetry() bool { return c.lastErr() != nil }

func (c *Client) resetOnce() {
	c.mu.Lock()
	c.once = new(sync.Once)
	c.mu.Unlock()
}

func (c *Client) currentOnce() *sync.Once {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.once
}

// ensure connects on first use and again after a failed attempt.
func (c *Client) ensure() (net.Conn, error) {
	if c.needsRetry() {
		c.resetOnce()
	}
	c.currentOnce().Do(c.connect)

	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conn, c.err
}

// Count sends a statsd counter increment. Safe for concurrent use.
func (c *Client) Count(name string, n int) error {
	conn, err := c.ensure()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(conn, "%s:%d|c", name, n)
	return err
}
