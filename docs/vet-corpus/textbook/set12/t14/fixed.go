package t14

// Fixed version: reserveWindow waits on the Cond and deducts the bytes it is
// going to send before releasing the lock, so each writer reserves its own
// share of the window and the total in flight can never exceed what the
// peer granted.

import "sync"

// SessionFixed is one multiplexed connection.
type SessionFixed struct {
	conn    FrameConn
	writeMu sync.Mutex

	mu      sync.Mutex
	cond    *sync.Cond
	window  int
	closed  bool
	nextID  uint32
	onFrame func(Frame)
}

// NewSessionFixed wraps conn and starts the reader goroutine.
func NewSessionFixed(conn FrameConn, initialWindow int, onFrame func(Frame)) *SessionFixed {
	s := &SessionFixed{conn: conn, window: initialWindow, nextID: 1, onFrame: onFrame}
	s.cond = sync.NewCond(&s.mu)
	go s.readLoop()
	return s
}

func (s *SessionFixed) readLoop() {
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
func (s *SessionFixed) Close() error {
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

// reserveWindow blocks until window is available and takes up to want bytes.
func (s *SessionFixed) reserveWindow(want int) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.window <= 0 && !s.closed {
		s.cond.Wait()
	}
	if s.closed {
		return 0, ErrSessionClosed
	}
	n := min(want, s.window, MaxFrame)
	s.window -= n
	return n, nil
}

func (s *SessionFixed) writeFrame(f Frame) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.conn.WriteFrame(f)
}

// StreamFixed is one logical stream.
type StreamFixed struct {
	ID uint32
	s  *SessionFixed
}

// OpenStream allocates a new stream ID.
func (s *SessionFixed) OpenStream() *StreamFixed {
	s.mu.Lock()
	id := s.nextID
	s.nextID += 2
	s.mu.Unlock()
	return &StreamFixed{ID: id, s: s}
}

// Write sends p as DATA frames, respecting the connection window.
func (st *StreamFixed) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		n, err := st.s.reserveWindow(len(p))
		if err != nil {
			return written, err
		}
		if err := st.s.writeFrame(Frame{Type: FrameData, StreamID: st.ID, Payload: p[:n]}); err != nil {
			return written, err
		}
		written += n
		p = p[n:]
	}
	return written, nil
}
