// Package t15 is a small client-side connection pool for the inventory
// service's binary protocol. Request handlers (concurrent net/http goroutines)
// Get a connection, use it, and Put it back; the pool keeps idle connections
// and never lets more than maxOpen exist, because the inventory backend
// rejects clients beyond its per-client connection budget and the budget is
// shared with other services.
//
// BUG (Pool.Get: check = p.numOpen < p.maxOpen, read under p.mu which is then
// released for the slow dial -> act = p.numOpen++ after the dial succeeds):
// many goroutines can see the same free capacity, all dial, and all
// increment, so numOpen ends up above maxOpen.
//
// Harm: on a traffic spike the pool opens far more connections than allowed;
// the backend starts refusing connections from this and other services
// (cascading "too many connections" errors) and the extra sockets are never
// trimmed back because Put keeps them as idle.
package t15

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"
)

// ErrPoolExhausted is returned when maxOpen connections are in use.
var ErrPoolExhausted = errors.New("connection pool exhausted")

// ErrPoolClosed is returned after Close.
var ErrPoolClosed = errors.New("connection pool closed")

// Pool manages connections to one backend address.
type Pool struct {
	addr    string
	dialer  net.Dialer
	mu      sync.Mutex
	idle    []net.Conn
	numOpen int
	maxOpen int
	closed  bool
}

// NewPool returns a pool for addr with at most maxOpen connections.
func NewPool(addr string, maxOpen int) *Pool {
	return &Pool{addr: addr, maxOpen: maxOpen, dialer: net.Dialer{Timeout: 3 * time.Second, KeepAlive: 30 * time.Second}}
}

// Get returns an idle connection or dials a new one if capacity allows.
func (p *Pool) Get(ctx context.Context) (net.Conn, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, ErrPoolClosed
	}
	if n := len(p.idle); n > 0 {
		c := p.idle[n-1]
		p.idle[n-1] = nil
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return c, nil
	}
	canDial := p.numOpen < p.maxOpen
	p.mu.Unlock()
	if !canDial {
		return nil, ErrPoolExhausted
	}

	c, err := p.dialer.DialContext(ctx, "tcp", p.addr)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.numOpen++
	p.mu.Unlock()
	return c, nil
}

// Put returns c to the pool. broken connections are closed instead.
func (p *Pool) Put(c net.Conn, broken bool) {
	p.mu.Lock()
	if broken || p.closed {
		p.numOpen--
		p.mu.Unlock()
		c.Close()
		return
	}
	p.idle = append(p.idle, c)
	p.mu.Unlock()
}

// Close closes all idle connections; connections in use are closed on Put.
func (p *Pool) Close() error {
	p.mu.Lock()
	idle := p.idle
	p.idle = nil
	p.closed = true
	p.numOpen -= len(idle)
	p.mu.Unlock()
	var errs []error
	for _, c := range idle {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}
