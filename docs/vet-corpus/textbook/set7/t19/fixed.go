// Fix: the slot is reserved (open++) in the same critical section that checks
// open < max, before the lock is released to dial; a failed dial gives the
// slot back. The count therefore never exceeds max, even while dials are in
// flight.

package t19

import (
	"context"
	"net"
	"time"
)

// GetFixed returns an idle connection, dials a new one if below the limit,
// or waits for one to be returned.
func (p *Pool) GetFixed(ctx context.Context) (net.Conn, error) {
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
		reserved := p.open < p.max
		if reserved {
			p.open++
		}
		p.mu.Unlock()

		if reserved {
			c, err := p.dial(ctx)
			if err != nil {
				p.mu.Lock()
				p.open--
				p.mu.Unlock()
				p.notify()
				return nil, err
			}
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
