package t19

// Fixed version: ShipperFixed.Ship never does a blocking send. It attempts a
// non-blocking send; if the queue is full it discards one record with a
// non-blocking receive and tries again. Whether there is room is decided by
// the send itself rather than by an earlier len() check, so Ship cannot
// block no matter how many goroutines log at once.

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"
)

// ShipperFixed buffers records and ships them in the background.
type ShipperFixed struct {
	opts    Options
	coll    Collector
	queue   chan Record
	dropped atomic.Int64
	sent    atomic.Int64
}

// NewFixed returns a ShipperFixed; call Start to begin shipping.
func NewFixed(coll Collector, opts Options) *ShipperFixed {
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
	return &ShipperFixed{opts: opts, coll: coll, queue: make(chan Record, opts.QueueSize)}
}

// Ship enqueues r, discarding the oldest queued records if needed.
func (s *ShipperFixed) Ship(r Record) {
	for {
		select {
		case s.queue <- r:
			return
		default:
		}
		select {
		case <-s.queue:
			s.dropped.Add(1)
		default:
		}
	}
}

// Dropped reports how many records were discarded.
func (s *ShipperFixed) Dropped() int64 { return s.dropped.Load() }

// Start runs the sender until ctx is cancelled.
func (s *ShipperFixed) Start(ctx context.Context) {
	go s.run(ctx)
}

func (s *ShipperFixed) run(ctx context.Context) {
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

func (s *ShipperFixed) send(ctx context.Context, batch []Record) {
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

// HandlerFixed adapts ShipperFixed to log/slog.
type HandlerFixed struct {
	S     *ShipperFixed
	Level slog.Level
}

func (h HandlerFixed) Enabled(_ context.Context, l slog.Level) bool { return l >= h.Level }

func (h HandlerFixed) Handle(_ context.Context, r slog.Record) error {
	rec := Record{Time: r.Time, Level: r.Level, Message: r.Message, Attrs: map[string]string{}}
	r.Attrs(func(a slog.Attr) bool {
		rec.Attrs[a.Key] = a.Value.String()
		return true
	})
	h.S.Ship(rec)
	return nil
}

func (h HandlerFixed) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h HandlerFixed) WithGroup(string) slog.Handler      { return h }
