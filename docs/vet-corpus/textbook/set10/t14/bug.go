// Package t14 is the sample batcher of a metrics remote-write client
// (Prometheus remote_write / StatsD forwarder style). Instrumented code adds
// samples; a single flusher goroutine ships them to the remote endpoint in
// batches, either every FlushInterval or as soon as MaxBatch samples are
// pending.
//
// Concurrency: Add is called from every request goroutine of the
// instrumented service. Run executes on one dedicated flusher goroutine and
// is the only caller of flush. pending is guarded by b.mu; the send itself
// happens without the lock so that Add never waits on the network.
//
// BUG: flush reads the pending slice under the lock, releases it, sends the
// batch, then re-acquires the lock and resets pending to nil, acting on the
// length it observed before the send. Samples that Add appended while the
// HTTP request was in flight are part of the slice being discarded but were
// never part of the batch that was sent.
//
// HARM: every sample recorded during a send - tens to hundreds of
// milliseconds per flush, i.e. a large fraction of all samples under load -
// is silently dropped. Counters under-report, rate() graphs show holes, and
// absent-data alerts fire for healthy services; nothing is logged because no
// operation ever fails.
package t14

import (
	"context"
	"log"
	"sync"
	"time"
)

// Sample is one metric observation.
type Sample struct {
	Name   string
	Labels map[string]string
	Value  float64
	TS     int64 // unix millis
}

// Sender ships a batch to the remote endpoint.
type Sender interface {
	Send(ctx context.Context, batch []Sample) error
}

// Batcher accumulates samples and flushes them in batches.
type Batcher struct {
	sender        Sender
	maxBatch      int
	flushInterval time.Duration
	kick          chan struct{}

	mu      sync.Mutex
	pending []Sample
}

// NewBatcher returns a batcher sending through s.
func NewBatcher(s Sender, maxBatch int, every time.Duration) *Batcher {
	return &Batcher{sender: s, maxBatch: maxBatch, flushInterval: every, kick: make(chan struct{}, 1)}
}

// Add queues a sample; it never blocks on the network.
func (b *Batcher) Add(s Sample) {
	b.mu.Lock()
	b.pending = append(b.pending, s)
	full := len(b.pending) >= b.maxBatch
	b.mu.Unlock()
	if full {
		select {
		case b.kick <- struct{}{}:
		default:
		}
	}
}

// Run flushes until ctx is cancelled, then performs a final flush.
func (b *Batcher) Run(ctx context.Context) {
	t := time.NewTicker(b.flushInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := b.flush(final); err != nil {
				log.Printf("remote write: final flush: %v", err)
			}
			cancel()
			return
		case <-t.C:
		case <-b.kick:
		}
		if err := b.flush(ctx); err != nil {
			log.Printf("remote write: %v (will retry)", err)
		}
	}
}

func (b *Batcher) flush(ctx context.Context) error {
	b.mu.Lock()
	batch := b.pending
	b.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	if err := b.sender.Send(ctx, batch); err != nil {
		return err // keep pending; retried on the next tick
	}
	b.mu.Lock()
	b.pending = nil
	b.mu.Unlock()
	return nil
}
