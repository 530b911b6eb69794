// Package p18 is an in-memory pub/sub broker.
//
// BUG: Publish checks closed under RLock, copies the subscriber list, releases
// the lock and then sends. If Close runs between the check and the sends, it
// closes the subscriber channels and Publish sends on a closed channel:
// panic "send on closed channel".
package p18

import (
	"errors"
	"sync"
)

// ErrClosed is returned by Publish after Close.
var ErrClosed = errors.New("broker closed")

// Broker is safe for concurrent use by publishers and subscribers.
type Broker struct {
	mu     sync.RWMutex
	closed bool
	subs   []chan string
}

// Subscribe returns a channel receiving published messages.
func (b *Broker) Subscribe() <-chan string {
	b.mu.Lock()
	defer b.mu.Unlock()
	ch := make(chan string, 64)
	b.subs = append(b.subs, ch)
	return ch
}

// Publish delivers msg to every subscriber, dropping it for full ones.
func (b *Broker) Publish(msg string) error {
	b.mu.RLock()
	if b.closed {
		b.mu.RUnlock()
		return ErrClosed
	}
	subs := append([]chan string(nil), b.subs...)
	b.mu.RUnlock()

	for _, ch := range subs {
		select {
		case ch <- msg:
		default:
		}
	}
	return nil
}

// Close closes all subscriber channels.
func (b *Broker) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.closed = true
	for _, ch := range b.subs {
		close(ch)
	}
	b.subs = nil
}
