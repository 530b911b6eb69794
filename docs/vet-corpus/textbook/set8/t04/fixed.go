package t04

// FIX: the closed check and the send are made one critical section with a
// mutex; Close takes the same mutex to set the flag and close the channel.
// Because Publish never blocks (select with default), holding the lock
// across the send cannot deadlock the reader goroutine calling Close.

import "sync"

// StreamFixed is one client's outbound queue.
type StreamFixed struct {
	mu      sync.Mutex
	events  chan Event
	closed  bool
	dropped int64
}

func NewStreamFixed(buf int) *StreamFixed {
	return &StreamFixed{events: make(chan Event, buf)}
}

func (s *StreamFixed) Events() <-chan Event { return s.events }

// PublishFixed enqueues ev without blocking.
func (s *StreamFixed) PublishFixed(ev Event) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	select {
	case s.events <- ev:
		return true
	default:
		s.dropped++
		return false
	}
}

// CloseFixed closes the stream exactly once.
func (s *StreamFixed) CloseFixed() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	close(s.events)
}
