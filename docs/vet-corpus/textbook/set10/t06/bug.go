// Package t06 is the in-process event broker of a cluster agent: controllers
// subscribe to topics ("node", "service", "config") and receive events on a
// buffered channel; slow subscribers have events dropped rather than
// blocking publishers.
//
// Concurrency: Publish is called from the watch goroutines feeding the broker
// (one per upstream resource). Subscribe and the returned cancel function are
// called from controller goroutines as they start and stop, e.g. on every
// leadership change or config reload. The subscriber table is guarded by
// Broker.mu.
//
// BUG: Publish checks each subscriber's closed flag under b.mu, builds a list
// of live targets, releases the lock and then sends to the targets. The
// cancel function marks the subscriber closed and closes its channel under
// b.mu, which can happen after Publish's check but before its send.
//
// HARM: Publish sends on a closed channel. A send on a closed channel panics
// even inside a select with a default case, so the watch goroutine panics and
// takes the whole agent down - triggered by nothing more than a controller
// unsubscribing while an event is in flight.
package t06

import (
	"sync"
	"sync/atomic"
)

// Event is a change notification.
type Event struct {
	Topic   string
	Key     string
	Rev     int64
	Payload []byte
}

type subscriber struct {
	id     uint64
	topic  string
	ch     chan Event
	closed bool // guarded by Broker.mu
}

// Broker fans events out to topic subscribers.
type Broker struct {
	mu     sync.Mutex
	topics map[string]map[uint64]*subscriber
	nextID uint64

	dropped atomic.Uint64
}

// NewBroker returns an empty broker.
func NewBroker() *Broker {
	return &Broker{topics: make(map[string]map[uint64]*subscriber)}
}

// Subscribe registers for events on topic. The returned cancel function
// unregisters and closes the channel; it is safe to call more than once.
func (b *Broker) Subscribe(topic string, buf int) (<-chan Event, func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.nextID++
	s := &subscriber{id: b.nextID, topic: topic, ch: make(chan Event, buf)}
	subs := b.topics[topic]
	if subs == nil {
		subs = make(map[uint64]*subscriber)
		b.topics[topic] = subs
	}
	subs[s.id] = s
	return s.ch, func() { b.unsubscribe(s) }
}

func (b *Broker) unsubscribe(s *subscriber) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	delete(b.topics[s.topic], s.id)
	close(s.ch)
}

// Publish delivers ev to every live subscriber of ev.Topic without blocking
// and returns the number of subscribers that received it.
func (b *Broker) Publish(ev Event) int {
	b.mu.Lock()
	subs := b.topics[ev.Topic]
	targets := make([]*subscriber, 0, len(subs))
	for _, s := range subs {
		if !s.closed {
			targets = append(targets, s)
		}
	}
	b.mu.Unlock()

	n := 0
	for _, s := range targets {
		select {
		case s.ch <- ev:
			n++
		default:
			b.dropped.Add(1) // slow consumer
		}
	}
	return n
}

// Dropped reports how many events were dropped for slow subscribers.
func (b *Broker) Dropped() uint64 { return b.dropped.Load() }
