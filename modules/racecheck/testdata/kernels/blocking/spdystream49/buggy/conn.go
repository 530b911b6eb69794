// Package spdystream49 reconstructs a deadlock in moby/spdystream, the
// SPDY library under Docker and Kubernetes streaming: every Write signals
// activity on a small buffered channel while holding the write lock, and
// when the connection closes, the idle monitor that drains that channel
// stops draining and takes the write lock; a Write blocked on the full
// channel keeps the lock forever.
//
//   - Project: moby/spdystream (connection.go)
//   - Bug report: https://github.com/moby/spdystream/issues/49
//   - Fix: https://github.com/moby/spdystream/pull/50 (the monitor starts a goroutine that drains the channel before it takes the lock)
//   - Shape: a goroutine blocked on a full buffered channel while holding a
//     lock that the channel's only reader needs.
//   - Manifests as: a deadlock; Close never returns and the test hangs, on the
//     runs where a burst of writes is in flight when the connection closes.
package spdystream49

import (
	"errors"
	"sync"
)

// ErrClosed is returned by writes on a closed connection.
var ErrClosed = errors.New("connection closed")

// Conn is a multiplexed connection with an idle timeout.
type Conn struct {
	writeLock sync.Mutex
	closed    bool // guarded by writeLock
	frames    []string

	resetC  chan struct{} // activity signals for the idle monitor
	closeC  chan struct{}
	monDone chan struct{}
}

// NewConn starts the connection's idle monitor.
func NewConn() *Conn {
	c := &Conn{
		resetC:  make(chan struct{}, 1),
		closeC:  make(chan struct{}),
		monDone: make(chan struct{}),
	}
	go c.monitor()
	return c
}

// Write sends one frame.
func (c *Conn) Write(frame string) error {
	c.writeLock.Lock()
	defer c.writeLock.Unlock()
	if c.closed {
		return ErrClosed
	}
	c.frames = append(c.frames, frame)
	c.resetC <- struct{}{}
	return nil
}

// monitor resets the idle timer on activity until the connection closes.
func (c *Conn) monitor() {
	defer close(c.monDone)
	for {
		select {
		case <-c.resetC:
			// The idle timer is reset here.
		case <-c.closeC:
			c.writeLock.Lock()
			c.closed = true
			c.writeLock.Unlock()
			return
		}
	}
}

// Close closes the connection and waits for the monitor to finish.
func (c *Conn) Close() {
	close(c.closeC)
	<-c.monDone
}
