package s08

import (
	"context"
	"net"
)

// GetFixed makes "is one idle?" and "take it" a single non-blocking receive.
func (p *Pool) GetFixed(ctx context.Context) (net.Conn, error) {
	select {
	case c := <-p.idle:
		return c, nil
	default:
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", p.addr)
}
