// Package p01 is a registry of upstream connections keyed by address.
//
// BUG: GetConn does sync.Map Load, and on a miss dials and Stores. Two
// goroutines that miss on the same address concurrently both dial; the second
// Store overwrites the first, so the first connection (and its reader
// goroutine) is never closed by CloseAll: a leaked socket and goroutine.
package p01

import (
	"net"
	"sync"
)

// ConnRegistry caches one connection per address. It is safe for concurrent use.
type ConnRegistry struct {
	conns sync.Map // addr -> net.Conn
	dial  func(addr string) (net.Conn, error)
}

// NewConnRegistry returns a registry that dials with dial.
func NewConnRegistry(dial func(string) (net.Conn, error)) *ConnRegistry {
	return &ConnRegistry{dial: dial}
}

// GetConn returns the shared connection for addr, dialing it if needed.
func (r *ConnRegistry) GetConn(addr string) (net.Conn, error) {
	if c, ok := r.conns.Load(addr); ok {
		return c.(net.Conn), nil
	}
	c, err := r.dial(addr)
	if err != nil {
		return nil, err
	}
	r.conns.Store(addr, c)
	return c, nil
}

// CloseAll closes every registered connection.
func (r *ConnRegistry) CloseAll() {
	r.conns.Range(func(k, v any) bool {
		v.(net.Conn).Close()
		r.conns.Delete(k)
		return true
	})
}
