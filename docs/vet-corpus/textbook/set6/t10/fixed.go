// Fix: DispatchFixed checks the closing flag and calls wg.Add under one mutex,
// and ShutdownFixed sets the flag under the same mutex before it waits, so
// every Add happens-before Wait starts and no delivery starts after it.

package t10

import (
	"context"
	"net/http"
	"os"
	"sync"
	"time"
)

// DispatcherFixed delivers webhooks asynchronously.
type DispatcherFixed struct {
	inner   *Dispatcher // reused for the client, journal and deliver
	mu      sync.Mutex
	closing bool
	wg      sync.WaitGroup
}

// NewDispatcherFixed opens the outbox journal at path.
func NewDispatcherFixed(path string) (*DispatcherFixed, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	inner := &Dispatcher{client: &http.Client{Timeout: 10 * time.Second}, journal: f}
	return &DispatcherFixed{inner: inner}, nil
}

// DispatchFixed schedules delivery of wh.
func (d *DispatcherFixed) DispatchFixed(wh Webhook) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closing {
		return ErrShuttingDown
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		d.inner.deliver(wh)
	}()
	return nil
}

// ShutdownFixed stops accepting webhooks, waits for in-flight deliveries (or
// ctx) and closes the journal.
func (d *DispatcherFixed) ShutdownFixed(ctx context.Context) error {
	d.mu.Lock()
	d.closing = true
	d.mu.Unlock()
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		return ctx.Err()
	}
	d.inner.jmu.Lock()
	defer d.inner.jmu.Unlock()
	return d.inner.journal.Close()
}
