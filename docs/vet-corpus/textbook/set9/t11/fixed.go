package t11

// Fix: LazyFixed uses sync.Once, which runs init exactly once and makes every
// concurrent caller wait until it has finished, so the presence check and the
// creation are a single step. Exactly one Resolver exists and
// CloseResolverFixed closes it.

import (
	"context"
	"sync"
)

// LazyFixed holds a value of type *T that is created exactly once.
type LazyFixed[T any] struct {
	once sync.Once
	v    *T
}

// GetFixed returns the value, creating it with init on the first call only.
func (l *LazyFixed[T]) GetFixed(init func() *T) *T {
	l.once.Do(func() { l.v = init() })
	return l.v
}

var resolverFixed LazyFixed[Resolver]

// LookupHostFixed resolves host through the single shared resolver.
func LookupHostFixed(ctx context.Context, host string) ([]string, error) {
	res := resolverFixed.GetFixed(newResolver)
	res.mu.RLock()
	addrs, ok := res.hits[host]
	res.mu.RUnlock()
	if ok {
		return addrs, nil
	}
	addrs, err := res.r.LookupHost(ctx, host)
	if err != nil {
		return nil, err
	}
	res.mu.Lock()
	res.hits[host] = addrs
	res.mu.Unlock()
	return addrs, nil
}

// CloseResolverFixed stops the shared resolver (creating it first if it was
// never used, which is harmless).
func CloseResolverFixed() {
	resolverFixed.GetFixed(newResolver).Close()
}
