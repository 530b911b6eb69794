// Package t20 is the device gateway of an IoT push service. Each device keeps
// one long-lived TCP connection; the accept loop registers it under the
// device ID (replacing and closing any older connection from the same device,
// e.g. after a network change), and a per-connection reader goroutine
// unregisters the connection when it ends. Backend services call Push from
// their own goroutines to send commands to a device.
//
// BUG (Registry.detach: check = r.conns.Load(c.deviceID) returns this very
// *deviceConn -> act = r.conns.Delete(c.deviceID)): when a device's network
// changes, the reader of its old connection fails and calls detach while the
// device is already reconnecting. If the new connection's attach (a Swap)
// lands between detach's identity check and its Delete, the Delete removes
// the device's new, healthy connection from the registry.
//
// Harm: the device is connected but unreachable. Every Push returns
// ErrOffline ("device offline"), so commands (unlock door, firmware rollback)
// are not delivered, while the unregistered connection stays open, so the
// device believes it is online and never reconnects to repair the situation.
package t20

import (
	"bufio"
	"errors"
	"log"
	"net"
	"sync"
	"time"
)

// ErrOffline is returned by Push when the device has no connection.
var ErrOffline = errors.New("device offline")

type deviceConn struct {
	deviceID  string
	nc        net.Conn
	wmu       sync.Mutex
	closeOnce sync.Once
}

func (c *deviceConn) send(frame []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.nc.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, err := c.nc.Write(append(frame, '\n'))
	return err
}

func (c *deviceConn) close() { c.closeOnce.Do(func() { c.nc.Close() }) }

// Registry maps device IDs to their current connection.
type Registry struct {
	conns sync.Map // device ID -> *deviceConn
}

// Serve accepts device connections on ln until it fails.
func (r *Registry) Serve(ln net.Listener) error {
	for {
		nc, err := ln.Accept()
		if err != nil {
			return err
		}
		go r.handshake(nc)
	}
}

func (r *Registry) handshake(nc net.Conn) {
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
	defer r.detach(c)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		log.Printf("device %s: %q", c.deviceID, line)
	}
}

func (r *Registry) attach(c *deviceConn) {
	if old, loaded := r.conns.Swap(c.deviceID, c); loaded {
		old.(*deviceConn).close()
	}
}

// detach unregisters c, unless the device has already reconnected.
func (r *Registry) detach(c *deviceConn) {
	if cur, ok := r.conns.Load(c.deviceID); ok && cur == c {
		r.conns.Delete(c.deviceID)
	}
	c.close()
}

// Push sends frame to the device's current connection.
func (r *Registry) Push(deviceID string, frame []byte) error {
	v, ok := r.conns.Load(deviceID)
	if !ok {
		return ErrOffline
	}
	return v.(*deviceConn).send(frame)
}
