// Package t10 is the reference-counted transport shared by all streams of a
// message-queue client connection (NATS/AMQP style). The owning Client holds
// one reference; every stream (subscription, publisher, request) acquires a
// reference before writing frames and releases it when it is done. The
// socket is closed when the last reference is dropped.
//
// Concurrency: Acquire and Handle.Release are called from stream goroutines;
// the owner's reference is dropped by Client.Close, called from the
// application's shutdown path or from the reconnect goroutine when it
// replaces a broken transport. The count lives in an atomic.Int32.
//
// BUG: Acquire checks that the transport is still alive with refs.Load() > 0
// and then takes the reference with a separate refs.Add(1). If the final
// Release runs in between, the count goes 1 -> 0 (socket closed) -> 1.
//
// HARM: the stream receives a handle to a closed socket and its frames fail
// with "use of closed network connection" (a publish reported as sent by the
// caller's retry logic is dropped). When that stream releases its reference
// the count reaches zero a second time, closeTransport runs again and
// close(t.done) panics with "close of closed channel", crashing the client.
package t10

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
)

// ErrTransportClosed is returned by Acquire once the transport is gone.
var ErrTransportClosed = errors.New("mq: transport closed")

// Transport is a socket shared by many streams.
type Transport struct {
	nc   net.Conn
	refs atomic.Int32
	done chan struct{}

	wmu sync.Mutex // serializes frame writes
}

// NewTransport wraps nc; the caller owns the initial reference.
func NewTransport(nc net.Conn) *Transport {
	t := &Transport{nc: nc, done: make(chan struct{})}
	t.refs.Store(1)
	return t
}

// Handle is one stream's reference to the transport.
type Handle struct {
	t    *Transport
	once sync.Once
}

// Acquire takes a reference for a new stream.
func (t *Transport) Acquire() (*Handle, error) {
	if t.refs.Load() <= 0 {
		return nil, ErrTransportClosed
	}
	t.refs.Add(1)
	return &Handle{t: t}, nil
}

// WriteFrame writes one frame on the shared socket.
func (h *Handle) WriteFrame(frame []byte) error {
	h.t.wmu.Lock()
	defer h.t.wmu.Unlock()
	_, err := h.t.nc.Write(frame)
	return err
}

// Release drops the stream's reference; it is idempotent per handle.
func (h *Handle) Release() {
	h.once.Do(h.t.release)
}

// Done is closed when the socket has been closed.
func (t *Transport) Done() <-chan struct{} { return t.done }

func (t *Transport) release() {
	switch n := t.refs.Add(-1); {
	case n == 0:
		t.closeTransport()
	case n < 0:
		panic("mq: transport refcount underflow")
	}
}

func (t *Transport) closeTransport() {
	close(t.done)
	t.nc.Close()
}

// Client owns the initial transport reference.
type Client struct {
	tr   *Transport
	once sync.Once
}

// NewClient returns a client using tr.
func NewClient(tr *Transport) *Client { return &Client{tr: tr} }

// Stream opens a stream handle on the client's transport.
func (c *Client) Stream() (*Handle, error) { return c.tr.Acquire() }

// Close drops the owner's reference; the socket closes once every stream has
// released its handle.
func (c *Client) Close() { c.once.Do(c.tr.release) }
