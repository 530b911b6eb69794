// Package t11 provides the process-wide client for a metrics/trace export
// backend. The client is expensive: it opens a gRPC-like connection and
// starts a background flusher goroutine. Default() lazily creates it on first
// use with the common "fast path atomic load, slow path under a mutex"
// pattern and caches it in an atomic.Pointer. Default is called from every
// request goroutine that emits telemetry.
//
// BUG (check-then-act on atomic.Pointer lazy singleton): the check is
// defaultClient.Load() == nil on the fast path, the act is creating the
// client and defaultClient.Store(c) on the slow path. The mutex serializes
// the slow path, but the nil check is not repeated after acquiring it, so
// every goroutine that raced past the fast-path check during startup builds
// its own client. All but the last are overwritten: their connections and
// flusher goroutines leak, and spans buffered in them before the overwrite
// are never flushed (telemetry lost).
package t11

import (
	"sync"
	"sync/atomic"
	"time"
)

// Span is one exported unit of telemetry.
type Span struct {
	Name string
	Dur  time.Duration
}

// Client buffers spans and flushes them periodically.
type Client struct {
	mu     sync.Mutex
	buf    []Span
	ticker *time.Ticker
	stop   chan struct{}
}

func dial(endpoint string) *Client {
	_ = endpoint // connection setup elided
	c := &Client{ticker: time.NewTicker(5 * time.Second), stop: make(chan struct{})}
	go c.flushLoop()
	return c
}

func (c *Client) flushLoop() {
	for {
		select {
		case <-c.ticker.C:
			c.mu.Lock()
			c.buf = c.buf[:0] // send elided
			c.mu.Unlock()
		case <-c.stop:
			c.ticker.Stop()
			return
		}
	}
}

// Record buffers s for export.
func (c *Client) Record(s Span) {
	c.mu.Lock()
	c.buf = append(c.buf, s)
	c.mu.Unlock()
}

// Endpoint is the export endpoint used by Default.
var Endpoint = "localhost:4317"

var (
	defaultClient atomic.Pointer[Client]
	defaultMu     sync.Mutex
)

// Default returns the shared client, creating it on first use.
// It is safe to call from multiple goroutines.
func Default() *Client {
	if c := defaultClient.Load(); c != nil {
		return c
	}
	defaultMu.Lock()
	defer defaultMu.Unlock()
	c := dial(Endpoint)
	defaultClient.Store(c)
	return c
}
