package t05

// FIX: reserve the slot (numOpen++) in the same critical section as the
// check, then dial without the lock. If the dial fails the reservation is
// returned. numOpen therefore counts "open or being opened" connections and
// can never exceed MaxOpen.

import "net"

// GetFixed returns an idle connection or dials a new one within MaxOpen.
func (p *Pool) GetFixed() (net.Conn, error) {
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		c := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return c, nil
	}
	if p.numOpen >= p.MaxOpen {
		p.mu.Unlock()
		return nil, ErrPoolExhausted
	}
	p.numOpen++ // reserve before unlocking
	p.mu.Unlock()

	c, err := p.Dial(p.Addr)
	if err != nil {
		p.mu.Lock()
		p.numOpen-- // give the reservation back
		p.mu.Unlock()
		return nil, err
	}
	return c, nil
}
