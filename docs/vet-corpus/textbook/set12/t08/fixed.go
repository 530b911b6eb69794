package t08

// Fixed version: FlushFixed detaches the pending slice and installs a fresh
// one in a single critical section (takeAll), so records added during the
// sink write go into the next batch instead of being cleared. If the write
// fails, the batch is put back in front of anything added meanwhile.

import (
	"context"
	"sync"
	"time"
)

// BatcherFixed accumulates records and flushes them to a Sink.
type BatcherFixed struct {
	sink   Sink
	commit Committer
	opts   Options

	mu      sync.Mutex
	pending []Record

	flushMu sync.Mutex
}

// NewBatcherFixed returns a BatcherFixed.
func NewBatcherFixed(sink Sink, commit Committer, opts Options) *BatcherFixed {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 500
	}
	if opts.FlushEvery <= 0 {
		opts.FlushEvery = time.Second
	}
	return &BatcherFixed{sink: sink, commit: commit, opts: opts}
}

// Start runs the periodic flusher until ctx is cancelled.
func (b *BatcherFixed) Start(ctx context.Context) {
	go func() {
		t := time.NewTicker(b.opts.FlushEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				_ = b.FlushFixed(context.WithoutCancel(ctx))
				return
			case <-t.C:
				_ = b.FlushFixed(ctx)
			}
		}
	}()
}

// Add buffers r and flushes if the batch is full.
func (b *BatcherFixed) Add(ctx context.Context, r Record) error {
	b.mu.Lock()
	b.pending = append(b.pending, r)
	full := len(b.pending) >= b.opts.MaxBatch
	b.mu.Unlock()
	if full {
		return b.FlushFixed(ctx)
	}
	return nil
}

func (b *BatcherFixed) takeAll() []Record {
	b.mu.Lock()
	defer b.mu.Unlock()
	batch := b.pending
	b.pending = nil
	return batch
}

func (b *BatcherFixed) requeue(batch []Record) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pending = append(batch, b.pending...)
}

// Pending reports how many records are buffered.
func (b *BatcherFixed) Pending() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.pending)
}

// FlushFixed writes the buffered records and commits the last offset.
func (b *BatcherFixed) FlushFixed(ctx context.Context) error {
	b.flushMu.Lock()
	defer b.flushMu.Unlock()
	batch := b.takeAll()
	if len(batch) == 0 {
		return nil
	}
	if err := b.sink.WriteBatch(ctx, batch); err != nil {
		b.requeue(batch)
		return err
	}
	return b.commit.Commit(ctx, batch[len(batch)-1].Offset+1)
}
