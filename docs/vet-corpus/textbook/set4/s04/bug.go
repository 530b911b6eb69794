// Package s04 is an in-process event bus with graceful shutdown.
//
// BUG (check-then-act on an atomic.Bool guarding a channel): Publish checks
// closed.Load() and, seeing false, sends on b.events. Close sets the flag and
// closes the channel. Publish is called from HTTP handler goroutines and from
// the heartbeat goroutine while Close is called from the shutdown path; if
// Close runs after a publisher's check but before its send, the publisher
// sends on a closed channel and the whole process panics ("send on closed
// channel") in the middle of a graceful shutdown, losing all in-flight work.
package s04

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"time"
)

var ErrClosed = errors.New("bus: closed")

type Event struct {
	Topic   string
	Payload []byte
}

// Bus delivers events to a single handler goroutine. Publish and Close are
// safe for concurrent use.
type Bus struct {
	events chan Event
	closed atomic.Bool
	done   chan struct{}
}

func NewBus(buffer int, handle func(Event)) *Bus {
	b := &Bus{events: make(chan Event, buffer), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		for e := range b.events {
			handle(e)
		}
	}()
	return b
}

// Publish enqueues e. It returns ErrClosed after Close.
func (b *Bus) Publish(e Event) error {
	if b.closed.Load() {
		return ErrClosed
	}
	b.events <- e
	return nil
}

// Close stops accepting events and waits until queued ones are handled.
func (b *Bus) Close() {
	if !b.closed.CompareAndSwap(false, true) {
		return
	}
	close(b.events)
	<-b.done
}

// Heartbeat publishes a liveness event every interval until ctx ends.
func Heartbeat(ctx context.Context, b *Bus, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := b.Publish(Event{Topic: "heartbeat"}); err != nil {
				return
			}
		}
	}
}

// OrderHandler publishes an order.created event per request.
func OrderHandler(b *Bus) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := b.Publish(Event{Topic: "order.created", Payload: []byte(r.FormValue("id"))}); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}
}
