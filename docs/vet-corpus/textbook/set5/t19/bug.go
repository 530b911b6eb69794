// Package t19 is a minimal client-side connection pool for a database-like
// server that enforces a hard per-client connection limit. Idle connections
// are kept in a slice and the number of open connections in a counter, both
// guarded by a sync.Mutex and accessed through small helper methods. Get
// waits (in a loop) for a connection to be returned when the pool is at
// capacity. The pool is shared by all request goroutines of the service.
//
// BUG (check-then-act on a pool's open-connection count, split across helper
// methods, inside a loop): the check is p.numOpen() < p.Max in Get, the act
// is p.dial(ctx) followed by p.incOpen(). Dialing takes milliseconds with no
// lock held, and the slot is not reserved before dialing, so under a burst
// many goroutines see the same free slot and all dial. The pool ends up with
// more than Max open connections: the server starts refusing connections
// ("too many clients") for this and other services sharing the account.
package t19

import (
	"context"
	"errors"
	"net"
	"sync"
)

// ErrClosed is returned by Get after Close.
var ErrClosed = errors.New("pool: closed")

// Pool is safe for concurrent use.
type Pool struct {
	Addr string
	Max  int

	mu       sync.Mutex
	idle     []net.Conn
	open     int
	closed   bool
	released chan struct{} // signalled (non-blocking) when a conn is returned
}

// New returns a pool for addr holding at most max connections.
func New(addr string, max int) *Pool {
	return &Pool{Addr: addr, Max: max, released: make(chan struct{}, 1)}
}

func (p *Pool) popIdle() (net.Conn, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, ErrClosed
	}
	if n := len(p.idle); n > 0 {
		c := p.idle[n-1]
		p.idle = p.idle[:n-1]
		return c, nil
	}
	return nil, nil
}

func (p *Pool) numOpen() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.open
}

func (p *Pool) incOpen() {
	p.mu.Lock()
	p.open++
	p.mu.Unlock()
}

func (p *Pool) dial(ctx context.Context) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "tcp", p.Addr)
}

// Get returns an idle connection or dials a new one, waiting while the pool
// is at capacity.
func (p *Pool) Get(ctx context.Context) (net.Conn, error) {
	for {
		c, err := p.popIdle()
		if err != nil {
			return nil, err
		}
		if c != nil {
			return c, nil
		}
		if p.numOpen() < p.Max {
			break
		}
		select {
		case <-p.released:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	c, err := p.dial(ctx)
	if err != nil {
		return nil, err
	}
	p.incOpen()
	return c, nil
}

// Put returns c to the pool.
func (p *Pool) Put(c net.Conn) {
	p.mu.Lock()
	p.idle = append(p.idle, c)
	p.mu.Unlock()
	select {
	case p.released <- struct{}{}:
	default:
	}
}

// Close closes idle connections; later Gets fail with ErrClosed.
func (p *Pool) Close() {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, true
	p.open -= len(idle)
	p.mu.Unlock()
	for _, c := range idle {
		c.Close()
	}
}
