package p01

import (
	"net"
	"sync"
)

// ConnRegistryFixed caches one connection per address. It is safe for concurrent use.
type ConnRegistryFixed struct {
	conns sync.Map // addr -> net.Conn
	dial  func(addr string) (net.Conn, error)
}

// NewConnRegistryFixed returns a registry that dials with dial.
func NewConnRegistryFixed(dial func(string) (net.Conn, error)) *ConnRegistryFixed {
	return &ConnRegistryFixed{dial: dial}
}

// GetConnFixed returns the shared connection for addr, dialing it if needed.
// The loser of a concurrent dial closes its own connection.
func (r *ConnRegistryFixed) GetConnFixed(addr string) (net.Conn, error) {
	if c, ok := r.conns.Load(addr); ok {
		return c.(net.Conn), nil
	}
	c, err := r.dial(addr)
	if err != nil {
		return nil, err
	}
	actual, loaded := r.conns.LoadOrStore(addr, c)
	if loaded {
		c.Close()
	}
	return actual.(net.Conn), nil
}

// CloseAllFixed closes every registered connection.
func (r *ConnRegistryFixed) CloseAllFixed() {
	r.conns.Range(func(k, v any) bool {
		if r.conns.CompareAndDelete(k, v) {
			v.(net.Conn).Close()
		}
		return true
	})
}
