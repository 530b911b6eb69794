package q04

import (
	"context"
	"errors"
	"net"
	"sync"
)

var ErrExhaustedFixed = errors.New("pool exhausted")

// PoolFixed is safe for concurrent use.
type PoolFixed struct {
	mu   sync.Mutex
	idle []net.Conn
	open int
	max  int
	addr string
	d    net.Dialer
}

func NewPoolFixed(addr string, max int) *PoolFixed { return &PoolFixed{addr: addr, max: max} }

// reserve either hands out an idle conn or reserves a dial slot, atomically.
func (p *PoolFixed) reserve() (net.Conn, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.idle); n > 0 {
		c := p.idle[n-1]
		p.idle = p.idle[:n-1]
		return c, nil
	}
	if p.open >= p.max {
		return nil, ErrExhaustedFixed
	}
	p.open++
	return nil, nil
}

func (p *PoolFixed) release() {
	p.mu.Lock()
	p.open--
	p.mu.Unlock()
}

func (p *PoolFixed) GetFixed(ctx context.Context) (net.Conn, error) {
	c, err := p.reserve()
	if err != nil || c != nil {
		return c, err
	}
	c, err = p.d.DialContext(ctx, "tcp", p.addr)
	if err != nil {
		p.release()
		return nil, err
	}
	return c, nil
}

func (p *PoolFixed) PutFixed(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.idle = append(p.idle, c)
}

func (p *PoolFixed) DiscardFixed(c net.Conn) {
	c.Close()
	p.release()
}
