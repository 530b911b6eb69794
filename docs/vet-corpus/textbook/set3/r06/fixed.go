package r06

import (
	"sync"
	"time"
)

// RegistryFixed re-checks the map under the write lock and only starts a
// flusher if it is still missing, so at most one flusher exists per tenant.
type RegistryFixed struct {
	sink  Sink
	every time.Duration

	mu       sync.RWMutex
	flushers map[string]*flusher
}

func NewRegistryFixed(sink Sink, every time.Duration) *RegistryFixed {
	return &RegistryFixed{sink: sink, every: every, flushers: make(map[string]*flusher)}
}

func (r *RegistryFixed) For(tenant string) *flusher {
	r.mu.RLock()
	f, ok := r.flushers[tenant]
	r.mu.RUnlock()
	if ok {
		return f
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	if f, ok := r.flushers[tenant]; ok {
		return f
	}
	f = startFlusher(tenant, r.sink, r.every)
	r.flushers[tenant] = f
	return f
}

// Ingest records one sample; it is called from the /ingest HTTP handler,
// i.e. concurrently for many requests of the same tenant.
func (r *RegistryFixed) Ingest(tenant string, s Sample) {
	r.For(tenant).Add(s)
}

// Close must be called after the ingest HTTP server has shut down.
func (r *RegistryFixed) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, f := range r.flushers {
		close(f.stop)
	}
	r.flushers = map[string]*flusher{}
}
