package t04

// Fix: reserve the slot in the same critical section as the check
// (numOpen < max, then numOpen++), and only then dial without the lock. If
// the dial fails, give the reservation back. numOpen now counts connections
// that are open or being opened, so the cap holds under any interleaving.

import (
	"context"
	"net"
)

// tryReserveFixed atomically checks the cap and reserves a slot.
func (p *Pool) tryReserveFixed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.numOpen >= p.max {
		return false
	}
	p.numOpen++
	return true
}

// GetFixed returns an idle connection or dials a new one if under the cap.
func (p *Pool) GetFixed(ctx context.Context) (net.Conn, error) {
	if c, ok := p.takeIdle(); ok {
		return c, nil
	}
	if !p.tryReserveFixed() {
		return nil, ErrPoolExhausted
	}
	c, err := p.dial(ctx)
	if err != nil {
		p.mu.Lock()
		p.numOpen--
		p.mu.Unlock()
		return nil, err
	}
	return c, nil
}
