package lazyglobals

import (
	"sync"
	"sync/atomic"
)

// Double-checked locking on an atomic pointer without the second check:
// the fast path loads the pointer with no lock, the slow path takes a
// mutex and stores a new client without loading it again. Every goroutine
// that passed the fast path during startup builds its own client, and all
// but the last are replaced, their flusher goroutines leaking (textbook
// set 5, t11).

type spanExporter struct{ stop chan struct{} }

func dialExporter(endpoint string) *spanExporter {
	e := &spanExporter{stop: make(chan struct{})}
	go func() { <-e.stop }()
	return e
}

var (
	defaultExporter   atomic.Pointer[spanExporter]
	defaultExporterMu sync.Mutex
)

func DefaultExporter() *spanExporter {
	if e := defaultExporter.Load(); e != nil {
		return e
	}
	defaultExporterMu.Lock()
	defer defaultExporterMu.Unlock()
	e := dialExporter("localhost:4317")
	defaultExporter.Store(e) // want `defaultExporter is set here under defaultExporterMu, taken after the test on line 29 found it unset with no lock held, and nothing under the lock looks at it again`
	return e
}

// Near-miss: the fix loads it again under the lock.
var (
	checkedExporter   atomic.Pointer[spanExporter]
	checkedExporterMu sync.Mutex
)

func CheckedExporter() *spanExporter {
	if e := checkedExporter.Load(); e != nil {
		return e
	}
	checkedExporterMu.Lock()
	defer checkedExporterMu.Unlock()
	if e := checkedExporter.Load(); e != nil {
		return e
	}
	e := dialExporter("localhost:4317")
	checkedExporter.Store(e)
	return e
}

// The test of the load itself, on a field of an atomic.Value, set in the
// if's body.
type tracer struct {
	mu       sync.Mutex
	exporter atomic.Value // *spanExporter
}

func (t *tracer) get() *spanExporter {
	if t.exporter.Load() == nil {
		t.mu.Lock()
		t.exporter.Store(dialExporter("localhost:4317")) // want `t.exporter is set here under t.mu, taken after the test on line 67 found it unset`
		t.mu.Unlock()
	}
	return t.exporter.Load().(*spanExporter)
}

// Near-miss: the package stores the pointer eagerly in its constructor
// and never clears it; the lazy branch is a fallback.
type eagerTracer struct {
	mu       sync.Mutex
	exporter atomic.Pointer[spanExporter]
}

func newEagerTracer() *eagerTracer {
	t := &eagerTracer{}
	t.exporter.Store(dialExporter("localhost:4317"))
	return t
}

func (t *eagerTracer) get() *spanExporter {
	if e := t.exporter.Load(); e != nil {
		return e
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	e := dialExporter("localhost:4317")
	t.exporter.Store(e)
	return e
}

// Near-miss: an atomic count is no object to build twice.
var (
	hitsSeen   atomic.Int64
	hitsSeenMu sync.Mutex
)

func firstHit() {
	if hitsSeen.Load() == 0 {
		hitsSeenMu.Lock()
		hitsSeen.Store(1)
		hitsSeenMu.Unlock()
	}
}

// Near-miss: the slow path, under the lock, selects on a channel the
// function closes once the value is stored: a writer that took the lock
// after another finished sees it closed and does not dial again
// (sing-box's slow-open connection).
type slowOpen struct {
	access sync.Mutex
	conn   atomic.Pointer[spanExporter]
	create chan struct{}
}

func (c *slowOpen) get() *spanExporter {
	if e := c.conn.Load(); e != nil {
		return e
	}
	c.access.Lock()
	defer c.access.Unlock()
	select {
	case <-c.create:
		return c.conn.Load()
	default:
	}
	e := dialExporter("localhost:4317")
	c.conn.Store(e)
	close(c.create)
	return e
}
