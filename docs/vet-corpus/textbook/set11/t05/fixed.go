// Fixed version of the t05 MQTT connection manager: ensureConnectedFixed
// performs the disconnected -> connecting transition as a compare-and-set
// inside one critical section, so exactly one goroutine wins the transition and
// starts connectLoopFixed; everyone else sees connecting/connected and waits on
// the ready channel.
package t05

import (
	"context"
	"net"
	"sync"
	"time"
)

// ClientFixed is an MQTT client.
type ClientFixed struct {
	opts Options

	mu    sync.Mutex
	state connState
	conn  net.Conn
	ready chan struct{}
}

func NewClientFixed(opts Options) *ClientFixed {
	if opts.Backoff == 0 {
		opts.Backoff = time.Second
	}
	return &ClientFixed{opts: opts, ready: make(chan struct{})}
}

func (c *ClientFixed) State() connState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

// transition moves from -> to atomically and reports whether it happened.
func (c *ClientFixed) transition(from, to connState) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state != from {
		return false
	}
	c.state = to
	return true
}

func (c *ClientFixed) ensureConnectedFixed() {
	if c.transition(stateDisconnected, stateConnecting) {
		go c.connectLoopFixed()
	}
}

func (c *ClientFixed) connectLoopFixed() {
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		conn, err := c.opts.Dial(ctx, c.opts.Broker)
		cancel()
		if err == nil {
			_, err = conn.Write(connectPacket(c.opts.ClientID))
			if err == nil {
				c.mu.Lock()
				if c.state != stateConnecting {
					c.mu.Unlock()
					conn.Close()
					return
				}
				c.conn = conn
				c.state = stateConnected
				close(c.ready)
				c.mu.Unlock()
				go c.readLoop(conn)
				return
			}
			conn.Close()
		}
		if c.State() == stateClosed {
			return
		}
		time.Sleep(c.opts.Backoff)
	}
}

func (c *ClientFixed) readLoop(conn net.Conn) {
	buf := make([]byte, 4096)
	for {
		if _, err := conn.Read(buf); err != nil {
			break
		}
	}
	c.mu.Lock()
	if c.conn == conn && c.state == stateConnected {
		c.conn = nil
		c.state = stateDisconnected
		c.ready = make(chan struct{})
	}
	c.mu.Unlock()
	c.ensureConnectedFixed()
}

func (c *ClientFixed) Publish(ctx context.Context, topic string, payload []byte) error {
	for {
		c.mu.Lock()
		st, conn, ready := c.state, c.conn, c.ready
		c.mu.Unlock()
		switch st {
		case stateClosed:
			return ErrClosed
		case stateConnected:
			_, err := conn.Write(publishPacket(topic, payload))
			return err
		case stateDisconnected:
			c.ensureConnectedFixed()
		}
		select {
		case <-ready:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (c *ClientFixed) Close() {
	c.mu.Lock()
	c.state = stateClosed
	conn := c.conn
	c.conn = nil
	c.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
}
