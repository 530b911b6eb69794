package checkthenact

import (
	"errors"
	"sync"
)

// The sync.Map form of a get-or-create whose creator refuses a key that
// exists (gcpug/handy-spanner#77's shape): the creator claims the key
// with LoadOrStore and fails when the claim finds it.
type topic struct{ name string }

var errTopicExists = errors.New("topic exists")

type broker struct{ topics sync.Map }

func (b *broker) createTopic(name string) (*topic, error) {
	t := &topic{name: name}
	if _, loaded := b.topics.LoadOrStore(name, t); loaded {
		return nil, errTopicExists
	}
	return t, nil
}

func (b *broker) topic(name string) (*topic, error) {
	if t, ok := b.topics.Load(name); ok {
		return t.(*topic), nil
	}
	return b.createTopic(name) // want `b.createTopic\(name\) after b.topics.Load\(name\) on line 26 runs only when the check found no entry, and fails when it finds name: another goroutine can create name in between`
}

// Looking again on the error answers the winner's topic.
func (b *broker) topicRetrying(name string) (*topic, error) {
	if t, ok := b.topics.Load(name); ok {
		return t.(*topic), nil
	}
	t, err := b.createTopic(name)
	if errors.Is(err, errTopicExists) {
		if t, ok := b.topics.Load(name); ok {
			return t.(*topic), nil
		}
	}
	return t, err
}
