// Fixed version of the t01 broker: the closed check and the channel send are
// performed together while holding the subscription's mutex (deliverFixed),
// and UnsubscribeFixed closes the channel under that same mutex, so a send
// can never reach a closed channel. The send is non-blocking, so holding the
// lock across it cannot stall Unsubscribe.
package t01

import (
	"strings"
	"sync"
	"sync/atomic"
)

// SubscriptionFixed is a single interest registered by a client.
type SubscriptionFixed struct {
	subject string
	sid     uint64
	broker  *BrokerFixed

	mu     sync.Mutex
	closed bool
	msgs   chan *Message

	dropped atomic.Uint64
}

func (s *SubscriptionFixed) Msgs() <-chan *Message { return s.msgs }

func (s *SubscriptionFixed) Dropped() uint64 { return s.dropped.Load() }

// deliverFixed checks closed and sends in one critical section.
func (s *SubscriptionFixed) deliverFixed(m *Message) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	select {
	case s.msgs <- m:
		return true
	default:
		s.dropped.Add(1)
		return false
	}
}

func (s *SubscriptionFixed) UnsubscribeFixed() error {
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

// BrokerFixed routes published messages to matching subscriptions.
type BrokerFixed struct {
	mu     sync.RWMutex
	nextID uint64
	subs   map[uint64]*SubscriptionFixed

	inMsgs atomic.Uint64
}

func NewBrokerFixed() *BrokerFixed {
	return &BrokerFixed{subs: make(map[uint64]*SubscriptionFixed)}
}

func (b *BrokerFixed) Subscribe(subject string, buf int) (*SubscriptionFixed, error) {
	if subject == "" || strings.ContainsAny(subject, " \t\r\n") {
		return nil, ErrBadSubject
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.nextID++
	s := &SubscriptionFixed{subject: subject, sid: b.nextID, broker: b, msgs: make(chan *Message, buf)}
	b.subs[s.sid] = s
	return s, nil
}

func (b *BrokerFixed) remove(s *SubscriptionFixed) {
	b.mu.Lock()
	delete(b.subs, s.sid)
	b.mu.Unlock()
}

func (b *BrokerFixed) match(subject string) []*SubscriptionFixed {
	b.mu.RLock()
	defer b.mu.RUnlock()
	var out []*SubscriptionFixed
	for _, s := range b.subs {
		if subjectMatches(s.subject, subject) {
			out = append(out, s)
		}
	}
	return out
}

func (b *BrokerFixed) PublishFixed(subject, reply string, data []byte) int {
	b.inMsgs.Add(1)
	m := &Message{Subject: subject, Reply: reply, Data: data}
	delivered := 0
	for _, s := range b.match(subject) {
		if s.deliverFixed(m) {
			delivered++
		}
	}
	return delivered
}
