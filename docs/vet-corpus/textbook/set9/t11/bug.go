// Package t11 provides a process-wide caching DNS resolver for an outbound
// HTTP proxy. The resolver is not free to build: it owns a cache and starts
// a refresh goroutine that re-resolves every cached name every few seconds.
// It is created lazily on first use through a small generic helper, Lazy[T].
//
// [hard]
//
// Concurrency: LookupHost is called from every proxied request's goroutine;
// right after startup hundreds of them call it at once. Shutdown calls
// CloseResolver once.
//
// BUG: Lazy[T].Get checks l.v.Load() for a stored value (atomic.Value) and,
// if none, runs the init callback and Stores the result. The presence check
// and the Store are separate, and the init callback runs in between, so
// every goroutine that arrives before the first Store runs init and Stores
// its own value, overwriting the others. The race is hidden behind the
// generic helper and the init closure passed to it.
//
// HARM: several resolvers are built; all but the last stored one are
// unreachable but never closed, so their refresh goroutines leak for the
// lifetime of the process and keep re-querying DNS forever for the names
// cached by the requests that used them. CloseResolver closes only the
// surviving one, so shutdown leaves them running.
package t11

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Lazy holds a value of type *T that is created on first use.
type Lazy[T any] struct {
	v atomic.Value
}

// Get returns the value, creating it with init if it does not exist yet.
func (l *Lazy[T]) Get(init func() *T) *T {
	if v := l.v.Load(); v != nil { // check
		return v.(*T)
	}
	t := init()  // slow; other goroutines pass the check meanwhile
	l.v.Store(t) // act: last writer wins, earlier values are orphaned
	return t
}

// Resolver caches host lookups and refreshes them in the background.
type Resolver struct {
	r    *net.Resolver
	mu   sync.RWMutex
	hits map[string][]string
	stop chan struct{}
}

func newResolver() *Resolver {
	res := &Resolver{
		r:    &net.Resolver{PreferGo: true},
		hits: make(map[string][]string),
		stop: make(chan struct{}),
	}
	go res.refreshLoop(5 * time.Second)
	return res
}

func (res *Resolver) refreshLoop(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-res.stop:
			return
		case <-t.C:
			res.mu.RLock()
			hosts := make([]string, 0, len(res.hits))
			for h := range res.hits {
				hosts = append(hosts, h)
			}
			res.mu.RUnlock()
			for _, h := range hosts {
				if addrs, err := res.r.LookupHost(context.Background(), h); err == nil {
					res.mu.Lock()
					res.hits[h] = addrs
					res.mu.Unlock()
				}
			}
		}
	}
}

// Close stops the refresh goroutine.
func (res *Resolver) Close() { close(res.stop) }

var resolver Lazy[Resolver]

// LookupHost resolves host through the shared caching resolver.
func LookupHost(ctx context.Context, host string) ([]string, error) {
	res := resolver.Get(newResolver)
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

// CloseResolver stops the shared resolver, if it was created.
func CloseResolver() {
	if v := resolver.v.Load(); v != nil {
		v.(*Resolver).Close()
	}
}
