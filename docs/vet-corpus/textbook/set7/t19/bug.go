// Package t19 is the connection pool the inventory service uses for its
// PostgreSQL replica. The database server is shared with other services and
// enforces max_connections, so the pool must never have more than Max
// connections open.
//
// Concurrency: Get and Put are called from request goroutines; at start-up
// and after a failover every request misses the empty idle list at once.
//
// BUG (pool bound checked before dialing): Get checks p.open < p.max under
// the mutex, releases it to dial (which takes tens of milliseconds), and only
// after a successful dial acts with p.open++. Every goroutine that checks
// while the others are still dialing sees the same old count and dials too.
//
// Harm: after a failover the pool opens far more than Max connections; the
// shared database hits max_connections and starts refusing connections from
// the other services (payments, auth), turning a replica failover into a
// site-wide outage.
package t19

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"
)

// ErrPoolClosed is returned after Close.
var ErrPoolClosed = errors.New("t19: pool closed")

// Pool bounds the number of open connections.
type Pool struct {
	dial func(ctx context.Context) (net.Conn, error)
	max  int

	mu     sync.Mutex
	idle   []net.Conn
	open   int
	closed bool
	freed  chan struct{} // pinged when a connection is returned or closed
}

// NewPool returns a pool that dials with dial and keeps at most max open.
func NewPool(max int, dial func(ctx context.Context) (net.Conn, error)) *Pool {
	return &Pool{dial: dial, max: max, freed: make(chan struct{}, 1)}
}

func (p *Pool) notify() {
	select {
	case p.freed <- struct{}{}:
	default:
	}
}

// Get returns an idle connection, dials a new one if below the limit, or
// waits for one to be returned.
func (p *Pool) Get(ctx context.Context) (net.Conn, error) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, ErrPoolClosed
		}
		if n := len(p.idle); n > 0 {
			c := p.idle[n-1]
			p.idle = p.idle[:n-1]
			p.mu.Unlock()
			return c, nil
		}
		canDial := p.open < p.max
		p.mu.Unlock()

		if canDial {
			c, err := p.dial(ctx)
			if err != nil {
				return nil, err
			}
			p.mu.Lock()
			p.open++
			p.mu.Unlock()
			return c, nil
		}
		select {
		case <-p.freed:
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Put returns c to the pool; broken connections are closed instead.
func (p *Pool) Put(c net.Conn, broken bool) {
	p.mu.Lock()
	if broken || p.closed {
		p.open--
		p.mu.Unlock()
		c.Close()
	} else {
		p.idle = append(p.idle, c)
		p.mu.Unlock()
	}
	p.notify()
}

// Close closes idle connections; busy ones are closed when returned.
func (p *Pool) Close() {
	p.mu.Lock()
	p.closed = true
	idle := p.idle
	p.idle = nil
	p.open -= len(idle)
	p.mu.Unlock()
	for _, c := range idle {
		c.Close()
	}
}
