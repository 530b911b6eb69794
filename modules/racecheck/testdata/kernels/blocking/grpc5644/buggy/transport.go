// Package grpc5644 reconstructs a deadlock in grpc-go's HTTP/2 client
// transport: handling a GOAWAY frame closed the streams above the last
// stream ID while holding the transport mutex, and closing a stream takes
// the control buffer's mutex; creating a stream takes the two locks in the
// opposite order (the control buffer runs a callback that takes the
// transport mutex).
//
//   - Project: grpc/grpc-go (internal/transport/http2_client.go)
//   - Bug report: https://github.com/grpc/grpc-go/issues/5644
//   - Fix: https://github.com/grpc/grpc-go/pull/5652 (collect the streams under t.mu, close them after unlocking)
//   - Shape: lock-order inversion (ABBA) between the transport mutex and the
//     control buffer mutex.
//   - Manifests as: a deadlock of the two goroutines and a hang of the test,
//     on the rare runs where a GOAWAY and a new stream interleave.
package grpc5644

import "sync"

// controlBuffer queues control frames for the writer goroutine.
type controlBuffer struct {
	mu    sync.Mutex
	items []string
}

// executeAndPut runs f with the buffer locked and queues item if f allows it.
func (c *controlBuffer) executeAndPut(f func() bool, item string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f != nil && !f() {
		return false
	}
	c.items = append(c.items, item)
	return true
}

func (c *controlBuffer) put(item string) { c.executeAndPut(nil, item) }

type stream struct{ id uint32 }

// http2Client is the client side of one HTTP/2 connection.
type http2Client struct {
	controlBuf *controlBuffer

	mu            sync.Mutex // guards the fields below; do not access controlBuf with mu held
	activeStreams map[uint32]*stream
	nextID        uint32
	draining      bool
}

func newHTTP2Client() *http2Client {
	return &http2Client{
		controlBuf:    &controlBuffer{},
		activeStreams: make(map[uint32]*stream),
		nextID:        1,
	}
}

// NewStream registers a stream and queues its headers, unless the
// connection is draining.
func (t *http2Client) NewStream() (*stream, bool) {
	s := &stream{}
	ok := t.controlBuf.executeAndPut(func() bool {
		t.mu.Lock()
		defer t.mu.Unlock()
		if t.draining {
			return false
		}
		s.id = t.nextID
		t.nextID += 2
		t.activeStreams[s.id] = s
		return true
	}, "headers")
	return s, ok
}

// handleGoAway drains the connection: streams the server did not process
// are closed.
func (t *http2Client) handleGoAway(lastID uint32) {
	t.mu.Lock()
	t.draining = true
	for id, s := range t.activeStreams {
		if id > lastID {
			t.closeStream(s)
		}
	}
	t.mu.Unlock()
}

// closeStream removes s and queues a reset frame for it. The caller holds t.mu.
func (t *http2Client) closeStream(s *stream) {
	delete(t.activeStreams, s.id)
	t.controlBuf.put("rst_stream")
}
