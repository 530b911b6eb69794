package p06

import (
	"sync/atomic"
	"time"
)

// HeartbeatFixed is safe for concurrent use.
type HeartbeatFixed struct {
	state atomic.Int32
	quit  chan struct{}
	send  func()
}

// StartFixed starts exactly one loop.
func (h *HeartbeatFixed) StartFixed() {
	if h.state.CompareAndSwap(idle, running) {
		go h.loopFixed()
	}
}

func (h *HeartbeatFixed) loopFixed() {
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

// StopFixed stops the heartbeat loop.
func (h *HeartbeatFixed) StopFixed() {
	if h.state.CompareAndSwap(running, idle) {
		h.quit <- struct{}{}
	}
}
