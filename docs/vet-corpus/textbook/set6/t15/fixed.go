// Fix: GetFixed reserves the slot (numOpen++) in the same critical section as
// the capacity check, dials outside the lock, and gives the slot back if the
// dial fails.

package t15

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"
)

// PoolFixed manages connections to one backend address.
type PoolFixed struct {
	addr    string
	dialer  net.Dialer
	mu      sync.Mutex
	idle    []net.Conn
	numOpen int
	maxOpen int
	closed  bool
}

// NewPoolFixed returns a pool for addr with at most maxOpen connections.
func NewPoolFixed(addr string, maxOpen int) *PoolFixed {
	return &PoolFixed{addr: addr, maxOpen: maxOpen, dialer: net.Dialer{Timeout: 3 * time.Second, KeepAlive: 30 * time.Second}}
}

// GetFixed returns an idle connection or dials a new one if capacity allows.
func (p *PoolFixed) GetFixed(ctx context.Context) (net.Conn, error) {
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
	if p.numOpen >= p.maxOpen {
		p.mu.Unlock()
		return nil, ErrPoolExhausted
	}
	p.numOpen++ // reserve the slot before dialing
	p.mu.Unlock()

	c, err := p.dialer.DialContext(ctx, "tcp", p.addr)
	if err != nil {
		p.mu.Lock()
		p.numOpen--
		p.mu.Unlock()
		return nil, err
	}
	return c, nil
}

// Put returns c to the pool. broken connections are closed instead.
func (p *PoolFixed) Put(c net.Conn, broken bool) {
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
func (p *PoolFixed) Close() error {
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
