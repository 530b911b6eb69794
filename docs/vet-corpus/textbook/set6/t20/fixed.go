// Fix: detachFixed uses sync.Map.CompareAndDelete, which removes the entry
// only if it still maps to this connection, as one atomic operation, so a
// newer connection swapped in concurrently is never removed.

package t20

import (
	"bufio"
	"log"
	"net"
	"sync"
	"time"
)

// RegistryFixed maps device IDs to their current connection.
type RegistryFixed struct {
	conns sync.Map // device ID -> *deviceConn
}

// Serve accepts device connections on ln until it fails.
func (r *RegistryFixed) Serve(ln net.Listener) error {
	for {
		nc, err := ln.Accept()
		if err != nil {
			return err
		}
		go r.handshake(nc)
	}
}

func (r *RegistryFixed) handshake(nc net.Conn) {
	_ = nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(nc)
	hello, err := br.ReadString('\n')
	if err != nil || len(hello) < 2 {
		nc.Close()
		return
	}
	_ = nc.SetReadDeadline(time.Time{})
	c := &deviceConn{deviceID: hello[:len(hello)-1], nc: nc}
	r.attach(c)
	defer r.detachFixed(c)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		log.Printf("device %s: %q", c.deviceID, line)
	}
}

func (r *RegistryFixed) attach(c *deviceConn) {
	if old, loaded := r.conns.Swap(c.deviceID, c); loaded {
		old.(*deviceConn).close()
	}
}

// detachFixed unregisters c, unless the device has already reconnected.
func (r *RegistryFixed) detachFixed(c *deviceConn) {
	r.conns.CompareAndDelete(c.deviceID, c)
	c.close()
}

// Push sends frame to the device's current connection.
func (r *RegistryFixed) Push(deviceID string, frame []byte) error {
	v, ok := r.conns.Load(deviceID)
	if !ok {
		return ErrOffline
	}
	return v.(*deviceConn).send(frame)
}
