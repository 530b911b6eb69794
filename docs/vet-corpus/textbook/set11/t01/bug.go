// Package t01 is a trimmed-down subject-based pub/sub broker modelled on the
// subscription delivery path of the NATS server.
//
// Concurrency: many client-connection goroutines call Broker.Publish at the
// same time; other connection goroutines call Broker.Subscribe and
// Subscription.Unsubscribe (Unsubscribe is also called from the
// connection-close path when a client disconnects). Each Subscription owns a
// buffered delivery channel drained by a per-subscriber goroutine.
//
// BUG: Publish snapshots the matching subscriptions, then for each one asks
// sub.isClosed() (which takes sub.mu and releases it) and, if the
// subscription looked open, calls sub.deliver, which sends on sub.msgs with
// no lock held. Unsubscribe can take sub.mu, set closed and close(sub.msgs)
// between the two steps.
// check: !s.isClosed() -> act: s.msgs <- m (in deliver).
//
// HARM: the publishing goroutine performs a send on a closed channel and
// panics ("send on closed channel"), taking down the whole broker process and
// every connected client.
package t01

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
)

var (
	ErrSubClosed  = errors.New("broker: subscription closed")
	ErrBadSubject = errors.New("broker: invalid subject")
)

// Message is a published message.
type Message struct {
	Subject string
	Reply   string
	Data    []byte
}

// Subscription is a single interest registered by a client.
type Subscription struct {
	subject string
	sid     uint64
	broker  *Broker

	mu     sync.Mutex
	closed bool
	msgs   chan *Message

	dropped atomic.Uint64
}

// Msgs returns the delivery channel; it is closed on Unsubscribe.
func (s *Subscription) Msgs() <-chan *Message { return s.msgs }

// Dropped reports how many messages were discarded because the subscriber
// was too slow.
func (s *Subscription) Dropped() uint64 { return s.dropped.Load() }

func (s *Subscription) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

func (s *Subscription) deliver(m *Message) bool {
	select {
	case s.msgs <- m:
		return true
	default:
		s.dropped.Add(1)
		return false
	}
}

// Unsubscribe removes the interest and closes the delivery channel.
func (s *Subscription) Unsubscribe() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrSubClosed
	}
	s.closed = true
	close(s.msgs)
	s.mu.Unlock()
	s.broker.remove(s)
	return nil
}

// Broker routes published messages to matching subscriptions.
type Broker struct {
	mu     sync.RWMutex
	nextID uint64
	subs   map[uint64]*Subscription

	inMsgs atomic.Uint64
}

func NewBroker() *Broker {
	return &Broker{subs: make(map[uint64]*Subscription)}
}

// Subscribe registers interest in subject ("*" matches one token, ">" the rest).
func (b *Broker) Subscribe(subject string, buf int) (*Subscription, error) {
	if subject == "" || strings.ContainsAny(subject, " \t\r\n") {
		return nil, ErrBadSubject
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.nextID++
	s := &Subscription{subject: subject, sid: b.nextID, broker: b, msgs: make(chan *Message, buf)}
	b.subs[s.sid] = s
	return s, nil
}

func (b *Broker) remove(s *Subscription) {
	b.mu.Lock()
	delete(b.subs, s.sid)
	b.mu.Unlock()
}

func (b *Broker) match(subject string) []*Subscription {
	b.mu.RLock()
	defer b.mu.RUnlock()
	var out []*Subscription
	for _, s := range b.subs {
		if subjectMatches(s.subject, subject) {
			out = append(out, s)
		}
	}
	return out
}

func subjectMatches(pattern, subject string) bool {
	pt := strings.Split(pattern, ".")
	st := strings.Split(subject, ".")
	for i, tok := range pt {
		if tok == ">" {
			return i < len(st)
		}
		if i >= len(st) || (tok != "*" && tok != st[i]) {
			return false
		}
	}
	return len(pt) == len(st)
}

// Publish fans m out to every matching subscription and returns how many
// subscribers accepted it.
func (b *Broker) Publish(subject, reply string, data []byte) int {
	b.inMsgs.Add(1)
	m := &Message{Subject: subject, Reply: reply, Data: data}
	delivered := 0
	for _, s := range b.match(subject) {
		if s.isClosed() {
			continue
		}
		if s.deliver(m) {
			delivered++
		}
	}
	return delivered
}
