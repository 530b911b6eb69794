package checkthenact

import (
	"errors"
	"sync"
)

// A channel copied out of a field under a lock, tested for nil, and sent on
// after the lock is released, while the package clears the field and
// closes the channel. docker/docker-agent pkg/runtime/runtime.go at
// 861ee8e4 (fixed in 7567c857, docker-agent#1853): an elicitation request
// sent as the stream that owned the channel ended panicked.
type event struct{ msg string }

type localRuntime struct {
	eventsMu sync.RWMutex
	events   chan event
}

func (r *localRuntime) setEvents(events chan event) {
	r.eventsMu.Lock()
	defer r.eventsMu.Unlock()
	r.events = events
}

func (r *localRuntime) clearEvents() {
	r.eventsMu.Lock()
	defer r.eventsMu.Unlock()
	r.events = nil
}

func (r *localRuntime) RunStream(run func(chan event)) {
	events := make(chan event)
	r.setEvents(events)
	defer close(events)
	defer r.clearEvents()
	run(events)
}

func (r *localRuntime) elicit(msg string) error {
	r.eventsMu.RLock()
	events := r.events
	r.eventsMu.RUnlock()
	if events == nil {
		return errors.New("no events channel")
	}
	events <- event{msg} // want `send on events, copied from r.events under r.eventsMu on line 42 and tested for nil, after r.eventsMu is released: another goroutine can clear r.events and close the channel in between \(sendclosed.go:35 closes it\), and the send panics`
	return nil
}

// The fix: the read lock is held across the test and the send.
func (r *localRuntime) elicitFixed(msg string) error {
	r.eventsMu.RLock()
	defer r.eventsMu.RUnlock()
	events := r.events
	if events == nil {
		return errors.New("no events channel")
	}
	events <- event{msg}
	return nil
}

// The same with the close in place and the send as a select case.
type subscriber struct {
	mu sync.Mutex
	ch chan string
}

func (s *subscriber) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ch != nil {
		close(s.ch)
		s.ch = nil
	}
}

func (s *subscriber) Notify(msg string) {
	s.mu.Lock()
	ch := s.ch
	s.mu.Unlock()
	if ch == nil {
		return
	}
	select {
	case ch <- msg: // want `send on ch, copied from s.ch under s.mu on line 80`
	default:
	}
}

// Near-miss: a field the package never clears; its channel lives as long
// as the object.
type feed struct {
	mu  sync.Mutex
	out chan string
}

func (f *feed) Stop() { close(f.out) }

func (f *feed) Send(msg string) {
	f.mu.Lock()
	out := f.out
	f.mu.Unlock()
	if out != nil {
		out <- msg
	}
}

// Near-miss: cleared, but never closed; a send after the clear reaches a
// channel nobody reads, which is not this rule's panic.
type relay struct {
	mu  sync.Mutex
	out chan string
}

func (r *relay) Detach() {
	r.mu.Lock()
	r.out = nil
	r.mu.Unlock()
}

func (r *relay) Send(msg string) {
	r.mu.Lock()
	out := r.out
	r.mu.Unlock()
	if out != nil {
		out <- msg
	}
}

// Near-miss: no nil test; and a copy made with no lock held.
func (s *subscriber) Push(msg string) {
	s.mu.Lock()
	ch := s.ch
	s.mu.Unlock()
	ch <- msg
}

func (s *subscriber) pushUnlocked(msg string) {
	ch := s.ch
	if ch != nil {
		ch <- msg
	}
}

// The close made by a function of the package handed the channel, as
// docker-agent's finalizeEventChannel(ctx, sess, events).
type streamRuntime struct {
	mu     sync.RWMutex
	events chan event
}

func (r *streamRuntime) finalize(events chan event) {
	defer close(events)
	events <- event{"stopped"}
}

func (r *streamRuntime) RunStream(run func()) {
	events := make(chan event, 1)
	go func() {
		r.mu.Lock()
		r.events = events
		r.mu.Unlock()
		defer func() {
			r.mu.Lock()
			r.events = nil
			r.mu.Unlock()
		}()
		run()
		r.finalize(events)
	}()
}

func (r *streamRuntime) elicit(msg string) {
	r.mu.RLock()
	events := r.events
	r.mu.RUnlock()
	if events != nil {
		events <- event{msg} // want `send on events, copied from r.events under r.mu on line 176 .* \(sendclosed.go:170 closes it\)`
	}
}
