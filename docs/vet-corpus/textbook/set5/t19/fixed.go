package t19

import (
	"context"
	"net"
	"sync"
)

// PoolFixed is safe for concurrent use.
type PoolFixed struct {
	Addr string
	Max  int

	mu       sync.Mutex
	idle     []net.Conn
	open     int
	closed   bool
	released chan struct{}
}

// NewFixed returns a pool for addr holding at most max connections.
func NewFixed(addr string, max int) *PoolFixed {
	return &PoolFixed{Addr: addr, Max: max, released: make(chan struct{}, 1)}
}

// takeOrReserve pops an idle connection, or reserves a slot for a new one,
// under a single lock. reserved reports that the caller must dial.
func (p *PoolFixed) takeOrReserve() (c net.Conn, reserved bool, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, false, ErrClosed
	}
	if n := len(p.idle); n > 0 {
		c = p.idle[n-1]
		p.idle = p.idle[:n-1]
		return c, false, nil
	}
	if p.open < p.Max {
		p.open++ // reserve before dialing
		return nil, true, nil
	}
	return nil, false, nil
}

func (p *PoolFixed) unreserve() {
	p.mu.Lock()
	p.open--
	p.mu.Unlock()
	select {
	case p.released <- struct{}{}:
	default:
	}
}

// Get returns an idle connection or dials a new one, never exceeding Max.
func (p *PoolFixed) Get(ctx context.Context) (net.Conn, error) {
	for {
		c, reserved, err := p.takeOrReserve()
		if err != nil {
			return nil, err
		}
		if c != nil {
			return c, nil
		}
		if reserved {
			var d net.Dialer
			c, err := d.DialContext(ctx, "tcp", p.Addr)
			if err != nil {
				p.unreserve()
				return nil, err
			}
			return c, nil
		}
		select {
		case <-p.released:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Put returns c to the pool.
func (p *PoolFixed) Put(c net.Conn) {
	p.mu.Lock()
	p.idle = append(p.idle, c)
	p.mu.Unlock()
	select {
	case p.released <- struct{}{}:
	default:
	}
}

// Close closes idle connections; later Gets fail with ErrClosed.
func (p *PoolFixed) Close() {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, true
	p.open -= len(idle)
	p.mu.Unlock()
	for _, c := range idle {
		c.Close()
	}
}
