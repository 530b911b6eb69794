// Package q04 is a bounded connection pool for an upstream TCP service.
//
// BUG: Get asks canDial (under the lock) whether a new connection is allowed
// and, after the lock is released, dials and then records the connection in
// trackOpen. Concurrent Gets all pass canDial before any of them increments
// open, so the pool opens more than max connections and the upstream, which
// enforces a hard per-client connection cap, starts refusing them.
package q04

import (
	"context"
	"errors"
	"net"
	"sync"
)

var ErrExhausted = errors.New("pool exhausted")

// Pool is safe for concurrent use.
type Pool struct {
	mu   sync.Mutex
	idle []net.Conn
	open int
	max  int
	addr string
	d    net.Dialer
}

func NewPool(addr string, max int) *Pool { return &Pool{addr: addr, max: max} }

func (p *Pool) takeIdle() net.Conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.idle); n > 0 {
		c := p.idle[n-1]
		p.idle = p.idle[:n-1]
		return c
	}
	return nil
}

func (p *Pool) canDial() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.open < p.max
}

func (p *Pool) trackOpen() {
	p.mu.Lock()
	p.open++
	p.mu.Unlock()
}

// Get returns an idle connection or dials a new one within the limit.
func (p *Pool) Get(ctx context.Context) (net.Conn, error) {
	if c := p.takeIdle(); c != nil {
		return c, nil
	}
	if !p.canDial() {
		return nil, ErrExhausted
	}
	c, err := p.d.DialContext(ctx, "tcp", p.addr)
	if err != nil {
		return nil, err
	}
	p.trackOpen()
	return c, nil
}

// Put returns c to the pool.
func (p *Pool) Put(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.idle = append(p.idle, c)
}

// Discard closes a broken connection and frees its slot.
func (p *Pool) Discard(c net.Conn) {
	c.Close()
	p.mu.Lock()
	p.open--
	p.mu.Unlock()
}
