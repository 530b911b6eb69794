package r12

import (
	"context"
	"sync"
)

// DispatcherFixed makes "not draining" and "register with the WaitGroup"
// one critical section; Shutdown flips the flag under the same lock, so
// every Add happens before Wait starts.
type DispatcherFixed struct {
	outbox Outbox
	send   func(context.Context, Webhook) error

	mu       sync.Mutex
	draining bool
	wg       sync.WaitGroup
}

func NewDispatcherFixed(o Outbox, send func(context.Context, Webhook) error) *DispatcherFixed {
	return &DispatcherFixed{outbox: o, send: send}
}

func (d *DispatcherFixed) Submit(w Webhook) error {
	d.mu.Lock()
	if d.draining {
		d.mu.Unlock()
		return ErrShuttingDown
	}
	d.wg.Add(1)
	d.mu.Unlock()
	go d.deliver(w)
	return nil
}

func (d *DispatcherFixed) deliver(w Webhook) {
	defer d.wg.Done()
	ctx := context.Background()
	if err := d.send(ctx, w); err != nil {
		return
	}
	_ = d.outbox.MarkDelivered(ctx, w)
}

func (d *DispatcherFixed) Shutdown() error {
	d.mu.Lock()
	d.draining = true
	d.mu.Unlock()
	d.wg.Wait()
	return d.outbox.Close()
}
