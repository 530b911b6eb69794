package s13

import (
	"fmt"
	"net"
	"time"
)

// ensureFixed replaces the resettable Once with a plain mutex: the "is there
// a usable connection?" check and the dial that installs one happen under the
// same lock, so exactly one goroutine dials after a failure and the others
// wait for and reuse its result.
func (c *Client) ensureFixed() (net.Conn, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn != nil {
		return c.conn, nil
	}
	conn, err := net.DialTimeout("udp", c.addr, 2*time.Second)
	if err != nil {
		c.err = err
		return nil, err
	}
	c.conn, c.err = conn, nil
	return conn, nil
}

func (c *Client) CountFixed(name string, n int) error {
	conn, err := c.ensureFixed()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(conn, "%s:%d|c", name, n)
	return err
}
