// Package sensu1264 reconstructs a deadlock in Sensu Go's keepalive
// monitor: Reset sends the new timeout to the monitor's goroutine while
// holding the monitor's mutex, and that goroutine's other select case, the
// timeout firing, takes the same mutex; when the timeout fires just as a
// reset arrives, each waits for the other.
//
//   - Project: sensu/sensu-go (backend/monitor/monitor.go)
//   - Bug report: https://github.com/sensu/sensu-go/issues/1264
//   - Fix: https://github.com/sensu/sensu-go/pull/1265 (resetChan gets a buffer)
//   - Shape: a channel send made while holding a mutex that the only receiver
//     needs before it can receive again.
//   - Manifests as: a deadlock; the test blocks in Reset (a hang) on the runs
//     where the timeout fires while a reset is being sent.
package sensu1264

import (
	"sync"
	"time"
)

// Monitor calls the failure handler when no keepalive arrives in time.
type Monitor struct {
	mu       sync.Mutex
	stopped  bool
	failures int
	resetC   chan time.Duration
	stop     chan struct{}
	done     chan struct{}
}

// NewMonitor starts a monitor with the given timeout.
func NewMonitor(timeout time.Duration) *Monitor {
	m := &Monitor{
		resetC: make(chan time.Duration),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	go m.run(timeout)
	return m
}

func (m *Monitor) run(timeout time.Duration) {
	defer close(m.done)
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		select {
		case d := <-m.resetC:
			timer.Reset(d)
		case <-timer.C:
			m.mu.Lock()
			m.failures++
			m.mu.Unlock()
			timer.Reset(timeout)
		case <-m.stop:
			return
		}
	}
}

// Reset restarts the timeout after a keepalive.
func (m *Monitor) Reset(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stopped {
		return
	}
	m.resetC <- d
}

// Stop stops the monitor and returns how many timeouts it saw.
func (m *Monitor) Stop() int {
	m.mu.Lock()
	m.stopped = true
	close(m.stop)
	m.mu.Unlock()
	<-m.done
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.failures
}
