// Package t09 implements the in-memory job queue of an e-mail delivery
// worker. HTTP handlers Push outbound messages; a fixed set of sender
// goroutines (StartSenders) Pop and deliver them over SMTP. Close is called
// on shutdown to wake idle senders.
//
// Concurrency: Push is called from request goroutines, Pop from every sender
// goroutine, Close from the shutdown goroutine. Waiting uses a sync.Cond on
// the queue mutex; Push uses Broadcast so that a batch push wakes all idle
// senders.
//
// BUG: Pop checks "queue empty?" once with an if (CHECK), waits on the
// Cond, and after waking assumes the queue is non-empty and removes the
// head (ACT). Cond.Wait releases the mutex, so between the wake-up signal
// and re-acquiring the mutex another sender (woken by the same Broadcast,
// or one that just finished a delivery and called Pop without waiting) can
// take the item.
//
// HARM: q.items[0] on an empty slice panics with "index out of range" in a
// sender goroutine, crashing the whole delivery process; messages already
// popped by in-flight senders but not yet acknowledged are lost.
package t09

import (
	"log"
	"net/smtp"
	"sync"
)

// Message is one outbound e-mail.
type Message struct {
	From string
	To   []string
	Body []byte
}

// Queue is an unbounded FIFO of messages.
type Queue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	items  []Message
	closed bool
}

func NewQueue() *Queue {
	q := &Queue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Push enqueues messages and wakes the senders.
func (q *Queue) Push(msgs ...Message) {
	q.mu.Lock()
	q.items = append(q.items, msgs...)
	q.mu.Unlock()
	q.cond.Broadcast()
}

// Pop blocks until a message is available or the queue is closed.
func (q *Queue) Pop() (Message, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 && !q.closed { // CHECK (only once)
		q.cond.Wait() // releases mu; others may drain the queue
	}
	if q.closed && len(q.items) == 0 {
		return Message{}, false
	}
	m := q.items[0] // ACT: assumes the queue is still non-empty
	q.items = q.items[1:]
	return m, true
}

// Close wakes all senders so they can exit.
func (q *Queue) Close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cond.Broadcast()
}

// StartSenders runs n delivery goroutines.
func StartSenders(q *Queue, n int, addr string, auth smtp.Auth) *sync.WaitGroup {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				m, ok := q.Pop()
				if !ok {
					return
				}
				if err := smtp.SendMail(addr, auth, m.From, m.To, m.Body); err != nil {
					log.Printf("deliver to %v: %v", m.To, err)
				}
			}
		}()
	}
	return &wg
}
