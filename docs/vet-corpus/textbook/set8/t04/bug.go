// Package t04 implements the per-connection event stream of a websocket
// push server. Each connected client has a Stream; business code publishes
// events to it from arbitrary goroutines (order updates, chat messages,
// presence changes), and a single writer goroutine drains Stream.Events()
// to the socket.
//
// When the socket's read loop sees the client disconnect, it calls
// Stream.Close from the reader goroutine, which closes the events channel so
// the writer goroutine's range loop ends.
//
// BUG: Publish checks the closed flag (atomic.Bool Load) and then, in a
// separate step, sends on the channel. Close can set the flag and close the
// channel after Publish has passed the check but before the send executes.
//
// HARM: "panic: send on closed channel" in a publisher goroutine; since
// publishers are shared business goroutines (e.g. the order-update fan-out),
// the panic takes down the whole server process, disconnecting every client.
package t04

import (
	"encoding/json"
	"io"
	"sync/atomic"
)

// Event is pushed to the client.
type Event struct {
	Topic string          `json:"topic"`
	Data  json.RawMessage `json:"data"`
}

// Stream is one client's outbound queue.
type Stream struct {
	events  chan Event
	closed  atomic.Bool
	dropped atomic.Int64
}

func NewStream(buf int) *Stream {
	return &Stream{events: make(chan Event, buf)}
}

// Events is drained by the writer goroutine.
func (s *Stream) Events() <-chan Event { return s.events }

// Publish enqueues ev without blocking; slow clients lose events.
func (s *Stream) Publish(ev Event) bool {
	if s.closed.Load() { // CHECK: stream still open?
		return false
	}
	// Close may run right here.
	select {
	case s.events <- ev: // ACT: send (panics if closed meanwhile)
		return true
	default:
		s.dropped.Add(1)
		return false
	}
}

// Close is called by the reader goroutine when the client disconnects.
func (s *Stream) Close() {
	if s.closed.Swap(true) {
		return
	}
	close(s.events)
}

// WriteLoop is the writer goroutine: it ends when the stream is closed.
func (s *Stream) WriteLoop(w io.Writer) error {
	enc := json.NewEncoder(w)
	for ev := range s.events {
		if err := enc.Encode(ev); err != nil {
			return err
		}
	}
	return nil
}

// Hub fans out topic events to many streams from a single goroutine.
type Hub struct {
	subs map[string][]*Stream
}

// Broadcast is called from the order-update goroutine.
func (h *Hub) Broadcast(topic string, data json.RawMessage) {
	for _, s := range h.subs[topic] {
		s.Publish(Event{Topic: topic, Data: data})
	}
}
