// Package t10 is the webhook dispatcher of a SaaS backend. Business handlers
// (net/http goroutines) call Dispatch, which delivers the webhook on its own
// goroutine and records every attempt in an on-disk outbox journal so failed
// deliveries can be replayed. On SIGTERM the shutdown goroutine calls
// Shutdown, which must wait for in-flight deliveries before closing the
// journal.
//
// BUG (Dispatch: check = d.closing.Load() is false -> act = d.wg.Add(1) and
// the delivery goroutine): Shutdown can set closing, see the WaitGroup at
// zero, return from Wait and close the journal between a handler's check and
// its Add. The Add then races with Wait (a documented WaitGroup misuse) and
// the delivery runs after the journal is closed.
//
// Harm: webhooks accepted right before shutdown are sent without being
// journaled (journal writes fail on a closed file), so failures are never
// replayed and customers silently miss events; the misuse can also panic
// with "WaitGroup is reused before previous Wait has returned".
package t10

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// ErrShuttingDown is returned by Dispatch after Shutdown has begun.
var ErrShuttingDown = errors.New("dispatcher shutting down")

// Webhook is one event to deliver.
type Webhook struct {
	ID      string          `json:"id"`
	URL     string          `json:"url"`
	Payload json.RawMessage `json:"payload"`
}

// Dispatcher delivers webhooks asynchronously.
type Dispatcher struct {
	client  *http.Client
	journal *os.File
	jmu     sync.Mutex
	closing atomic.Bool
	wg      sync.WaitGroup
}

// NewDispatcher opens the outbox journal at path.
func NewDispatcher(path string) (*Dispatcher, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	return &Dispatcher{client: &http.Client{Timeout: 10 * time.Second}, journal: f}, nil
}

// Dispatch schedules delivery of wh.
func (d *Dispatcher) Dispatch(wh Webhook) error {
	if d.closing.Load() {
		return ErrShuttingDown
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		d.deliver(wh)
	}()
	return nil
}

func (d *Dispatcher) deliver(wh Webhook) {
	status := "ok"
	resp, err := d.client.Post(wh.URL, "application/json", bytes.NewReader(wh.Payload))
	if err != nil {
		status = "error: " + err.Error()
	} else {
		resp.Body.Close()
		if resp.StatusCode >= 300 {
			status = fmt.Sprintf("http %d", resp.StatusCode)
		}
	}
	d.jmu.Lock()
	defer d.jmu.Unlock()
	line, _ := json.Marshal(map[string]string{"id": wh.ID, "url": wh.URL, "status": status})
	if _, err := d.journal.Write(append(line, '\n')); err != nil {
		fmt.Fprintf(os.Stderr, "webhook %s: journal write failed: %v\n", wh.ID, err)
	}
}

// Shutdown stops accepting webhooks, waits for in-flight deliveries (or ctx)
// and closes the journal.
func (d *Dispatcher) Shutdown(ctx context.Context) error {
	d.closing.Store(true)
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		return ctx.Err()
	}
	d.jmu.Lock()
	defer d.jmu.Unlock()
	return d.journal.Close()
}
