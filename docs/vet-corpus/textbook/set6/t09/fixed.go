// Fix: TakeFixed re-checks the condition in a for loop around Wait, the only
// correct way to use sync.Cond, so a sender acts only on a non-empty queue
// observed while holding the mutex.

package t09

import (
	"context"
	"log"
	"sync"
)

// SpoolFixed is an unbounded FIFO of messages.
type SpoolFixed struct {
	mu     sync.Mutex
	cond   *sync.Cond
	items  []Message
	closed bool
}

// NewSpoolFixed returns an empty spool.
func NewSpoolFixed() *SpoolFixed {
	s := &SpoolFixed{}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// Put enqueues m and wakes one sender.
func (s *SpoolFixed) Put(m Message) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.items = append(s.items, m)
	s.cond.Signal()
	return true
}

// TakeFixed blocks until a message is available; ok is false once the spool
// is closed and drained.
func (s *SpoolFixed) TakeFixed() (m Message, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.items) == 0 {
		if s.closed {
			return Message{}, false
		}
		s.cond.Wait()
	}
	m = s.items[0]
	s.items[0] = Message{}
	s.items = s.items[1:]
	return m, true
}

// Close stops accepting messages and wakes every idle sender.
func (s *SpoolFixed) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cond.Broadcast()
}

// RunSendersFixed starts n sender goroutines and returns a function that
// waits for them to finish after the spool is closed.
func RunSendersFixed(ctx context.Context, s *SpoolFixed, n int, send func(context.Context, Message) error) (wait func()) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Go(func() {
			for {
				m, ok := s.TakeFixed()
				if !ok {
					return
				}
				if err := send(ctx, m); err != nil {
					log.Printf("sender %d: deliver to %s: %v", i, m.To, err)
				}
			}
		})
	}
	return wg.Wait
}
