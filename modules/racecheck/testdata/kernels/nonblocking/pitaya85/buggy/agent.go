// Package pitaya85 reconstructs a crash in TopFreeGames' Pitaya game server:
// an agent is closed both when its client disconnects and when its heartbeat
// times out, Close checked the agent's state and then closed its die
// channel, and two concurrent Close calls could both pass the check.
//
//   - Project: topfreegames/pitaya (agent/agent.go)
//   - Bug report: https://github.com/topfreegames/pitaya/issues/85
//   - Fix: https://github.com/topfreegames/pitaya/pull/86 (a mutex around the close operation)
//   - Shape: double close of a channel guarded by a non-atomic state check.
//   - Manifests as: a race report under -race on most runs, and
//     "panic: close of closed channel" on the runs where both closers pass
//     the check.
package pitaya85

import "errors"

// ErrAlreadyClosed is returned by Close on a closed agent.
var ErrAlreadyClosed = errors.New("agent already closed")

const (
	statusWorking = iota
	statusClosed
)

// Agent is a connected client.
type Agent struct {
	state int
	chDie chan struct{}
}

// NewAgent returns a working agent.
func NewAgent() *Agent { return &Agent{state: statusWorking, chDie: make(chan struct{})} }

// Close stops the agent's goroutines.
func (a *Agent) Close() error {
	if a.state == statusClosed {
		return ErrAlreadyClosed
	}
	a.state = statusClosed
	close(a.chDie)
	return nil
}

// Die returns the channel closed when the agent is closed.
func (a *Agent) Die() <-chan struct{} { return a.chDie }
