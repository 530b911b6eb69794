// Package p06 is a heartbeat sender with Start/Stop.
//
// BUG: Start Loads state, sees idle, Stores running and launches the loop. Two
// concurrent Start calls both see idle and launch two loops; Stop sends a
// single quit message, so one loop keeps running forever (leaked goroutine
// sending heartbeats for a node that has shut down).
package p06

import (
	"sync/atomic"
	"time"
)

const (
	idle int32 = iota
	running
)

// Heartbeat is safe for concurrent use.
type Heartbeat struct {
	state atomic.Int32
	quit  chan struct{}
	send  func()
}

// NewHeartbeat returns an idle heartbeat.
func NewHeartbeat(send func()) *Heartbeat {
	return &Heartbeat{quit: make(chan struct{}), send: send}
}

// Start starts sending heartbeats if not already started.
func (h *Heartbeat) Start() {
	if h.state.Load() == idle {
		h.state.Store(running)
		go h.loop()
	}
}

func (h *Heartbeat) loop() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-h.quit:
			return
		case <-t.C:
			h.send()
		}
	}
}

// Stop stops the heartbeat loop.
func (h *Heartbeat) Stop() {
	if h.state.CompareAndSwap(running, idle) {
		h.quit <- struct{}{}
	}
}
