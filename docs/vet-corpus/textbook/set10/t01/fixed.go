package t01

// Fix: the presence check and the insertion happen in one critical section.
// The first caller for an address installs a pendingConn placeholder before
// releasing the lock and dials outside it; concurrent callers find the
// placeholder and wait on its done channel instead of dialing themselves.
// A failed dial removes its own placeholder (only if it is still the one in
// the map) so the next caller retries, and a dial that completes after Close
// closes its socket instead of publishing it.

import (
	"context"
	"sync"
	"time"
)

type pendingConn struct {
	done chan struct{}
	c    *clientConn // set under ConnManagerFixed.mu before done is closed
	err  error
}

// ConnManagerFixed is ConnManager with an atomic get-or-dial.
type ConnManagerFixed struct {
	dial        Dialer
	dialTimeout time.Duration

	mu     sync.Mutex
	conns  map[string]*pendingConn
	closed bool
}

// NewConnManagerFixed mirrors NewConnManager.
func NewConnManagerFixed(dial Dialer) *ConnManagerFixed {
	base := NewConnManager(dial)
	return &ConnManagerFixed{dial: base.dial, dialTimeout: base.dialTimeout, conns: make(map[string]*pendingConn)}
}

// Get returns the shared connection to addr; exactly one dial is in flight
// per address at any time.
func (m *ConnManagerFixed) Get(ctx context.Context, addr string) (*clientConn, error) {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil, ErrManagerClosed
	}
	if p, ok := m.conns[addr]; ok {
		m.mu.Unlock()
		select {
		case <-p.done:
			return p.c, p.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	p := &pendingConn{done: make(chan struct{})}
	m.conns[addr] = p
	m.mu.Unlock()

	dctx, cancel := context.WithTimeout(ctx, m.dialTimeout)
	nc, err := m.dial(dctx, "tcp", addr)
	cancel()

	m.mu.Lock()
	switch {
	case err != nil:
		p.err = err
		if m.conns[addr] == p {
			delete(m.conns, addr)
		}
	case m.closed:
		nc.Close()
		p.err = ErrManagerClosed
	default:
		p.c = newClientConn(addr, nc)
	}
	m.mu.Unlock()
	close(p.done)
	return p.c, p.err
}

// Remove drops and closes the connection to addr if it is established.
func (m *ConnManagerFixed) Remove(addr string) {
	m.mu.Lock()
	p, ok := m.conns[addr]
	var c *clientConn
	if ok && p.c != nil {
		c = p.c
		delete(m.conns, addr)
	}
	m.mu.Unlock()
	if c != nil {
		c.Close()
	}
}

// Close closes every established connection; dials still in flight close
// their own sockets when they observe m.closed.
func (m *ConnManagerFixed) Close() error {
	m.mu.Lock()
	var conns []*clientConn
	for _, p := range m.conns {
		if p.c != nil {
			conns = append(conns, p.c)
		}
	}
	m.conns = make(map[string]*pendingConn)
	m.closed = true
	m.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
	return nil
}
