// Package t09 is the outbound-mail spooler of a notification service. HTTP
// handlers (one goroutine per request) Put messages into an in-memory FIFO
// guarded by a mutex and a sync.Cond; a pool of sender goroutines Take
// messages and hand them to the SMTP relay. Shutdown closes the spool and
// Broadcasts so idle senders exit.
//
// BUG (Spool.Take: check = `if len(s.items) == 0 { ... s.cond.Wait() }` is
// evaluated once -> act = s.items[0] / s.items = s.items[1:] after Wait
// returns): Wait releases the mutex, and by the time the woken sender
// re-acquires it another sender that never waited may already have taken the
// message (or Close broadcast with nothing queued). The emptiness check is not
// repeated, so the sender indexes an empty slice.
//
// Harm: "index out of range [0] with length 0" panics a sender goroutine and
// takes down the whole notification service, losing every queued e-mail.
package t09

import (
	"context"
	"log"
	"sync"
)

// Message is one outbound e-mail.
type Message struct {
	To      string
	Subject string
	Body    string
}

// Spool is an unbounded FIFO of messages.
type Spool struct {
	mu     sync.Mutex
	cond   *sync.Cond
	items  []Message
	closed bool
}

// NewSpool returns an empty spool.
func NewSpool() *Spool {
	s := &Spool{}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// Put enqueues m and wakes one sender.
func (s *Spool) Put(m Message) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.items = append(s.items, m)
	s.cond.Signal()
	return true
}

// Take blocks until a message is available; ok is false once the spool is
// closed and drained.
func (s *Spool) Take() (m Message, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.items) == 0 {
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
func (s *Spool) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cond.Broadcast()
}

// RunSenders starts n sender goroutines and returns a function that waits for
// them to finish after the spool is closed.
func RunSenders(ctx context.Context, s *Spool, n int, send func(context.Context, Message) error) (wait func()) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Go(func() {
			for {
				m, ok := s.Take()
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
