// Package t05 is the connection manager of an MQTT client in the style of the
// Eclipse Paho Go client: a small state machine (disconnected -> connecting ->
// connected) with automatic reconnect.
//
// Concurrency: application goroutines call Client.Publish, which calls
// ensureConnected when the client is not connected; the per-connection reader
// goroutine calls ensureConnected when the socket fails; connectLoop runs on
// its own goroutine. State is read and written through locked State/setState.
//
// BUG: ensureConnected reads the state with State() and, if it is
// stateDisconnected, calls setState(stateConnecting) and spawns connectLoop.
// Two goroutines (a publisher and the reader reporting the drop, or two
// publishers) both observe stateDisconnected before either sets connecting.
// check: c.State() == stateDisconnected -> act: c.setState(stateConnecting); go c.connectLoop().
//
// HARM: two connectLoops dial two TCP connections with the same client ID.
// The second one to succeed overwrites c.conn, leaking the first connection
// and its reader goroutine, and closes c.ready a second time, which panics with
// "close of closed channel" and crashes the application. (Before that, the
// broker's client-ID takeover already kicks one session off.)
package t05

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"
)

type connState int

const (
	stateDisconnected connState = iota
	stateConnecting
	stateConnected
	stateClosed
)

var ErrClosed = errors.New("mqtt: client closed")

// Options configures the client.
type Options struct {
	Broker   string
	ClientID string
	Dial     func(ctx context.Context, addr string) (net.Conn, error)
	Backoff  time.Duration
}

// Client is an MQTT client.
type Client struct {
	opts Options

	mu    sync.Mutex
	state connState
	conn  net.Conn
	ready chan struct{} // closed when connected
}

func NewClient(opts Options) *Client {
	if opts.Backoff == 0 {
		opts.Backoff = time.Second
	}
	return &Client{opts: opts, ready: make(chan struct{})}
}

func (c *Client) State() connState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

func (c *Client) setState(s connState) {
	c.mu.Lock()
	c.state = s
	c.mu.Unlock()
}

func (c *Client) ensureConnected() {
	if c.State() != stateDisconnected {
		return
	}
	c.setState(stateConnecting)
	go c.connectLoop()
}

func (c *Client) connectLoop() {
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		conn, err := c.opts.Dial(ctx, c.opts.Broker)
		cancel()
		if err == nil {
			_, err = conn.Write(connectPacket(c.opts.ClientID))
			if err == nil {
				c.mu.Lock()
				if c.state == stateClosed {
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

func (c *Client) readLoop(conn net.Conn) {
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
	c.ensureConnected()
}

// Publish sends a QoS 0 PUBLISH, connecting first if needed.
func (c *Client) Publish(ctx context.Context, topic string, payload []byte) error {
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
			c.ensureConnected()
		}
		select {
		case <-ready:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Close disconnects and stops reconnecting.
func (c *Client) Close() {
	c.mu.Lock()
	c.state = stateClosed
	conn := c.conn
	c.conn = nil
	c.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
}

func connectPacket(clientID string) []byte {
	vh := []byte{0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60}
	body := append(vh, byte(len(clientID)>>8), byte(len(clientID)))
	body = append(body, clientID...)
	return append([]byte{0x10, byte(len(body))}, body...)
}

func publishPacket(topic string, payload []byte) []byte {
	body := append([]byte{byte(len(topic) >> 8), byte(len(topic))}, topic...)
	body = append(body, payload...)
	return append([]byte{0x30, byte(len(body))}, body...)
}
