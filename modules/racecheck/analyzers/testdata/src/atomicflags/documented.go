package atomicflags

import (
	"sync/atomic"
	"time"
)

// Heartbeat sends heartbeats while started. It is safe for concurrent use.
type Heartbeat struct {
	state atomic.Int32
	quit  chan struct{}
}

// Start starts the loop unless it runs: two Starts at once, which the
// type's doc allows, both start it, and Stop ends one.
func (h *Heartbeat) Start() {
	if h.state.Load() == 0 {
		h.state.Store(1) // want `h.state.Store\(1\) after h.state.Load\(\) on line 17 runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and both go on to start goroutines \(h.loop\(\) on line 19\), where its documentation allows two callers at once: "It is safe for concurrent use."`
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
		}
	}
}

// The fix: CompareAndSwap.
func (h *Heartbeat) startFixed() {
	if h.state.CompareAndSwap(0, 1) {
		go h.loop()
	}
}

// Near-misses: the same start with no promise (a lifecycle method called
// once, as on the projects measured), and a doc that denies it.
type pinger struct {
	state atomic.Int32
	quit  chan struct{}
}

func (p *pinger) Start() {
	if p.state.Load() == 0 {
		p.state.Store(1)
		go p.loop()
	}
}

func (p *pinger) loop() { <-p.quit }

// poller polls. It is not safe for concurrent use.
type poller struct {
	state atomic.Int32
	quit  chan struct{}
}

func (p *poller) Start() {
	if p.state.Load() == 0 {
		p.state.Store(1)
		go p.loop()
	}
}

func (p *poller) loop() { <-p.quit }
