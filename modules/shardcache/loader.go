package shardcache

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/raceproof/raceproof/modules/shardcache/internal/affinity"
)

// call is one load in flight; every GetOrLoad caller for the key waits on it.
type call[V any] struct {
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	val    V
	err    error
	// Guarded by the shard lock.
	waiters     int  // callers still waiting
	invalidated bool // a Set, Delete or Clear of the key happened after the load started
}

// PanicError is the error every GetOrLoad caller receives when the load
// function panics. The panic does not propagate as a panic: it is recovered
// in the goroutine that ran the load and delivered to all waiters as this
// error, and nothing is cached.
type PanicError struct {
	// Value is the value the load function passed to panic.
	Value any
	// Stack is the stack of the panicking goroutine.
	Stack []byte
}

// Error implements error.
func (e *PanicError) Error() string {
	return fmt.Sprintf("shardcache: load panicked: %v\n\n%s", e.Value, e.Stack)
}

// Unwrap returns the panic value if it is an error, so errors.Is and
// errors.As see through the panic.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// GetOrLoad returns the value for key, calling load to produce and store it
// on a miss.
//
// Concurrent GetOrLoad calls for the same missing key share one call of
// load (which runs in its own goroutine). Each caller waits only as long as
// its own ctx allows and then returns ctx.Err(); load's context carries the
// values of the first caller's ctx and is cancelled once every waiting caller
// has given up, or by Close. A successful result is returned to every waiter
// and stored with the default TTL unless a Set, Delete or Clear of the key
// happened after the load started, in which case the result is returned but
// not stored. An error is returned to every waiter and nothing is stored; a
// panic in load is returned as a *PanicError. After Close, a miss returns
// ErrClosed.
func (c *Cache[K, V]) GetOrLoad(ctx context.Context, key K, load func(ctx context.Context, key K) (V, error)) (V, error) {
	h := c.hash(key)
	s := c.shardFor(h)
	if e := s.find(key, h); e != nil && c.live(e) {
		c.recordHit(s, e)
		return e.loadValue(s.valueKind), nil
	}
	var zero V
	s.mu.Lock()
	if e := s.find(key, h); e != nil && c.live(e) {
		s.mu.Unlock()
		c.recordHit(s, e)
		return e.loadValue(s.valueKind), nil
	}
	c.misses[affinity.Hash()&uint32(len(c.misses)-1)].n.Add(1)
	if c.closed.Load() {
		s.mu.Unlock()
		return zero, ErrClosed
	}
	if err := ctx.Err(); err != nil {
		s.mu.Unlock()
		return zero, err
	}
	cl := s.calls[key]
	if cl != nil {
		cl.waiters++
		c.loads.waiters.Add(1)
	} else {
		lctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		cl = &call[V]{ctx: lctx, cancel: cancel, done: make(chan struct{}), waiters: 1}
		s.calls[key] = cl
		c.wg.Add(1)
		go c.runLoad(s, key, cl, load)
	}
	s.mu.Unlock()

	select {
	case <-cl.done:
		return cl.val, cl.err
	case <-ctx.Done():
	}
	s.mu.Lock()
	select {
	case <-cl.done:
		// The load finished while we were giving up; its result wins.
		s.mu.Unlock()
		return cl.val, cl.err
	default:
	}
	cl.waiters--
	if cl.waiters == 0 {
		// Nobody wants the result any more: stop the load and let the next
		// caller start afresh instead of joining a cancelled load.
		cl.cancel()
		if s.calls[key] == cl {
			delete(s.calls, key)
		}
	}
	s.mu.Unlock()
	return zero, ctx.Err()
}

// runLoad runs load in its own goroutine, so a waiter can leave on its own
// context without abandoning the others, and delivers the result.
func (c *Cache[K, V]) runLoad(s *shard[K, V], key K, cl *call[V], load func(context.Context, K) (V, error)) {
	defer c.wg.Done()
	start := time.Now()
	val, err := callLoad(cl.ctx, key, load)
	c.loads.observe(time.Since(start), err)
	cl.cancel()

	var w write[K, V]
	store := err == nil
	if store {
		w = write[K, V]{key: key, value: val, hash: c.hash(key), weight: 1}
		if c.weigher != nil {
			// A panicking Weigher must not crash the program from this
			// goroutine: it reaches the waiters like a panicking load.
			w.weight, err = callLoad(cl.ctx, key, func(context.Context, K) (uint32, error) {
				return c.weigher(key, val), nil
			})
			store = err == nil
		}
	}
	now := c.clock.now()
	if store && c.ttl > 0 {
		w.expireAt = now + c.ttl
		c.startReclaimer()
	}
	pend := c.pending()
	s.mu.Lock()
	if s.calls[key] == cl {
		delete(s.calls, key)
	}
	if store && !cl.invalidated {
		s.drainReads()
		s.put(w, now, false, pend)
	}
	cl.val, cl.err = val, err
	close(cl.done)
	s.mu.Unlock()
	c.release(pend)
}

// callLoad calls load, turning a panic into a *PanicError.
func callLoad[K comparable, V any](ctx context.Context, key K, load func(context.Context, K) (V, error)) (val V, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &PanicError{Value: r, Stack: debug.Stack()}
		}
	}()
	return load(ctx, key)
}
