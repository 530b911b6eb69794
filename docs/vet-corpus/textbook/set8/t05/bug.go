// Package t05 implements a small TCP connection pool used by the session
// service to talk to a Redis-compatible backend that allows at most
// MaxOpen client connections per service (the backend is shared by several
// teams and enforces a per-tenant maxclients).
//
// Concurrency: every HTTP request goroutine calls Pool.Get and later
// Pool.Put / Pool.Discard. A janitor goroutine (StartJanitor) closes idle
// connections periodically.
//
// BUG: Get checks numOpen < MaxOpen under the mutex (CHECK), then releases
// the mutex because dialing is slow, dials, and only after the dial
// re-acquires the mutex to increment numOpen (ACT). All goroutines that
// arrive during a dial pass the same check.
//
// HARM: under a burst the pool opens far more than MaxOpen connections; the
// backend starts refusing connections ("max number of clients reached") for
// this and other tenants, and the excess sockets are never accounted, so
// numOpen drifts and Put keeps them forever (leaked connections).
package t05

import (
	"errors"
	"net"
	"sync"
	"time"
)

var ErrPoolExhausted = errors.New("pool: exhausted")

// Pool hands out net.Conns to a single address.
type Pool struct {
	Addr    string
	MaxOpen int
	Dial    func(addr string) (net.Conn, error)

	mu      sync.Mutex
	idle    []net.Conn
	numOpen int
}

// Get returns an idle connection or dials a new one.
func (p *Pool) Get() (net.Conn, error) {
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		c := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return c, nil
	}
	canDial := p.numOpen < p.MaxOpen // CHECK
	p.mu.Unlock()                    // released so the slow dial doesn't block Put
	if !canDial {
		return nil, ErrPoolExhausted
	}

	c, err := p.Dial(p.Addr)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.numOpen++ // ACT: counted only after the dial
	p.mu.Unlock()
	return c, nil
}

// Put returns a healthy connection to the pool.
func (p *Pool) Put(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.idle = append(p.idle, c)
}

// Discard closes a broken connection.
func (p *Pool) Discard(c net.Conn) {
	_ = c.Close()
	p.mu.Lock()
	p.numOpen--
	p.mu.Unlock()
}

// StartJanitor closes all idle connections every interval.
func (p *Pool) StartJanitor(interval time.Duration, stop <-chan struct{}) {
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				p.mu.Lock()
				idle := p.idle
				p.idle = nil
				p.numOpen -= len(idle)
				p.mu.Unlock()
				for _, c := range idle {
					_ = c.Close()
				}
			case <-stop:
				return
			}
		}
	}()
}
