package t06

// FIX: LazyFixed guards creation with sync.Once, so New runs exactly once
// and every caller (including the concurrent first ones) blocks until that
// single value exists and then receives it; there is no window between
// "is it nil?" and "store it", so no client is ever built and dropped.
// PeekFixed uses an atomic flag set inside the Once after the value is
// written, so Shutdown sees the one and only client.

import (
	"sync"
	"sync/atomic"
)

// LazyFixed holds a value built exactly once by New.
type LazyFixed[T any] struct {
	New  func() T
	once sync.Once
	v    T
	done atomic.Bool
}

// GetFixed returns the value, creating it exactly once.
func (l *LazyFixed[T]) GetFixed() T {
	l.once.Do(func() {
		l.v = l.New()
		l.done.Store(true)
	})
	return l.v
}

// PeekFixed returns the value if it was created.
func (l *LazyFixed[T]) PeekFixed() (T, bool) {
	if l.done.Load() {
		return l.v, true
	}
	var zero T
	return zero, false
}

// ProxyFixed is Proxy built on LazyFixed.
type ProxyFixed struct {
	regions map[string]*LazyFixed[*RegionClient]
}

func NewProxyFixed(regions []string) *ProxyFixed {
	p := &ProxyFixed{regions: make(map[string]*LazyFixed[*RegionClient])}
	for _, r := range regions {
		p.regions[r] = &LazyFixed[*RegionClient]{New: func() *RegionClient { return NewRegionClient(r) }}
	}
	return p
}

func (p *ProxyFixed) clientFixed(region string) *RegionClient { return p.regions[region].GetFixed() }

// ShutdownFixed closes every created client.
func (p *ProxyFixed) ShutdownFixed() {
	for _, l := range p.regions {
		if c, ok := l.PeekFixed(); ok {
			c.Close()
		}
	}
}
