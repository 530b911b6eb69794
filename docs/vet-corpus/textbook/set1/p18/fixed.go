package p18

import "sync"

// BrokerFixed is safe for concurrent use by publishers and subscribers.
type BrokerFixed struct {
	mu     sync.RWMutex
	closed bool
	subs   []chan string
}

// SubscribeFixed returns a channel receiving published messages.
func (b *BrokerFixed) SubscribeFixed() <-chan string {
	b.mu.Lock()
	defer b.mu.Unlock()
	ch := make(chan string, 64)
	b.subs = append(b.subs, ch)
	return ch
}

// PublishFixed delivers msg while holding the read lock, so Close cannot
// close the channels in between; sends never block.
func (b *BrokerFixed) PublishFixed(msg string) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		return ErrClosed
	}
	for _, ch := range b.subs {
		select {
		case ch <- msg:
		default:
		}
	}
	return nil
}

// CloseFixed closes all subscriber channels.
func (b *BrokerFixed) CloseFixed() {
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
