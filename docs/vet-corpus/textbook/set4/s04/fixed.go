package s04

import "sync"

// BusFixed guards the closed flag and the send with a RWMutex: publishers
// hold the read lock from the check until the send completes, and Close
// needs the write lock to flip the flag and close the channel, so a send can
// never reach a closed channel. The handler goroutine does not take the lock,
// so a publisher blocked on a full buffer still makes progress.
type BusFixed struct {
	mu     sync.RWMutex
	closed bool
	events chan Event
	done   chan struct{}
}

func NewBusFixed(buffer int, handle func(Event)) *BusFixed {
	b := &BusFixed{events: make(chan Event, buffer), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		for e := range b.events {
			handle(e)
		}
	}()
	return b
}

func (b *BusFixed) Publish(e Event) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		return ErrClosed
	}
	b.events <- e
	return nil
}

func (b *BusFixed) Close() {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	b.closed = true
	close(b.events)
	b.mu.Unlock()
	<-b.done
}
