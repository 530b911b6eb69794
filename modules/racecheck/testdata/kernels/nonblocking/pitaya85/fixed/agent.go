// Package pitaya85 reconstructs a crash in TopFreeGames' Pitaya game server:
// an agent is closed both when its client disconnects and when its heartbeat
// times out, Close checked the agent's state and then closed its die
// channel, and two concurrent Close calls could both pass the check.
//
//   - Project: topfreegames/pitaya (agent/agent.go)
//   - Bug report: https://github.com/topfreegames/pitaya/issues/85
//   - Fix: https://github.com/topfreegames/pitaya/pull/86 (a mutex around the close operation)
//   - Shape: double close of a channel guarded by a non-atomic state check.
//   - Fixed twin: a mutex makes the state check, the state change and the
//     close one atomic step (the upstream fix).
package pitaya85

import (
	"errors"
	"sync"
)

// ErrAlreadyClosed is returned by Close on a closed agent.
var ErrAlreadyClosed = errors.New("agent already closed")

const (
	statusWorking = iota
	statusClosed
)

// Agent is a connected client.
type Agent struct {
	mu    sync.Mutex // guards state and the close of chDie
	state int
	chDie chan struct{}
}

// NewAgent returns a working agent.
func NewAgent() *Agent { return &Agent{state: statusWorking, chDie: make(chan struct{})} }

// Close stops the agent's goroutines.
func (a *Agent) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.state == statusClosed {
		return ErrAlreadyClosed
	}
	a.state = statusClosed
	close(a.chDie)
	return nil
}

// Die returns the channel closed when the agent is closed.
func (a *Agent) Die() <-chan struct{} { return a.chDie }
