package checkthenact

// A flag of an object loaded from a concurrent map, checked and set with
// plain reads and writes.

import (
	"sync"
	"sync/atomic"
	"time"
)

// valyala/fasthttp tcpdialer.go at 6d4db9b^ (fixed in 6d4db9b): the
// entry's pending flag lets one goroutine re-resolve an expired address;
// every goroutine that reads it false before the first sets it
// re-resolves.
type dnsEntry struct {
	addrs       []string
	resolveTime time.Time
	pending     bool
}

type dialer struct {
	addrs    sync.Map
	cacheFor time.Duration
}

func (d *dialer) lookup(addr string) []string {
	item, exist := d.addrs.Load(addr)
	e, ok := item.(*dnsEntry)
	if exist && ok && e != nil && !e.pending && time.Since(e.resolveTime) > d.cacheFor {
		e.pending = true // want `e.pending is set here after the condition on line 30 read it, on an object loaded from d.addrs, which every goroutine loading addr shares, with no lock held: two goroutines can both pass the check before either sets it`
		e = nil
	}
	if e == nil {
		// The refill is a check-then-act of its own (two misses both
		// resolve; debatable on fasthttp, docs/vet.md).
		e = &dnsEntry{addrs: resolve(addr), resolveTime: time.Now()}
		d.addrs.Store(addr, e) // want `d.addrs.Store\(addr\) after d.addrs.Load\(addr\) on line 28 is decided by the loaded value`
	}
	return e.addrs
}

func resolve(addr string) []string { return []string{addr} }

// A body that only resets the flag repeats nothing a second goroutine
// would not.
func (d *dialer) failed(addr string) {
	item, exist := d.addrs.Load(addr)
	e, ok := item.(*dnsEntry)
	if exist && ok && e != nil && e.pending {
		e.pending = false
	}
}

// The fix: the flag is an int32 swapped atomically.
type dnsEntryFixed struct {
	addrs       []string
	resolveTime time.Time
	pending     int32
}

type dialerFixed struct {
	addrs    sync.Map
	cacheFor time.Duration
}

func (d *dialerFixed) lookup(addr string) []string {
	item, _ := d.addrs.Load(addr)
	e, _ := item.(*dnsEntryFixed)
	if e != nil && time.Since(e.resolveTime) > d.cacheFor {
		if atomic.SwapInt32(&e.pending, 1) == 0 {
			e = nil
		}
	}
	if e == nil {
		return resolve(addr)
	}
	return e.addrs
}

// Near-miss: the object's own lock held across the check and the set.
type startEntry struct {
	mu      sync.Mutex
	started bool
}

type starter struct{ entries sync.Map }

func (s *starter) start(k string) bool {
	v, ok := s.entries.Load(k)
	if !ok {
		return false
	}
	e := v.(*startEntry)
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.started {
		e.started = true
		return true
	}
	return false
}
