package t14

// Fix: the batch is detached from the buffer in the same critical section in
// which it is read (swap pending for a fresh slice). Samples added during the
// send go into the fresh slice and are shipped by the next flush. On a send
// error the batch is put back in front of whatever arrived meanwhile, capped
// so that an unreachable endpoint cannot grow memory without bound.

import (
	"context"
	"log"
	"time"
)

const maxRetained = 100_000

func (b *Batcher) flushFixed(ctx context.Context) error {
	b.mu.Lock()
	batch := b.pending
	b.pending = make([]Sample, 0, b.maxBatch)
	b.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	if err := b.sender.Send(ctx, batch); err != nil {
		b.mu.Lock()
		merged := append(batch, b.pending...)
		if len(merged) > maxRetained {
			merged = merged[len(merged)-maxRetained:] // drop oldest
		}
		b.pending = merged
		b.mu.Unlock()
		return err
	}
	return nil
}

// RunFixed is Run using flushFixed.
func (b *Batcher) RunFixed(ctx context.Context) {
	t := time.NewTicker(b.flushInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := b.flushFixed(final); err != nil {
				log.Printf("remote write: final flush: %v", err)
			}
			cancel()
			return
		case <-t.C:
		case <-b.kick:
		}
		if err := b.flushFixed(ctx); err != nil {
			log.Printf("remote write: %v (will retry)", err)
		}
	}
}
