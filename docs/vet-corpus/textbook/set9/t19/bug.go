// Package t19 is a generic keyed connection cache used by an API gateway to
// keep one multiplexed backend connection per upstream address (the value
// type is any io.Closer, e.g. a gRPC-style client connection). Idle
// connections are closed by a janitor after idleTTL.
//
// [hard]
//
// Concurrency: Acquire/release are called from every proxied request's
// goroutine. Janitor runs on its own goroutine driven by a ticker and calls
// sweep, which walks the cache with the each helper and a closure, evicting
// via evict. Acquire increments the in-use count under the cache mutex.
//
// BUG: sweep's closure checks "inUse == 0 and idle longer than idleTTL" on a
// snapshot produced by each (the mutex is released before the closure runs),
// then calls p.evict, which takes the mutex again to delete and then closes
// the value. Between the idleness check and evict, a request can Acquire the
// same entry (incrementing inUse under the mutex) and start using it.
//
// HARM: the janitor closes a connection that a request has just checked out:
// the in-flight call fails with "use of closed network connection" and the
// gateway returns 502s for requests to a perfectly healthy upstream. The
// next Acquire for that key dials again, so under steady low traffic the
// errors recur on every sweep.
package t19

import (
	"context"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

type entry[V io.Closer] struct {
	v        V
	inUse    atomic.Int32
	lastUsed atomic.Int64 // unix nanos
}

// Pool caches one V per key K.
type Pool[K comparable, V io.Closer] struct {
	mu      sync.Mutex
	m       map[K]*entry[V]
	dial    func(K) (V, error)
	idleTTL time.Duration
}

// NewPool returns an empty pool.
func NewPool[K comparable, V io.Closer](dial func(K) (V, error), idleTTL time.Duration) *Pool[K, V] {
	return &Pool[K, V]{m: make(map[K]*entry[V]), dial: dial, idleTTL: idleTTL}
}

// Acquire returns the value for k and a release func. Dialling happens under
// the mutex so each key is dialled once.
func (p *Pool[K, V]) Acquire(k K) (V, func(), error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.m[k]
	if !ok {
		v, err := p.dial(k)
		if err != nil {
			var zero V
			return zero, nil, err
		}
		e = &entry[V]{v: v}
		e.lastUsed.Store(time.Now().UnixNano())
		p.m[k] = e
	}
	e.inUse.Add(1)
	release := func() {
		e.lastUsed.Store(time.Now().UnixNano())
		e.inUse.Add(-1)
	}
	return e.v, release, nil
}

// each calls fn for every entry of a snapshot taken under the mutex.
func (p *Pool[K, V]) each(fn func(k K, e *entry[V])) {
	p.mu.Lock()
	snap := make(map[K]*entry[V], len(p.m))
	for k, e := range p.m {
		snap[k] = e
	}
	p.mu.Unlock()
	for k, e := range snap {
		fn(k, e)
	}
}

// evict removes e from the pool (if still present) and closes it.
func (p *Pool[K, V]) evict(k K, e *entry[V]) {
	p.mu.Lock()
	if p.m[k] == e {
		delete(p.m, k)
	}
	p.mu.Unlock()
	e.v.Close()
}

func (p *Pool[K, V]) sweep(now time.Time) {
	p.each(func(k K, e *entry[V]) {
		idle := now.Sub(time.Unix(0, e.lastUsed.Load()))
		if e.inUse.Load() == 0 && idle > p.idleTTL { // check (no lock held)
			p.evict(k, e) // act: a request may have Acquired e meanwhile
		}
	})
}

// Janitor sweeps idle entries every interval until ctx is done.
func (p *Pool[K, V]) Janitor(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			p.sweep(now)
		}
	}
}
