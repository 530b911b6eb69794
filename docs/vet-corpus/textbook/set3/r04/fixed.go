package r04

import (
	"sync"
	"sync/atomic"
)

// BrokerFixed claims the transition open->closed with CompareAndSwap, so only
// one caller ever reaches close(b.done).
type BrokerFixed struct {
	closed atomic.Bool
	done   chan struct{}

	mu   sync.RWMutex
	subs []chan Event
}

func NewBrokerFixed() *BrokerFixed {
	return &BrokerFixed{done: make(chan struct{})}
}

func (b *BrokerFixed) Subscribe() <-chan Event {
	ch := make(chan Event, 64)
	b.mu.Lock()
	b.subs = append(b.subs, ch)
	b.mu.Unlock()
	return ch
}

func (b *BrokerFixed) Publish(e Event) {
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

func (b *BrokerFixed) Done() <-chan struct{} { return b.done }

func (b *BrokerFixed) Close() {
	if !b.closed.CompareAndSwap(false, true) {
		return
	}
	close(b.done)
}
