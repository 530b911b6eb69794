// Package t16 dispatches outgoing webhooks for the orders service. Events
// are taken from the transactional outbox, handed to the Dispatcher, and the
// outbox row is marked "handed off" as soon as Dispatch returns nil.
//
// Concurrency: the outbox poller goroutine and request handlers call
// Dispatch; each delivery runs on its own goroutine tracked by d.inflight
// (sync.WaitGroup) and retries with backoff. On shutdown, main calls Close,
// which must wait for all accepted deliveries before the process exits and
// the delivery log is closed. The closed flag is an atomic.Bool.
//
// BUG: Dispatch checks d.closed and then calls d.inflight.Add(1). Close can
// set closed and finish inflight.Wait() between the two, because the
// counter is still zero (check -> act).
//
// HARM: Dispatch returns nil after Close has returned, so the outbox marks
// the event handed off, but the process exits (or the delivery log is
// already closed) before the delivery goroutine runs. The customer's
// "payment succeeded" webhook is never sent and never retried; if Add races
// with Wait instead, the WaitGroup panics with "WaitGroup is reused before
// previous Wait has returned" during shutdown.
package t16

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// ErrClosed is returned by Dispatch after Close.
var ErrClosed = errors.New("webhook: dispatcher closed")

// Event is one webhook to deliver.
type Event struct {
	ID       string
	Endpoint string
	Payload  []byte
}

// DeliveryLog records the outcome of each delivery.
type DeliveryLog interface {
	Record(ctx context.Context, eventID string, status int, err error) error
	Close() error
}

// Options configures a Dispatcher.
type Options struct {
	Client   *http.Client
	Attempts int
	Backoff  time.Duration
}

// Dispatcher delivers webhooks asynchronously.
type Dispatcher struct {
	opts     Options
	log      DeliveryLog
	closed   atomic.Bool
	inflight sync.WaitGroup
}

// New returns a Dispatcher.
func New(log DeliveryLog, opts Options) *Dispatcher {
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.Attempts <= 0 {
		opts.Attempts = 5
	}
	if opts.Backoff <= 0 {
		opts.Backoff = 500 * time.Millisecond
	}
	return &Dispatcher{opts: opts, log: log}
}

// Dispatch accepts ev for delivery. A nil error means the dispatcher now
// owns the event.
func (d *Dispatcher) Dispatch(ctx context.Context, ev Event) error {
	if d.closed.Load() {
		return ErrClosed
	}
	d.inflight.Add(1)
	go func() {
		defer d.inflight.Done()
		d.deliver(context.WithoutCancel(ctx), ev)
	}()
	return nil
}

func (d *Dispatcher) deliver(ctx context.Context, ev Event) {
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

func (d *Dispatcher) post(ctx context.Context, ev Event) (int, error) {
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
func (d *Dispatcher) Close() error {
	d.closed.Store(true)
	d.inflight.Wait()
	return d.log.Close()
}
