// Package t17 is the in-process pub/sub used by the order-tracking service to
// push order-status changes to connected clients. Each topic keeps its
// subscribers in a copy-on-write snapshot so that Publish (very hot) can
// iterate without locking while subscribe/unsubscribe (rare) copy the slice.
//
// Concurrency: Subscribe and Unsubscribe are called from the WebSocket
// connect/disconnect goroutines; Publish from the order-event consumer.
//
// BUG [hard] (copy-on-write update through a generic helper): the generic
// cow[T].update method reads the current snapshot with c.Load(), computes the
// new slice by calling the closure fn, and acts by publishing it with
// c.Store(). The Store is unconditional, so when two goroutines update
// concurrently, the second one publishes a slice derived from the snapshot
// it read before the first one's Store, discarding that change.
//
// Harm: a customer who connects at the same moment as another disconnects is
// silently dropped and never sees their order status change, and an
// unsubscribed (closed) connection can be resurrected, so events keep being
// pushed at a dead connection that is never garbage-collected; neither shows
// up in the logs.
package t17

import (
	"sync/atomic"
)

// cow is a copy-on-write slice published through an atomic pointer.
type cow[T any] struct {
	p atomic.Pointer[[]T]
}

// Load returns the current snapshot; callers must not modify it.
func (c *cow[T]) Load() []T {
	if p := c.p.Load(); p != nil {
		return *p
	}
	return nil
}

// Store publishes s as the new snapshot.
func (c *cow[T]) Store(s []T) { c.p.Store(&s) }

// update replaces the snapshot by fn(current); fn must not modify its input.
func (c *cow[T]) update(fn func([]T) []T) {
	c.Store(fn(c.Load()))
}

// Subscriber receives order events.
type Subscriber struct {
	ID      string
	Deliver func(OrderEvent) bool // false if the client is too slow
}

// OrderEvent is one status change.
type OrderEvent struct {
	OrderID string
	Status  string
}

// Topic fans events out to subscribers.
type Topic struct {
	Name string
	subs cow[*Subscriber]
	lost atomic.Int64
}

// Subscribe adds s to the topic.
func (t *Topic) Subscribe(s *Subscriber) {
	t.subs.update(func(cur []*Subscriber) []*Subscriber {
		next := make([]*Subscriber, 0, len(cur)+1)
		next = append(next, cur...)
		return append(next, s)
	})
}

// Unsubscribe removes the subscriber with the given ID.
func (t *Topic) Unsubscribe(id string) {
	t.subs.update(func(cur []*Subscriber) []*Subscriber {
		next := make([]*Subscriber, 0, len(cur))
		for _, s := range cur {
			if s.ID != id {
				next = append(next, s)
			}
		}
		return next
	})
}

// Publish delivers ev to every current subscriber.
func (t *Topic) Publish(ev OrderEvent) {
	for _, s := range t.subs.Load() {
		if !s.Deliver(ev) {
			t.lost.Add(1)
		}
	}
}
