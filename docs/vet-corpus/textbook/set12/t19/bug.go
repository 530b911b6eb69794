// Package t19 is the client side of a log shipper embedded in every
// service: application code logs through Shipper.Ship, and a background
// goroutine batches the records and sends them to the log collector.
//
// Concurrency: Ship is called from every request goroutine (through the
// slog handler). Start launches the sender goroutine that drains s.queue, a
// bounded channel, in batches and retries with backoff while the collector
// is unreachable. The queue is drop-oldest by design: logging must never
// block the request path, so when the queue is full Ship discards the
// oldest record to make room. The drop counter is atomic.
//
// BUG: Ship checks len(s.queue) == cap(s.queue), pops one record if it is
// full, and then does a plain blocking send. Between the length check (or
// the pop) and the send, other request goroutines can fill the freed slot,
// and the send blocks (check -> act).
//
// HARM: exactly when the collector is down and the sender is stuck in
// backoff, request goroutines block inside a log call, holding whatever
// locks and connections they have. The service stops answering and its
// health checks time out: a logging outage becomes a full outage of every
// service that embeds the shipper.
package t19

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"
)

// Record is one structured log line.
type Record struct {
	Time    time.Time
	Level   slog.Level
	Message string
	Attrs   map[string]string
}

// Collector receives batches of records.
type Collector interface {
	Send(ctx context.Context, batch []Record) error
}

// Options configures a Shipper.
type Options struct {
	QueueSize  int
	BatchSize  int
	FlushEvery time.Duration
	MaxBackoff time.Duration
}

// Shipper buffers records and ships them in the background.
type Shipper struct {
	opts    Options
	coll    Collector
	queue   chan Record
	dropped atomic.Int64
	sent    atomic.Int64
}

// New returns a Shipper; call Start to begin shipping.
func New(coll Collector, opts Options) *Shipper {
	if opts.QueueSize <= 0 {
		opts.QueueSize = 4096
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 256
	}
	if opts.FlushEvery <= 0 {
		opts.FlushEvery = time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 30 * time.Second
	}
	return &Shipper{opts: opts, coll: coll, queue: make(chan Record, opts.QueueSize)}
}

// Ship enqueues r, discarding the oldest queued record if the queue is full.
func (s *Shipper) Ship(r Record) {
	if len(s.queue) == cap(s.queue) {
		select {
		case <-s.queue:
			s.dropped.Add(1)
		default:
		}
	}
	s.queue <- r
}

// Dropped reports how many records were discarded.
func (s *Shipper) Dropped() int64 { return s.dropped.Load() }

// Start runs the sender until ctx is cancelled.
func (s *Shipper) Start(ctx context.Context) {
	go s.run(ctx)
}

func (s *Shipper) run(ctx context.Context) {
	t := time.NewTicker(s.opts.FlushEvery)
	defer t.Stop()
	batch := make([]Record, 0, s.opts.BatchSize)
	for {
		select {
		case <-ctx.Done():
			return
		case r := <-s.queue:
			batch = append(batch, r)
			if len(batch) < s.opts.BatchSize {
				continue
			}
		case <-t.C:
			if len(batch) == 0 {
				continue
			}
		}
		s.send(ctx, batch)
		batch = batch[:0]
	}
}

// send delivers batch, retrying with exponential backoff until it succeeds
// or ctx is cancelled.
func (s *Shipper) send(ctx context.Context, batch []Record) {
	backoff := 100 * time.Millisecond
	for {
		err := s.coll.Send(ctx, batch)
		if err == nil {
			s.sent.Add(int64(len(batch)))
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, s.opts.MaxBackoff)
	}
}

// Handler adapts the shipper to log/slog.
type Handler struct {
	S     *Shipper
	Level slog.Level
}

func (h Handler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.Level }

func (h Handler) Handle(_ context.Context, r slog.Record) error {
	rec := Record{Time: r.Time, Level: r.Level, Message: r.Message, Attrs: map[string]string{}}
	r.Attrs(func(a slog.Attr) bool {
		rec.Attrs[a.Key] = a.Value.String()
		return true
	})
	h.S.Ship(rec)
	return nil
}

func (h Handler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h Handler) WithGroup(string) slog.Handler      { return h }
