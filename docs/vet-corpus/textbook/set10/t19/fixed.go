package t19

// Fix: LazyFixed keeps the lock-free fast path but serialises initialisation
// with a mutex and re-checks the cell after acquiring it (double-checked
// locking). init runs at most once per successful initialisation; goroutines
// that arrive while it runs wait and then return the stored value. Errors
// are still not cached, so a failed dial is retried by the next caller.
// DriverFixed is Driver using LazyFixed for its pools.

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
)

// LazyFixed holds a value computed exactly once on first successful use.
type LazyFixed[T any] struct {
	mu   sync.Mutex
	v    atomic.Pointer[T]
	init func() (T, error)
}

// NewLazyFixed returns a cell initialised by init on first Get.
func NewLazyFixed[T any](init func() (T, error)) *LazyFixed[T] { return &LazyFixed[T]{init: init} }

// Get returns the value, computing it at most once.
func (l *LazyFixed[T]) Get() (T, error) {
	if p := l.v.Load(); p != nil {
		return *p, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if p := l.v.Load(); p != nil { // re-check under the lock
		return *p, nil
	}
	v, err := l.init()
	if err != nil {
		var zero T
		return zero, err
	}
	l.v.Store(&v)
	return v, nil
}

// Peek returns the value if it has been computed.
func (l *LazyFixed[T]) Peek() (T, bool) {
	if p := l.v.Load(); p != nil {
		return *p, true
	}
	var zero T
	return zero, false
}

// DriverFixed is Driver with race-free per-host pool creation.
type DriverFixed struct {
	Driver
	lazies map[string]*LazyFixed[*hostPool] // guarded by Driver.mu
}

func (d *DriverFixed) poolForFixed(host string) *LazyFixed[*hostPool] {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.lazies == nil {
		d.lazies = make(map[string]*LazyFixed[*hostPool])
	}
	l, ok := d.lazies[host]
	if !ok {
		l = NewLazyFixed(func() (*hostPool, error) { return d.newHostPool(host) })
		d.lazies[host] = l
	}
	return l
}

// Conn returns a connection to host and the pool to return it to.
func (d *DriverFixed) Conn(ctx context.Context, host string) (net.Conn, *hostPool, error) {
	p, err := d.poolForFixed(host).Get()
	if err != nil {
		return nil, nil, err
	}
	c, err := p.get(ctx)
	return c, p, err
}

// Close shuts down every pool.
func (d *DriverFixed) Close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, l := range d.lazies {
		if p, ok := l.Peek(); ok {
			p.close()
		}
	}
}
