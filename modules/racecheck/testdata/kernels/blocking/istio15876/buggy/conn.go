// Package istio15876 reconstructs a goroutine leak in Istio Pilot's xDS
// connection: sending a push response was bounded by a timer, and when the
// timer won, the goroutine that performed the send blocked forever on an
// unbuffered done channel nobody read any more.
//
//   - Project: istio/istio (pilot/pkg/proxy/envoy/v2)
//   - Bug report: https://github.com/istio/istio/issues/15876
//   - Fix: https://github.com/istio/istio/pull/15897 (the done channel gets a buffer of one)
//   - Shape: send on an unbuffered channel whose only receiver returned after a timeout.
//   - Manifests as: a leaked goroutine blocked in chan send, only on the runs
//     where the stream send is slower than the timeout; the test passes.
package istio15876

import (
	"errors"
	"time"
)

// ErrSendTimeout is returned when the stream did not accept a response in time.
var ErrSendTimeout = errors.New("timeout sending")

// Stream is the part of the gRPC stream a connection pushes responses on.
type Stream interface {
	Send(resp string) error
}

// Conn is one xDS connection.
type Conn struct {
	stream  Stream
	timeout time.Duration
}

// NewConn returns a connection that gives every send timeout to complete.
func NewConn(s Stream, timeout time.Duration) *Conn {
	return &Conn{stream: s, timeout: timeout}
}

// Send pushes resp, giving up after the connection's timeout.
func (c *Conn) Send(resp string) error {
	done := make(chan error)
	t := time.NewTimer(c.timeout)
	defer t.Stop()
	go func() {
		done <- c.stream.Send(resp)
	}()
	select {
	case <-t.C:
		return ErrSendTimeout
	case err := <-done:
		return err
	}
}
