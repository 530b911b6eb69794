// Package t08 is the sink stage of a stream processor: it batches records
// consumed from a partition and writes them to the warehouse, committing the
// consumer offset after each successful batch.
//
// Concurrency: the partition consumer goroutine calls Batcher.Add for every
// record. Start launches a flusher goroutine that calls Flush on a timer,
// and Add also triggers a Flush from the consumer goroutine when the batch
// reaches MaxBatch. The pending slice is guarded by b.mu; snapshot and reset
// each take it.
//
// BUG: Flush copies the pending records (snapshot), writes them to the sink,
// and then clears the pending slice (reset). Records that Add appends while
// the write is in flight are wiped by reset without ever being written
// (check -> act).
//
// HARM: silent data loss. The lost records have offsets below the ones in
// the next batch, so the next commit moves the consumer offset past them and
// they are never redelivered; the warehouse is missing rows (orders, payments)
// with no error anywhere.
package t08

import (
	"context"
	"sync"
	"time"
)

// Record is one message from the partition.
type Record struct {
	Offset int64
	Key    string
	Value  []byte
}

// Sink writes a batch durably.
type Sink interface {
	WriteBatch(ctx context.Context, recs []Record) error
}

// Committer stores the consumer position for the partition.
type Committer interface {
	Commit(ctx context.Context, offset int64) error
}

// Options configures a Batcher.
type Options struct {
	MaxBatch   int
	FlushEvery time.Duration
}

// Batcher accumulates records and flushes them to a Sink.
type Batcher struct {
	sink   Sink
	commit Committer
	opts   Options

	mu      sync.Mutex
	pending []Record

	flushMu sync.Mutex // one flush at a time
}

// NewBatcher returns a Batcher.
func NewBatcher(sink Sink, commit Committer, opts Options) *Batcher {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 500
	}
	if opts.FlushEvery <= 0 {
		opts.FlushEvery = time.Second
	}
	return &Batcher{sink: sink, commit: commit, opts: opts}
}

// Start runs the periodic flusher until ctx is cancelled.
func (b *Batcher) Start(ctx context.Context) {
	go func() {
		t := time.NewTicker(b.opts.FlushEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				_ = b.Flush(context.WithoutCancel(ctx))
				return
			case <-t.C:
				_ = b.Flush(ctx)
			}
		}
	}()
}

// Add buffers r and flushes if the batch is full.
func (b *Batcher) Add(ctx context.Context, r Record) error {
	b.mu.Lock()
	b.pending = append(b.pending, r)
	full := len(b.pending) >= b.opts.MaxBatch
	b.mu.Unlock()
	if full {
		return b.Flush(ctx)
	}
	return nil
}

func (b *Batcher) snapshot() []Record {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Record(nil), b.pending...)
}

func (b *Batcher) reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	clear(b.pending)
	b.pending = b.pending[:0]
}

// Pending reports how many records are buffered.
func (b *Batcher) Pending() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.pending)
}

// Flush writes the buffered records and commits the last offset.
func (b *Batcher) Flush(ctx context.Context) error {
	b.flushMu.Lock()
	defer b.flushMu.Unlock()
	batch := b.snapshot()
	if len(batch) == 0 {
		return nil
	}
	if err := b.sink.WriteBatch(ctx, batch); err != nil {
		return err
	}
	b.reset()
	return b.commit.Commit(ctx, batch[len(batch)-1].Offset+1)
}
