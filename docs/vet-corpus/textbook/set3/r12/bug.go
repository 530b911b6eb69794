// Package r12 runs webhook deliveries in background goroutines and drains
// them on graceful shutdown before closing the outbox database.
//
// BUG (check-then-act on an atomic.Bool guarding WaitGroup.Add): Dispatcher.
// Submit checks d.draining and, if not set, calls d.wg.Add(1) and starts a
// delivery goroutine. Shutdown, called from the SIGTERM handler goroutine,
// sets draining, waits on d.wg, and then closes the outbox. Submit is
// called from HTTP handlers that are still finishing. A Submit that passed
// the check just before Shutdown set the flag can call wg.Add(1) after
// wg.Wait has already returned (or concurrently with a Wait on a zero
// counter, which the sync package forbids). Its delivery then runs against
// the closed outbox: the delivery record write fails, the webhook is sent
// but never marked done (it is re-sent on the next start), or the process
// exits mid-delivery and the event is lost.
package r12

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

var ErrShuttingDown = errors.New("dispatcher: shutting down")

type Webhook struct {
	URL  string
	Body []byte
}

// Outbox persists delivery state. Using it after Close returns an error.
type Outbox interface {
	MarkDelivered(ctx context.Context, w Webhook) error
	Close() error
}

type Dispatcher struct {
	outbox Outbox
	send   func(context.Context, Webhook) error

	draining atomic.Bool
	wg       sync.WaitGroup
}

func NewDispatcher(o Outbox, send func(context.Context, Webhook) error) *Dispatcher {
	return &Dispatcher{outbox: o, send: send}
}

// Submit schedules w for asynchronous delivery.
func (d *Dispatcher) Submit(w Webhook) error {
	if d.draining.Load() {
		return ErrShuttingDown
	}
	d.wg.Add(1)
	go d.deliver(w)
	return nil
}

func (d *Dispatcher) deliver(w Webhook) {
	defer d.wg.Done()
	ctx := context.Background()
	if err := d.send(ctx, w); err != nil {
		return
	}
	_ = d.outbox.MarkDelivered(ctx, w)
}

// Shutdown stops accepting work, waits for in-flight deliveries and closes
// the outbox.
func (d *Dispatcher) Shutdown() error {
	d.draining.Store(true)
	d.wg.Wait()
	return d.outbox.Close()
}
