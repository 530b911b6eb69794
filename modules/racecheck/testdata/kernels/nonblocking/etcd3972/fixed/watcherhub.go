// Package etcd3972 reconstructs a data race in etcd's v2 store, reported by
// Kubernetes: the watcher hub publishes one *Event to every matching watcher
// and keeps it in its event history, and a watcher that rewrote the event's
// key for its own client modified the shared, published object.
//
//   - Project: etcd-io/etcd (store/watcher_hub.go), reported as kubernetes/kubernetes#18437
//   - Bug report: https://github.com/kubernetes/kubernetes/issues/18437
//   - Fix: https://github.com/etcd-io/etcd/pull/3972 (events from the hub are read-only; a watcher clones one before modifying it)
//   - Shape: mutation of an object after it was published to other goroutines.
//   - Fixed twin: the watcher clones the published event before rewriting its
//     key (the upstream fix), so published events are never modified.
package etcd3972

import (
	"strings"
	"sync"
)

// Event is a change to one key.
type Event struct {
	Action string
	Key    string
	Index  uint64
}

// Clone returns a copy of e that the caller may modify.
func (e *Event) Clone() *Event {
	c := *e
	return &c
}

// Watcher receives the events under a key prefix.
type Watcher struct {
	prefix string
	c      chan *Event
}

// Next returns the next event, with its key relative to the watched prefix.
func (w *Watcher) Next() *Event {
	e := (<-w.c).Clone()
	e.Key = strings.TrimPrefix(e.Key, w.prefix)
	return e
}

// WatcherHub fans events out to watchers and keeps a history.
type WatcherHub struct {
	mu       sync.Mutex
	watchers []*Watcher
	history  []*Event
}

// Watch registers a watcher for keys under prefix.
func (wh *WatcherHub) Watch(prefix string) *Watcher {
	w := &Watcher{prefix: prefix, c: make(chan *Event, 8)}
	wh.mu.Lock()
	wh.watchers = append(wh.watchers, w)
	wh.mu.Unlock()
	return w
}

// Notify publishes e to the watchers whose prefix matches its key.
func (wh *WatcherHub) Notify(e *Event) {
	wh.mu.Lock()
	defer wh.mu.Unlock()
	wh.history = append(wh.history, e)
	for _, w := range wh.watchers {
		if strings.HasPrefix(e.Key, w.prefix) {
			w.c <- e
		}
	}
}
