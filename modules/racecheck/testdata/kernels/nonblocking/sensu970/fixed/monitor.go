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
//   - Fixed twin: a mutex makes Reset's check and send, and Stop's flag and
//     close, atomic with respect to each other (the upstream fix); the monitor
//     goroutine drains the channel until it is closed, so a send under the
//     mutex always completes.
package sensu970

import "sync"

// Monitor tracks an entity's keepalives.
type Monitor struct {
	mu      sync.Mutex // makes the stopped check and the send atomic
	stopped bool
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
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stopped {
		return
	}
	m.resets <- seq
}

// Stop stops the monitor and returns how many keepalives it recorded.
func (m *Monitor) Stop() int {
	m.mu.Lock()
	m.stopped = true
	close(m.resets)
	m.mu.Unlock()
	<-m.done
	return m.count
}
