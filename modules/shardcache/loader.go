package shardcache

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
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

// PanicError is the error that reports a recovered panic of a function the
// caller supplied: every GetOrLoad caller receives one when the load
// function (or the Weigher, on the value it loaded) panics, and Close
// returns one when OnRemove panicked on a background goroutine. The panic
// does not propagate as a panic, and nothing is cached.
type PanicError struct {
	// Func names the function that panicked: "load", "Weigher" or
	// "OnRemove".
	Func string
	// Value is the value passed to panic.
	Value any
	// Stack is the stack of the panicking goroutine.
	Stack []byte
}

func newPanicError(fn string, value any) *PanicError {
	return &PanicError{Func: fn, Value: value, Stack: debug.Stack()}
}

// Error returns a one-line message naming the function and the panic
// value; the stack is in the Stack field.
func (e *PanicError) Error() string {
	msg := fmt.Sprint(e.Value)
	msg = strings.Join(strings.Fields(msg), " ")
	return fmt.Sprintf("shardcache: %s panicked: %s", e.Func, msg)
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
// ErrClosed. A nil ctx, or on a miss a nil load or a key that is not equal
// to itself (NaN), returns an error wrapping ErrInvalidArgument; arguments
// are checked before any lock is taken.
func (c *Cache[K, V]) GetOrLoad(ctx context.Context, key K, load func(ctx context.Context, key K) (V, error)) (V, error) {
	var zero V
	if ctx == nil {
		return zero, fmt.Errorf("%w: GetOrLoad: nil ctx", ErrInvalidArgument)
	}
	h := c.hash(key)
	s := c.shardFor(h)
	if e := s.find(key, h); e != nil && c.live(e) {
		c.recordHit(s, h)
		return e.loadValue(s.valueKind), nil
	}
	switch {
	case load == nil:
		return zero, fmt.Errorf("%w: GetOrLoad: nil load function for a missing key", ErrInvalidArgument)
	case key != key:
		return zero, fmt.Errorf("%w: GetOrLoad: key is not equal to itself (NaN)", ErrInvalidArgument)
	}
	// The caller's ctx is consulted before the shard lock is taken, so a
	// context whose methods panic cannot leave the lock held.
	done := ctx.Done()
	if err := ctx.Err(); err != nil {
		c.misses[affinity.Hash()&uint32(len(c.misses)-1)].n.Add(1)
		return zero, err
	}
	s.mu.Lock()
	if e := s.find(key, h); e != nil && c.live(e) {
		s.mu.Unlock()
		c.recordHit(s, h)
		return e.loadValue(s.valueKind), nil
	}
	c.misses[affinity.Hash()&uint32(len(c.misses)-1)].n.Add(1)
	if c.closed.Load() {
		s.mu.Unlock()
		return zero, ErrClosed
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
		go c.runLoad(s, key, h, cl, load)
	}
	s.mu.Unlock()

	select {
	case <-cl.done:
		return cl.val, cl.err
	case <-done:
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
// context without abandoning the others, and delivers the result. Panics of
// load and the Weigher reach the waiters as a *PanicError; a panic of
// OnRemove, called here for the removals the store causes, is kept for
// Close.
func (c *Cache[K, V]) runLoad(s *shard[K, V], key K, h uint64, cl *call[V], load func(context.Context, K) (V, error)) {
	defer c.wg.Done()
	start := time.Now()
	val, err := protect("load", func() (V, error) { return load(cl.ctx, key) })
	c.loads.observe(time.Since(start), err)
	cl.cancel()

	var w write[K, V]
	store := err == nil
	if store {
		w = write[K, V]{key: key, value: val, hash: h, weight: 1}
		if c.weigher != nil {
			w.weight, err = protect("Weigher", func() (uint32, error) { return max(c.weigher(key, val), 1), nil })
			store = err == nil
		}
	}
	if store && c.ttl > 0 {
		c.startReclaimer()
	}
	now := c.now()
	if store && c.ttl > 0 {
		w.expireAt = expiry(now, c.ttl)
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
	c.background(func() { c.release(pend) })
}

// protect calls fn, turning a panic into a *PanicError naming what.
func protect[T any](what string, fn func() (T, error)) (val T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = newPanicError(what, r)
		}
	}()
	return fn()
}
