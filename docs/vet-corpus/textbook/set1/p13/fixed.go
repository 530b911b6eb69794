package p13

import (
	"io"
	"sync"
)

// ClientFixed pumps messages from r until closed. Close may be called from
// any goroutine.
type ClientFixed struct {
	r         io.Reader
	done      chan struct{}
	closeOnce sync.Once
	msgs      chan []byte
}

// NewClientFixed starts the read loop.
func NewClientFixed(r io.Reader) *ClientFixed {
	c := &ClientFixed{r: r, done: make(chan struct{}), msgs: make(chan []byte, 8)}
	go c.readLoopFixed()
	return c
}

func (c *ClientFixed) readLoopFixed() {
	buf := make([]byte, 4096)
	for {
		n, err := c.r.Read(buf)
		if err != nil {
			c.CloseFixed()
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

// CloseFixed shuts the client down exactly once.
func (c *ClientFixed) CloseFixed() {
	c.closeOnce.Do(func() { close(c.done) })
}
