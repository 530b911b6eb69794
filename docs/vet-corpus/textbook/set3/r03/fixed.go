package r03

import (
	"context"
	"net"
	"sync"
)

// PoolFixed reserves a slot (open++) in the same critical section that
// checks the limit, and gives the slot back if the dial fails.
type PoolFixed struct {
	dial DialFunc
	max  int

	mu   sync.Mutex
	idle []net.Conn
	open int
}

func NewPoolFixed(dial DialFunc, max int) *PoolFixed {
	return &PoolFixed{dial: dial, max: max}
}

func (p *PoolFixed) Get(ctx context.Context) (net.Conn, error) {
	c, reserved := p.popIdleOrReserve()
	if c != nil {
		return c, nil
	}
	if !reserved {
		return nil, ErrPoolExhausted
	}
	c, err := p.dial(ctx)
	if err != nil {
		p.release()
		return nil, err
	}
	return c, nil
}

func (p *PoolFixed) popIdleOrReserve() (net.Conn, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.idle); n > 0 {
		c := p.idle[n-1]
		p.idle = p.idle[:n-1]
		return c, false
	}
	if p.open >= p.max {
		return nil, false
	}
	p.open++
	return nil, true
}

func (p *PoolFixed) release() {
	p.mu.Lock()
	p.open--
	p.mu.Unlock()
}

func (p *PoolFixed) Put(c net.Conn) {
	p.mu.Lock()
	p.idle = append(p.idle, c)
	p.mu.Unlock()
}

func (p *PoolFixed) Discard(c net.Conn) {
	_ = c.Close()
	p.release()
}
