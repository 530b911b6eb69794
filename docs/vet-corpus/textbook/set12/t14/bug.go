// Package t14 multiplexes many logical streams over one connection, with
// HTTP/2-style connection-level flow control: the peer grants a send window
// in bytes and replenishes it with WINDOW_UPDATE frames.
//
// Concurrency: each stream is written by its own application goroutine via
// Stream.Write. NewSession starts a reader goroutine that handles incoming
// frames and, for WINDOW_UPDATE, grows the window and wakes writers with
// cond.Broadcast. The window and closed flag are guarded by s.mu, which is
// also the sync.Cond's lock; writes to the underlying connection are
// serialised by s.writeMu.
//
// BUG: Stream.Write waits on the Cond until the window is non-zero
// (waitWindow), releases the lock, and only afterwards subtracts what it is
// about to send (consume). A Broadcast wakes every blocked writer; each one
// sees the same available window and each sends up to that much
// (check -> act).
//
// HARM: the session sends more bytes than the peer granted. The peer treats
// this as a FLOW_CONTROL_ERROR and tears down the whole connection, failing
// every stream multiplexed on it - hundreds of in-flight RPCs at once,
// under exactly the high-concurrency load where it matters most.
package t14

import (
	"errors"
	"sync"
)

// ErrSessionClosed is returned once the session has shut down.
var ErrSessionClosed = errors.New("mux: session closed")

// MaxFrame is the largest DATA payload sent in one frame.
const MaxFrame = 16 << 10

// FrameType identifies a frame.
type FrameType uint8

const (
	FrameData FrameType = iota
	FrameWindowUpdate
	FrameReset
)

// Frame is one unit on the wire.
type Frame struct {
	Type     FrameType
	StreamID uint32
	Payload  []byte
	Delta    int // for FrameWindowUpdate
}

// FrameConn reads and writes whole frames.
type FrameConn interface {
	ReadFrame() (Frame, error)
	WriteFrame(Frame) error
	Close() error
}

// Session is one multiplexed connection.
type Session struct {
	conn    FrameConn
	writeMu sync.Mutex

	mu      sync.Mutex
	cond    *sync.Cond
	window  int
	closed  bool
	nextID  uint32
	onFrame func(Frame)
}

// NewSession wraps conn, starting with the peer's initial window, and starts
// the reader goroutine. onFrame receives DATA and RESET frames.
func NewSession(conn FrameConn, initialWindow int, onFrame func(Frame)) *Session {
	s := &Session{conn: conn, window: initialWindow, nextID: 1, onFrame: onFrame}
	s.cond = sync.NewCond(&s.mu)
	go s.readLoop()
	return s
}

func (s *Session) readLoop() {
	defer s.Close()
	for {
		f, err := s.conn.ReadFrame()
		if err != nil {
			return
		}
		if f.Type == FrameWindowUpdate {
			s.mu.Lock()
			s.window += f.Delta
			s.cond.Broadcast()
			s.mu.Unlock()
			continue
		}
		if s.onFrame != nil {
			s.onFrame(f)
		}
	}
}

// Close shuts the session down and wakes all writers.
func (s *Session) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.cond.Broadcast()
	s.mu.Unlock()
	return s.conn.Close()
}

// waitWindow blocks until some send window is available.
func (s *Session) waitWindow() (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.window <= 0 && !s.closed {
		s.cond.Wait()
	}
	if s.closed {
		return 0, ErrSessionClosed
	}
	return s.window, nil
}

func (s *Session) consume(n int) {
	s.mu.Lock()
	s.window -= n
	s.mu.Unlock()
}

func (s *Session) writeFrame(f Frame) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.conn.WriteFrame(f)
}

// Stream is one logical stream.
type Stream struct {
	ID uint32
	s  *Session
}

// OpenStream allocates a new stream ID.
func (s *Session) OpenStream() *Stream {
	s.mu.Lock()
	id := s.nextID
	s.nextID += 2
	s.mu.Unlock()
	return &Stream{ID: id, s: s}
}

// Write sends p as DATA frames, respecting the connection window.
func (st *Stream) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		avail, err := st.s.waitWindow()
		if err != nil {
			return written, err
		}
		n := min(len(p), avail, MaxFrame)
		st.s.consume(n)
		if err := st.s.writeFrame(Frame{Type: FrameData, StreamID: st.ID, Payload: p[:n]}); err != nil {
			return written, err
		}
		written += n
		p = p[n:]
	}
	return written, nil
}
