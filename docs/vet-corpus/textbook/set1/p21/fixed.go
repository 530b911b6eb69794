package p21

import "net"

// PoolFixed is safe for concurrent use.
type PoolFixed struct {
	idle chan net.Conn
	dial func() (net.Conn, error)
}

// GetFixed returns an idle connection or dials a new one; the non-blocking
// receive checks and takes in one step.
func (p *PoolFixed) GetFixed() (net.Conn, error) {
	select {
	case c := <-p.idle:
		return c, nil
	default:
		return p.dial()
	}
}

// PutFixed returns c to the pool, closing it if the pool is full.
func (p *PoolFixed) PutFixed(c net.Conn) {
	select {
	case p.idle <- c:
	default:
		c.Close()
	}
}
