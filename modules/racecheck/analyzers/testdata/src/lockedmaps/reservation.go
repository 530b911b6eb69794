package lockedmaps

import (
	"errors"
	"sync"
)

// nsqio/go-nsq consumer.go at 326de60b: ConnectToNSQD checks
// connections and pendingConnections under r.mtx, refuses an address
// found in either, and otherwise reserves it in pendingConnections before
// unlocking. Connected, it moves the address to connections under the
// lock. Another goroutine's check finds the reservation, so no second
// connection for the address gets past it.
var errAlreadyConnected = errors.New("already connected")

type nsqConn struct{ addr string }

func (c *nsqConn) connect() error { return nil }

func (c *nsqConn) ready() {}

type consumer struct {
	mtx     sync.Mutex
	pending map[string]*nsqConn
	conns   map[string]*nsqConn
}

func (r *consumer) connectTo(addr string) error {
	conn := &nsqConn{addr: addr}
	r.mtx.Lock()
	_, pendingOk := r.pending[addr]
	_, ok := r.conns[addr]
	if ok || pendingOk {
		r.mtx.Unlock()
		return errAlreadyConnected
	}
	r.pending[addr] = conn
	r.mtx.Unlock()

	if err := conn.connect(); err != nil {
		r.mtx.Lock()
		delete(r.pending, addr)
		r.mtx.Unlock()
		return err
	}

	r.mtx.Lock()
	delete(r.pending, addr)
	r.conns[addr] = conn
	r.mtx.Unlock()
	conn.ready()
	return nil
}

// A note the check does not look at reserves nothing: two goroutines
// both pass the check and both connect.
func (r *consumer) connectNoted(addr string) error {
	conn := &nsqConn{addr: addr}
	r.mtx.Lock()
	_, ok := r.conns[addr]
	if ok {
		r.mtx.Unlock()
		return errAlreadyConnected
	}
	r.pending[addr] = conn
	r.mtx.Unlock()

	if err := conn.connect(); err != nil {
		return err
	}

	r.mtx.Lock()
	r.conns[addr] = conn // want `r.conns\[addr\] = … after r.conns\[addr\] on line 60 runs only when the check found no entry`
	r.mtx.Unlock()
	conn.ready()
	return nil
}
