// Package s08 pools TCP connections to a line-based lookup service.
//
// BUG (len() check on a buffered channel, then receive): Get checks
// len(p.idle) > 0 and then does a blocking receive. Lookup is called from
// every HTTP handler goroutine; when one idle connection is left, two
// goroutines can both see len == 1, one receives it and the other blocks in
// <-p.idle instead of dialing. It ignores ctx and stays blocked until some
// other request returns a connection; at low traffic or after the backend
// drops connections that may be never, so requests hang and goroutines leak.
package s08

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"time"
)

// Pool is safe for concurrent use.
type Pool struct {
	addr string
	idle chan net.Conn
}

func NewPool(addr string, maxIdle int) *Pool {
	return &Pool{addr: addr, idle: make(chan net.Conn, maxIdle)}
}

// Get returns an idle connection if there is one and dials otherwise.
func (p *Pool) Get(ctx context.Context) (net.Conn, error) {
	if len(p.idle) > 0 {
		return <-p.idle, nil
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", p.addr)
}

// Put returns c to the pool, closing it if the pool is full.
func (p *Pool) Put(c net.Conn) {
	select {
	case p.idle <- c:
	default:
		c.Close()
	}
}

// Lookup sends "GET key" and returns the reply line.
func (p *Pool) Lookup(ctx context.Context, key string) (string, error) {
	c, err := p.Get(ctx)
	if err != nil {
		return "", err
	}
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
	} else {
		c.SetDeadline(time.Now().Add(5 * time.Second))
	}
	if _, err := fmt.Fprintf(c, "GET %s\n", key); err != nil {
		c.Close()
		return "", err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		c.Close()
		return "", err
	}
	p.Put(c)
	return strings.TrimSpace(line), nil
}
