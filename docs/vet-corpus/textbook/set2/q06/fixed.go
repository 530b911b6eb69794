package q06

import "sync"

type subscriberFixed struct {
	topic string
	ch    chan Message
}

// BrokerFixed is safe for concurrent use.
type BrokerFixed struct {
	mu   sync.RWMutex
	subs map[int]*subscriberFixed
	next int
}

func NewBrokerFixed() *BrokerFixed { return &BrokerFixed{subs: make(map[int]*subscriberFixed)} }

func (b *BrokerFixed) SubscribeFixed(topic string) (int, <-chan Message) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.next++
	s := &subscriberFixed{topic: topic, ch: make(chan Message, 16)}
	b.subs[b.next] = s
	return b.next, s.ch
}

// UnsubscribeFixed looks up, deletes and closes under one write lock, so only
// the goroutine that removed the entry closes the channel.
func (b *BrokerFixed) UnsubscribeFixed(id int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, ok := b.subs[id]
	if !ok {
		return
	}
	delete(b.subs, id)
	close(s.ch)
}

func (b *BrokerFixed) PublishFixed(m Message) {
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
