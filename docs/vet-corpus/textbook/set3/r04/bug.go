// Package r04 is an in-process event broker that fans events out to
// subscriber goroutines until it is closed.
//
// BUG (check-then-act on an atomic.Bool): Broker.Close tests b.closed.Load()
// and, when it reads false, closes b.done and only then sets the flag. Close
// is documented as idempotent and is in practice called concurrently from
// two places: the SIGTERM handler goroutine in main and the HTTP
// /admin/drain handler. Both can read closed == false before either stores
// true; the second close(b.done) panics with "close of closed channel" and
// takes the whole process down in the middle of a graceful shutdown.
package r04

import (
	"sync"
	"sync/atomic"
)

type Event struct {
	Topic   string
	Payload []byte
}

// Broker is safe for concurrent use. Close may be called more than once.
type Broker struct {
	closed atomic.Bool
	done   chan struct{}

	mu   sync.RWMutex
	subs []chan Event
}

func NewBroker() *Broker {
	return &Broker{done: make(chan struct{})}
}

// Subscribe returns a channel that receives events until the broker closes.
func (b *Broker) Subscribe() <-chan Event {
	ch := make(chan Event, 64)
	b.mu.Lock()
	b.subs = append(b.subs, ch)
	b.mu.Unlock()
	return ch
}

// Publish delivers e to every subscriber, dropping it for slow ones.
func (b *Broker) Publish(e Event) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, ch := range b.subs {
		select {
		case ch <- e:
		case <-b.done:
			return
		default:
		}
	}
}

// Done is closed when the broker shuts down.
func (b *Broker) Done() <-chan struct{} { return b.done }

// Close stops the broker. It is safe to call multiple times.
func (b *Broker) Close() {
	if b.closed.Load() {
		return
	}
	close(b.done)
	b.closed.Store(true)
}
