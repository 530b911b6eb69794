package t16

// Fixed version: DispatcherFixed guards the closed flag with an RWMutex.
// Dispatch checks the flag and calls inflight.Add(1) while holding the read
// lock; Close sets the flag under the write lock before it waits. Once Close
// holds the lock, every Dispatch either already registered its delivery
// (and Close waits for it) or will see closed and return ErrClosed.

import (
	"bytes"
	"context"
	"net/http"
	"sync"
	"time"
)

// DispatcherFixed delivers webhooks asynchronously.
type DispatcherFixed struct {
	opts     Options
	log      DeliveryLog
	mu       sync.RWMutex
	closed   bool
	inflight sync.WaitGroup
}

// NewFixed returns a DispatcherFixed.
func NewFixed(log DeliveryLog, opts Options) *DispatcherFixed {
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.Attempts <= 0 {
		opts.Attempts = 5
	}
	if opts.Backoff <= 0 {
		opts.Backoff = 500 * time.Millisecond
	}
	return &DispatcherFixed{opts: opts, log: log}
}

// Dispatch accepts ev for delivery. A nil error means the dispatcher now
// owns the event.
func (d *DispatcherFixed) Dispatch(ctx context.Context, ev Event) error {
	d.mu.RLock()
	if d.closed {
		d.mu.RUnlock()
		return ErrClosed
	}
	d.inflight.Add(1)
	d.mu.RUnlock()
	go func() {
		defer d.inflight.Done()
		d.deliver(context.WithoutCancel(ctx), ev)
	}()
	return nil
}

func (d *DispatcherFixed) deliver(ctx context.Context, ev Event) {
	var (
		status int
		err    error
	)
	backoff := d.opts.Backoff
	for attempt := 0; attempt < d.opts.Attempts; attempt++ {
		status, err = d.post(ctx, ev)
		if err == nil && status < 500 {
			break
		}
		time.Sleep(backoff)
		backoff *= 2
	}
	_ = d.log.Record(ctx, ev.ID, status, err)
}

func (d *DispatcherFixed) post(ctx context.Context, ev Event) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ev.Endpoint, bytes.NewReader(ev.Payload))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Webhook-Id", ev.ID)
	resp, err := d.opts.Client.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// Close stops accepting events, waits for accepted deliveries, and closes
// the delivery log.
func (d *DispatcherFixed) Close() error {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	d.inflight.Wait()
	return d.log.Close()
}
