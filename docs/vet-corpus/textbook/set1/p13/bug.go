// Package p13 is a websocket-style client connection with a Close method.
//
// BUG: Close uses select-with-default on done as its "already closed?" check
// and then closes done. When the read loop (on EOF) and the application call
// Close at the same time, both take the default branch and both close(done):
// panic "close of closed channel".
package p13

import "io"

// Client pumps messages from r until closed. Close may be called from any
// goroutine.
type Client struct {
	r    io.Reader
	done chan struct{}
	msgs chan []byte
}

// NewClient starts the read loop.
func NewClient(r io.Reader) *Client {
	c := &Client{r: r, done: make(chan struct{}), msgs: make(chan []byte, 8)}
	go c.readLoop()
	return c
}

func (c *Client) readLoop() {
	buf := make([]byte, 4096)
	for {
		n, err := c.r.Read(buf)
		if err != nil {
			c.Close()
			return
		}
		msg := append([]byte(nil), buf[:n]...)
		select {
		case c.msgs <- msg:
		case <-c.done:
			return
		}
	}
}

// Messages returns the incoming message channel.
func (c *Client) Messages() <-chan []byte { return c.msgs }

// Close shuts the client down.
func (c *Client) Close() {
	select {
	case <-c.done:
		// already closed
	default:
		close(c.done)
	}
}
