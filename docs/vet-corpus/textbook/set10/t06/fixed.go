package t06

// Fix: each subscriber gets its own mutex that covers both the closed flag
// and the channel operations. Publish re-checks closed and performs the
// (non-blocking) send while holding that mutex, and unsubscribe sets closed
// and closes the channel while holding it, so a send can never observe an
// open subscriber and then hit a closed channel. The broker-wide lock is
// still released before sending, so a slow subscriber cannot stall others.

import (
	"sync"
	"sync/atomic"
)

type subscriberFixed struct {
	id    uint64
	topic string

	mu     sync.Mutex // guards closed and sends/close on ch
	ch     chan Event
	closed bool
}

// trySend delivers ev unless the subscriber is closed or its buffer is full.
func (s *subscriberFixed) trySend(ev Event) (sent, live bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false, false
	}
	select {
	case s.ch <- ev:
		return true, true
	default:
		return false, true
	}
}

// BrokerFixed is Broker with send-safe unsubscription.
type BrokerFixed struct {
	mu     sync.Mutex
	topics map[string]map[uint64]*subscriberFixed
	nextID uint64

	dropped atomic.Uint64
}

// NewBrokerFixed returns an empty broker.
func NewBrokerFixed() *BrokerFixed {
	return &BrokerFixed{topics: make(map[string]map[uint64]*subscriberFixed)}
}

// Subscribe registers for events on topic.
func (b *BrokerFixed) Subscribe(topic string, buf int) (<-chan Event, func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.nextID++
	s := &subscriberFixed{id: b.nextID, topic: topic, ch: make(chan Event, buf)}
	subs := b.topics[topic]
	if subs == nil {
		subs = make(map[uint64]*subscriberFixed)
		b.topics[topic] = subs
	}
	subs[s.id] = s
	return s.ch, func() { b.unsubscribe(s) }
}

func (b *BrokerFixed) unsubscribe(s *subscriberFixed) {
	b.mu.Lock()
	delete(b.topics[s.topic], s.id)
	b.mu.Unlock()

	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.ch)
	}
}

// Publish delivers ev to every live subscriber of ev.Topic without blocking.
func (b *BrokerFixed) Publish(ev Event) int {
	b.mu.Lock()
	subs := b.topics[ev.Topic]
	targets := make([]*subscriberFixed, 0, len(subs))
	for _, s := range subs {
		targets = append(targets, s)
	}
	b.mu.Unlock()

	n := 0
	for _, s := range targets {
		sent, live := s.trySend(ev)
		switch {
		case sent:
			n++
		case live:
			b.dropped.Add(1)
		}
	}
	return n
}
