// Package r03 is a small client-side connection pool for a database that
// enforces a hard limit on concurrent connections per client.
//
// BUG (check-then-act split across helper methods): Pool.Get asks
// canOpen() whether another connection may be opened (open < max, checked
// under p.mu), then calls openNew(), which dials — a slow network round
// trip — and only afterwards increments p.open. Pool is shared by all
// request goroutines of the service; when the idle list is empty, many of
// them pass canOpen() during the same dial window and all of them dial.
// The pool ends up with more than max live connections: the database starts
// refusing connections ("too many clients") for every other service sharing
// it, and p.open drifts above max permanently.
package r03

import (
	"context"
	"errors"
	"net"
	"sync"
)

var ErrPoolExhausted = errors.New("pool: all connections in use")

type DialFunc func(ctx context.Context) (net.Conn, error)

// Pool is safe for concurrent use.
type Pool struct {
	dial DialFunc
	max  int

	mu   sync.Mutex
	idle []net.Conn
	open int // connections handed out or idle
}

func NewPool(dial DialFunc, max int) *Pool {
	return &Pool{dial: dial, max: max}
}

// Get returns an idle connection or opens a new one if the limit allows.
func (p *Pool) Get(ctx context.Context) (net.Conn, error) {
	if c := p.popIdle(); c != nil {
		return c, nil
	}
	if !p.canOpen() {
		return nil, ErrPoolExhausted
	}
	return p.openNew(ctx)
}

func (p *Pool) popIdle() net.Conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.idle)
	if n == 0 {
		return nil
	}
	c := p.idle[n-1]
	p.idle = p.idle[:n-1]
	return c
}

func (p *Pool) canOpen() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.open < p.max
}

func (p *Pool) openNew(ctx context.Context) (net.Conn, error) {
	c, err := p.dial(ctx)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.open++
	p.mu.Unlock()
	return c, nil
}

// Put returns a healthy connection to the idle list.
func (p *Pool) Put(c net.Conn) {
	p.mu.Lock()
	p.idle = append(p.idle, c)
	p.mu.Unlock()
}

// Discard closes a broken connection and frees its slot.
func (p *Pool) Discard(c net.Conn) {
	_ = c.Close()
	p.mu.Lock()
	p.open--
	p.mu.Unlock()
}
