// Package sensu970 reconstructs a crash in Sensu Go's keepalive monitor:
// Reset checked an atomic "stopped" flag and then sent on the reset channel,
// and Stop set the flag and closed the channel; each step was atomic, but a
// Stop between Reset's check and its send closed the channel under it.
//
//   - Project: sensu/sensu-go (backend/monitor/monitor.go)
//   - Bug report: https://github.com/sensu/sensu-go/issues/970
//   - Fix: https://github.com/sensu/sensu-go/pull/971 (a mutex makes the check and the send, and the flag and the close, atomic)
//   - Shape: order violation: a channel closed while a sender that checked
//     it was open is about to send (check-then-act on a flag).
//   - Manifests as: "panic: send on closed channel" on the rare runs where
//     Stop lands between Reset's check and its send.
package sensu970

import "sync/atomic"

// Monitor tracks an entity's keepalives.
type Monitor struct {
	stopped atomic.Bool
	resets  chan int
	done    chan struct{}
	count   int // owned by the monitor goroutine
}

// NewMonitor starts the monitor's goroutine.
func NewMonitor() *Monitor {
	m := &Monitor{resets: make(chan int), done: make(chan struct{})}
	go func() {
		defer close(m.done)
		for range m.resets {
			m.count++
		}
	}()
	return m
}

// Reset records a keepalive.
func (m *Monitor) Reset(seq int) {
	if m.stopped.Load() {
		return
	}
	m.resets <- seq
}

// Stop stops the monitor and returns how many keepalives it recorded.
func (m *Monitor) Stop() int {
	m.stopped.Store(true)
	close(m.resets)
	<-m.done
	return m.count
}
