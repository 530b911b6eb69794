// Package r06 batches per-tenant metric samples and flushes each tenant's
// batch to a sink from a dedicated background goroutine.
//
// BUG (check-then-act on a map guarded by an RWMutex): Registry.For looks
// the tenant's flusher up under RLock, releases the lock on a miss, starts a
// new flusher (which spawns a goroutine), and then takes the write lock and
// stores it — without re-checking. Ingest HTTP handlers for the same tenant
// run concurrently, so the first requests of a new tenant all miss and each
// starts its own flusher. Only the last one stored stays in the map; the
// others keep running forever (Registry.Close never sees them), leaking a
// goroutine and a ticker each, and the samples the losing handlers already
// appended to them are never flushed: metrics are silently lost.
package r06

import (
	"sync"
	"time"
)

type Sample struct {
	Name  string
	Value float64
	At    time.Time
}

type Sink interface {
	Write(tenant string, batch []Sample) error
}

type flusher struct {
	tenant string
	sink   Sink
	stop   chan struct{}

	mu    sync.Mutex
	batch []Sample
}

func startFlusher(tenant string, sink Sink, every time.Duration) *flusher {
	f := &flusher{tenant: tenant, sink: sink, stop: make(chan struct{})}
	go f.loop(every)
	return f
}

func (f *flusher) Add(s Sample) {
	f.mu.Lock()
	f.batch = append(f.batch, s)
	f.mu.Unlock()
}

func (f *flusher) flush() {
	f.mu.Lock()
	b := f.batch
	f.batch = nil
	f.mu.Unlock()
	if len(b) > 0 {
		_ = f.sink.Write(f.tenant, b)
	}
}

func (f *flusher) loop(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			f.flush()
		case <-f.stop:
			f.flush()
			return
		}
	}
}

// Registry is shared by all ingest handlers.
type Registry struct {
	sink  Sink
	every time.Duration

	mu       sync.RWMutex
	flushers map[string]*flusher
}

func NewRegistry(sink Sink, every time.Duration) *Registry {
	return &Registry{sink: sink, every: every, flushers: make(map[string]*flusher)}
}

// For returns the flusher for tenant, starting one on first use.
func (r *Registry) For(tenant string) *flusher {
	r.mu.RLock()
	f, ok := r.flushers[tenant]
	r.mu.RUnlock()
	if ok {
		return f
	}

	f = startFlusher(tenant, r.sink, r.every)
	r.mu.Lock()
	r.flushers[tenant] = f
	r.mu.Unlock()
	return f
}

// Ingest records one sample; it is called from the /ingest HTTP handler,
// i.e. concurrently for many requests of the same tenant.
func (r *Registry) Ingest(tenant string, s Sample) {
	r.For(tenant).Add(s)
}

// Close stops every flusher after a final flush. It must be called after
// the ingest HTTP server has shut down.
func (r *Registry) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, f := range r.flushers {
		close(f.stop)
	}
	r.flushers = map[string]*flusher{}
}
