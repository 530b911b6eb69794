// Package q06 is an in-process pub/sub broker used by the websocket gateway.
//
// BUG: Unsubscribe looks the subscriber up under the read lock, releases it,
// and then removes it and closes its channel under the write lock. When a
// client disconnect and a server-side kick unsubscribe the same id at the same
// time, both see the subscriber and both close its channel: the second close
// panics and takes down the gateway.
package q06

import "sync"

type Message struct {
	Topic string
	Body  []byte
}

type subscriber struct {
	topic string
	ch    chan Message
}

// Broker is safe for concurrent use.
type Broker struct {
	mu   sync.RWMutex
	subs map[int]*subscriber
	next int
}

func NewBroker() *Broker { return &Broker{subs: make(map[int]*subscriber)} }

func (b *Broker) Subscribe(topic string) (int, <-chan Message) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.next++
	s := &subscriber{topic: topic, ch: make(chan Message, 16)}
	b.subs[b.next] = s
	return b.next, s.ch
}

func (b *Broker) lookup(id int) (*subscriber, bool) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	s, ok := b.subs[id]
	return s, ok
}

// Unsubscribe removes id and closes its channel. It is a no-op for unknown ids.
func (b *Broker) Unsubscribe(id int) {
	s, ok := b.lookup(id)
	if !ok {
		return
	}
	b.mu.Lock()
	delete(b.subs, id)
	b.mu.Unlock()
	close(s.ch)
}

// Publish delivers m to every subscriber of its topic, dropping on full buffers.
func (b *Broker) Publish(m Message) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, s := range b.subs {
		if s.topic != m.Topic {
			continue
		}
		select {
		case s.ch <- m:
		default:
		}
	}
}
