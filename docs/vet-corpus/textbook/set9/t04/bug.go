// Package t04 is a small client-side connection pool for a database wire
// protocol, enforcing a hard cap on open connections because the database
// server has a global max_connections shared by many services.
//
// Concurrency: Get, Put and Discard are called from every request-handling
// goroutine of the service (hundreds at peak). Dialling takes tens of
// milliseconds (TCP + TLS + auth), so the pool releases its mutex while
// dialling.
//
// BUG: Get checks p.canOpen() (numOpen < max) under the lock, releases the
// lock, dials, and only then increments numOpen under the lock again. During
// the dial, every other goroutine that finds no idle connection also sees
// numOpen < max and also dials.
//
// HARM: under a burst the pool opens far more than max connections (a burst
// of 200 requests against max=20 can open 200). The database hits
// max_connections and starts refusing "too many clients" to every other
// service sharing it; the cap the pool exists to enforce is not enforced.
package t04

import (
	"context"
	"errors"
	"net"
	"sync"
)

// ErrPoolExhausted is returned when max connections are open and none idle.
var ErrPoolExhausted = errors.New("pool: all connections in use")

// Pool hands out net.Conns to a single database address.
type Pool struct {
	mu      sync.Mutex
	idle    []net.Conn
	numOpen int
	max     int
	dial    func(ctx context.Context) (net.Conn, error)
}

// NewPool returns a pool opening at most max connections with dial.
func NewPool(max int, dial func(context.Context) (net.Conn, error)) *Pool {
	return &Pool{max: max, dial: dial}
}

func (p *Pool) takeIdle() (net.Conn, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.idle); n > 0 {
		c := p.idle[n-1]
		p.idle = p.idle[:n-1]
		return c, true
	}
	return nil, false
}

func (p *Pool) canOpen() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.numOpen < p.max
}

// Get returns an idle connection or dials a new one if under the cap.
func (p *Pool) Get(ctx context.Context) (net.Conn, error) {
	if c, ok := p.takeIdle(); ok {
		return c, nil
	}
	if !p.canOpen() { // check
		return nil, ErrPoolExhausted
	}
	c, err := p.dial(ctx) // lock not held: others pass canOpen too
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.numOpen++ // act, far too late
	p.mu.Unlock()
	return c, nil
}

// Put returns a healthy connection to the pool.
func (p *Pool) Put(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.idle = append(p.idle, c)
}

// Discard closes a broken connection and frees its slot.
func (p *Pool) Discard(c net.Conn) {
	c.Close()
	p.mu.Lock()
	p.numOpen--
	p.mu.Unlock()
}
