// Package otel8769 reconstructs a data race in the OpenTelemetry Go metrics
// SDK: NewPeriodicReader started its collection goroutine before it assigned
// the reader's self-instrumentation field, which every collection reads.
//
//   - Project: open-telemetry/opentelemetry-go (sdk/metric/periodic_reader.go)
//   - Bug report: https://github.com/open-telemetry/opentelemetry-go/issues/8769
//   - Fix: https://github.com/open-telemetry/opentelemetry-go/pull/8842 (the field is set before the goroutine starts)
//   - Shape: order violation: a field initialised after the goroutine that
//     uses it was started.
//   - Fixed twin: the instrumentation is assigned before the goroutine starts
//     (the upstream fix), so the go statement orders the write before every
//     read.
package otel8769

import (
	"sync"
	"time"
)

// instrumentation counts the reader's own collections.
type instrumentation struct {
	mu          sync.Mutex
	collections int
}

func (i *instrumentation) record() {
	i.mu.Lock()
	i.collections++
	i.mu.Unlock()
}

// PeriodicReader collects metrics at a fixed interval.
type PeriodicReader struct {
	inst     *instrumentation
	stop     chan struct{}
	done     chan struct{}
	producer func() int
	mu       sync.Mutex // guards producer
}

// NewPeriodicReader starts a reader that collects every interval.
func NewPeriodicReader(interval time.Duration) *PeriodicReader {
	r := &PeriodicReader{stop: make(chan struct{}), done: make(chan struct{})}
	r.inst = &instrumentation{}
	go r.run(interval)
	return r
}

// Register sets the producer the reader collects from.
func (r *PeriodicReader) Register(p func() int) {
	r.mu.Lock()
	r.producer = p
	r.mu.Unlock()
}

func (r *PeriodicReader) run(interval time.Duration) {
	defer close(r.done)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			r.collect()
		case <-r.stop:
			return
		}
	}
}

func (r *PeriodicReader) collect() {
	r.inst.record()
	r.mu.Lock()
	p := r.producer
	r.mu.Unlock()
	if p != nil {
		p()
	}
}

// Shutdown stops the reader.
func (r *PeriodicReader) Shutdown() {
	close(r.stop)
	<-r.done
}
