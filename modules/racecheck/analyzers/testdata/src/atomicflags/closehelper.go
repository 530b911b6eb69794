package atomicflags

import "sync"

// open-telemetry/opentelemetry-go exporters/otlp/otlp.go at cf8f4fdc
// (fixed in eeb392e7, "Close a race when grpc connection is closed
// multiple times"): Shutdown reads started under the read lock, releases
// it, clears started under the lock taken again, and closes the stop
// channel through a package variable holding a function literal (a hook
// the tests swap). Two Shutdowns both read true and both close.
type otlpExporter struct {
	mu      sync.RWMutex
	started bool
	stopCh  chan struct{}
}

// closeStopCh wraps the channel's close for the tests.
var closeStopCh = func(stopCh chan struct{}) {
	close(stopCh)
}

func (e *otlpExporter) Shutdown() error {
	e.mu.RLock()
	started := e.started
	e.mu.RUnlock()
	if !started {
		return nil
	}
	e.mu.Lock()
	e.started = false // want `e.started = false after e.started on line 24 runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and both go on to closeStopCh\(e.stopCh\) on line 32; use one lock held from the check to the store`
	e.mu.Unlock()
	closeStopCh(e.stopCh)
	return nil
}

// The fix: a sync.Once closes the channel.
type otlpExporterFixed struct {
	otlpExporter
	stopOnce sync.Once
}

func (e *otlpExporterFixed) Shutdown() error {
	e.mu.RLock()
	started := e.started
	e.mu.RUnlock()
	if !started {
		return nil
	}
	e.mu.Lock()
	e.started = false
	e.mu.Unlock()
	e.stopOnce.Do(func() { closeStopCh(e.stopCh) })
	return nil
}

// The same with the close in a function of the package.
func closeStop(ch chan struct{}) { close(ch) }

func (e *otlpExporter) Stop() {
	e.mu.RLock()
	started := e.started
	e.mu.RUnlock()
	if !started {
		return
	}
	e.mu.Lock()
	e.started = false // want `e.started = false after e.started on line 61 runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and both go on to closeStop\(e.stopCh\) on line 69`
	e.mu.Unlock()
	closeStop(e.stopCh)
}

// Near-misses. A hook the package itself sets again may close anything.
var stopHook = func(ch chan struct{}) { close(ch) }

func init() { stopHook = func(chan struct{}) {} }

func (e *otlpExporter) Halt() {
	e.mu.RLock()
	started := e.started
	e.mu.RUnlock()
	if !started {
		return
	}
	e.mu.Lock()
	e.started = false
	e.mu.Unlock()
	stopHook(e.stopCh)
}

// A helper that closes a channel of its own, not the one handed to it.
var spare = make(chan struct{})

func drain(ch chan struct{}) {
	close(spare)
	for range ch {
	}
}

func (e *otlpExporter) Drain() {
	e.mu.RLock()
	started := e.started
	e.mu.RUnlock()
	if !started {
		return
	}
	e.mu.Lock()
	e.started = false
	e.mu.Unlock()
	drain(e.stopCh)
}
