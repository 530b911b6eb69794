// Package p21 is a connection pool keeping idle connections in a buffered
// channel.
//
// BUG: Get checks len(idle) > 0 and then does a blocking receive. With one
// idle connection, two goroutines both see len 1; one receives it and the
// other blocks on the empty channel instead of dialing, hanging the request
// until some connection is returned (forever if none is).
package p21

import "net"

// Pool is safe for concurrent use.
type Pool struct {
	idle chan net.Conn
	dial func() (net.Conn, error)
}

// NewPool returns a pool keeping up to maxIdle idle connections.
func NewPool(maxIdle int, dial func() (net.Conn, error)) *Pool {
	return &Pool{idle: make(chan net.Conn, maxIdle), dial: dial}
}

// Get returns an idle connection or dials a new one.
func (p *Pool) Get() (net.Conn, error) {
	if len(p.idle) > 0 {
		return <-p.idle, nil
	}
	return p.dial()
}

// Put returns c to the pool, closing it if the pool is full.
func (p *Pool) Put(c net.Conn) {
	select {
	case p.idle <- c:
	default:
		c.Close()
	}
}
