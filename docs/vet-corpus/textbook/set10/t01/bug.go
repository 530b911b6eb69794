// Package t01 implements the per-address connection manager used by an RPC
// client to multiplex calls to backend nodes over one long-lived TCP
// connection per node.
//
// Concurrency: ConnManager.Get is called concurrently from every request
// goroutine of the client (HTTP handlers fanning out to storage nodes).
// Remove is called by the failure detector goroutine, Close once at shutdown.
// The conns map is guarded by mu, but it is only touched through two small
// locked helpers, lookup and store.
//
// BUG: Get checks for an existing connection with lookup (lock taken and
// released), dials without holding the lock, and then inserts with store.
// Two goroutines asking for the same not-yet-connected address both see
// "absent", both dial, and the second store silently overwrites the first.
//
// HARM: the overwritten *clientConn is never closed and is no longer
// reachable from the map, so neither Remove nor Close will ever close it: its
// TCP socket and its readLoop goroutine leak forever. After a restart, a
// burst of first requests to a node leaves dozens of orphaned sockets per
// node and eventually exhausts file descriptors on both ends.
package t01

import (
	"bufio"
	"context"
	"errors"
	"net"
	"sync"
	"time"
)

// ErrManagerClosed is returned once Close has been called.
var ErrManagerClosed = errors.New("connmgr: manager closed")

// Dialer matches net.Dialer.DialContext.
type Dialer func(ctx context.Context, network, addr string) (net.Conn, error)

type clientConn struct {
	addr    string
	nc      net.Conn
	r       *bufio.Reader
	closeCh chan struct{}
	once    sync.Once
}

func newClientConn(addr string, nc net.Conn) *clientConn {
	c := &clientConn{addr: addr, nc: nc, r: bufio.NewReader(nc), closeCh: make(chan struct{})}
	go c.readLoop()
	return c
}

func (c *clientConn) readLoop() {
	defer c.Close()
	for {
		if _, err := c.r.ReadBytes('\n'); err != nil {
			return
		}
		// Response frames are dispatched to pending calls here.
	}
}

// Close closes the underlying socket; it is idempotent.
func (c *clientConn) Close() error {
	var err error
	c.once.Do(func() {
		close(c.closeCh)
		err = c.nc.Close()
	})
	return err
}

// ConnManager hands out one shared connection per backend address.
type ConnManager struct {
	dial        Dialer
	dialTimeout time.Duration

	mu     sync.Mutex
	conns  map[string]*clientConn
	closed bool
}

// NewConnManager returns a manager that dials with dial (net.Dialer if nil).
func NewConnManager(dial Dialer) *ConnManager {
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	return &ConnManager{dial: dial, dialTimeout: 5 * time.Second, conns: make(map[string]*clientConn)}
}

func (m *ConnManager) lookup(addr string) (*clientConn, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.conns[addr]
	return c, ok
}

func (m *ConnManager) store(addr string, c *clientConn) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrManagerClosed
	}
	m.conns[addr] = c
	return nil
}

// Get returns the shared connection to addr, dialing it on first use.
func (m *ConnManager) Get(ctx context.Context, addr string) (*clientConn, error) {
	if c, ok := m.lookup(addr); ok {
		return c, nil
	}
	dctx, cancel := context.WithTimeout(ctx, m.dialTimeout)
	defer cancel()
	nc, err := m.dial(dctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	c := newClientConn(addr, nc)
	if err := m.store(addr, c); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// Remove drops and closes the connection to addr (called by the failure
// detector when a node is declared dead).
func (m *ConnManager) Remove(addr string) {
	m.mu.Lock()
	c, ok := m.conns[addr]
	delete(m.conns, addr)
	m.mu.Unlock()
	if ok {
		c.Close()
	}
}

// Close closes every managed connection.
func (m *ConnManager) Close() error {
	m.mu.Lock()
	conns := m.conns
	m.conns = make(map[string]*clientConn)
	m.closed = true
	m.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
	return nil
}
