package checkthenact

// Real check-then-act bugs from public bug reports, each next to its fixed
// version (which must stay quiet), plus near-misses their maintainers judged
// harmless. The shapes are rewritten from the reports, not copied.

import (
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// https://github.com/zhangyunhao116/skipmap/issues/1: the skip list's
// LoadOrStore was Load followed by Store; racing callers could both store
// and get different values back. Its Delete returns bool.
type skipMap struct {
	header *skipNode
	length int64
}

type skipNode struct {
	mu    sync.Mutex
	value atomic.Pointer[any]
}

func (s *skipMap) Load(key int64) (any, bool) { return nil, false }
func (s *skipMap) Store(key int64, v any)     {}
func (s *skipMap) Delete(key int64) bool      { return false }

func (s *skipMap) LoadOrStoreBug(key int64, value any) (actual any, loaded bool) {
	loadedval, ok := s.Load(key)
	if !ok {
		s.Store(key, value) // want `s.Store\(key\) after s.Load\(key\) on line 32 runs only when the check found no entry`
		return value, false
	}
	return loadedval, true
}

// The fix inserts under the node locks in one operation (here: one lock
// held across both steps).
func (s *skipMap) LoadOrStoreFixed(key int64, value any) (actual any, loaded bool) {
	s.header.mu.Lock()
	defer s.header.mu.Unlock()
	loadedval, ok := s.Load(key)
	if !ok {
		s.Store(key, value)
		return value, false
	}
	return loadedval, true
}

// https://github.com/orian/counters/pull/5: GetCounter moved from a mutex
// to sync.Map as Load, then Store of a new counter; the reviewer pointed
// out that two goroutines each get their own counter and one is lost.
type minImpl struct {
	name string
	v    int64
}

type counterBox struct{ min sync.Map }

func (c *counterBox) GetMinBug(name string) *minImpl {
	if value, ok := c.min.Load(name); ok {
		return value.(*minImpl)
	}
	v := &minImpl{name, math.MaxInt64}
	c.min.Store(name, v) // want `runs only when the check found no entry.* use LoadOrStore and the value it returns`
	return v
}

func (c *counterBox) GetMinFixed(name string) *minImpl {
	if value, ok := c.min.Load(name); ok {
		return value.(*minImpl)
	}
	value, _ := c.min.LoadOrStore(name, &minImpl{name, math.MaxInt64})
	return value.(*minImpl)
}

// https://github.com/SaveTheRbtz/generic-sync-map-go/issues/1: a map of
// per-component counters filled with Load-then-Store at both levels.
type countMap struct{ m sync.Map }

func (c *countMap) Load(k string) (int, bool) { return 0, false }
func (c *countMap) Store(k string, v int)     {}
func (c *countMap) LoadOrStore(k string, v int) (int, bool) {
	return 0, false
}

func countBug(m *sync.Map, component, url string) {
	if _, ok := m.Load(component); !ok {
		m.Store(component, new(countMap)) // want `runs only when the check found no entry`
	}
	apis, _ := m.Load(component)
	cm := apis.(*countMap)
	count, _ := cm.Load(url)
	cm.Store(url, count+1) // want `cm.Store\(url\) after cm.Load\(url\) .* stores a value computed from the loaded one`
}

func countFixed(m *sync.Map, component, url string) {
	apis, _ := m.LoadOrStore(component, new(countMap))
	cm := apis.(*countMap)
	cm.LoadOrStore(url, 0)
}

// https://github.com/valyala/fasthttp/pull/1145: a per-file lock taken from
// a sync.Map with Load, then Store of a new mutex; two goroutines could get
// different mutexes for the same file.
func fileLockBug(locks *sync.Map, path string) *sync.Mutex {
	v, exists := locks.Load(path)
	if !exists {
		lock := &sync.Mutex{}
		locks.Store(path, lock) // want `runs only when the check found no entry`
		return lock
	}
	return v.(*sync.Mutex)
}

func fileLockFixed(locks *sync.Map, path string) *sync.Mutex {
	v, _ := locks.LoadOrStore(path, &sync.Mutex{})
	return v.(*sync.Mutex)
}

// https://github.com/tendermint/tendermint/pull/7015 (and
// https://github.com/dashpay/tenderdash/pull/169): a mutex-guarded CMap
// checked with Has, then Set, before sending a request: two goroutines
// both send it. The fix added CMap.GetOrSet.
type cMap struct {
	m map[string]any
	l sync.Mutex
}

func (cm *cMap) Has(key string) bool       { return false }
func (cm *cMap) Get(key string) any        { return nil }
func (cm *cMap) Set(key string, value any) {}
func (cm *cMap) Delete(key string)         {}
func (cm *cMap) GetOrSet(key string, v any) (any, bool) {
	return nil, false
}

type peer interface {
	Send(ch byte, msg []byte) bool
}

type pexReactor struct{ requestsSent *cMap }

func (r *pexReactor) requestAddrsBug(id string, p peer) {
	if r.requestsSent.Has(id) {
		return
	}
	r.requestsSent.Set(id, struct{}{}) // want `r.requestsSent.Set\(id\) after r.requestsSent.Has\(id\) .* runs only when the check found no entry.* use GetOrSet and the value it returns`
	p.Send(0x00, nil)
}

func (r *pexReactor) requestAddrsFixed(id string, p peer) {
	if _, loaded := r.requestsSent.GetOrSet(id, struct{}{}); loaded {
		return
	}
	p.Send(0x00, nil)
}

// https://github.com/fabriziosalmi/caddy-mib/pull/13: per-IP error counts
// in a sync.Map incremented with Load then Store lost 786 of 10,000
// increments under load; the fix is a CompareAndSwap loop.
type errorTracker struct {
	count     int
	firstSeen time.Time
}

func trackErrorBug(m *sync.Map, ip string, now time.Time) {
	tracker := errorTracker{firstSeen: now}
	if v, ok := m.Load(ip); ok {
		tracker = v.(errorTracker)
	}
	tracker.count++
	m.Store(ip, tracker) // want `stores a value computed from the loaded one.* use a CompareAndSwap loop`
}

func trackErrorFixed(m *sync.Map, ip string, now time.Time) {
	for {
		v, loaded := m.LoadOrStore(ip, errorTracker{count: 1, firstSeen: now})
		if !loaded {
			return
		}
		old := v.(errorTracker)
		next := old
		next.count++
		if m.CompareAndSwap(ip, old, next) {
			return
		}
	}
}

// https://github.com/alphadose/haxmap/issues/18: Load, modify, Store on a
// lock-free hash map loses concurrent modifications; the fix added
// CompareAndSwap.
type haxMap[K comparable, V any] struct {
	count atomic.Uintptr
}

func (m *haxMap[K, V]) Get(key K) (V, bool)                   { var v V; return v, false }
func (m *haxMap[K, V]) Set(key K, value V)                    {}
func (m *haxMap[K, V]) Del(keys ...K)                         {}
func (m *haxMap[K, V]) CompareAndSwap(key K, old, new V) bool { return false }

type stats struct{ hits int }

func haxBug(m *haxMap[string, stats], k string) {
	value, _ := m.Get(k)
	value.hits++
	m.Set(k, value) // want `m.Set\(k\) after m.Get\(k\) .* stores a value computed from the loaded one.* use a CompareAndSwap loop`
}

func haxFixed(m *haxMap[string, stats], k string) {
	for {
		old, _ := m.Get(k)
		next := old
		next.hits++
		if m.CompareAndSwap(k, old, next) {
			return
		}
	}
}

// https://github.com/golang/go/issues/33762: Load, then Delete and use the
// value; another goroutine can do the same in between and both use it.
// LoadAndDelete was added for this.
func takeBug(m *sync.Map, key string, doSomething func(any)) {
	actual, ok := m.Load(key)
	if ok {
		m.Delete(key) // want `takes the loaded entry.* use LoadAndDelete`
		doSomething(actual)
	}
}

func takeFixed(m *sync.Map, key string, doSomething func(any)) {
	if actual, deleted := m.LoadAndDelete(key); deleted {
		doSomething(actual)
	}
}

// https://github.com/golang/go/issues/51972: debouncing abuse reports with
// Load, a time check, then Store; two workers both send a report. Swap was
// added for this.
func reportBug(lastReport *sync.Map, clientIP string, send func(string)) {
	last, has := lastReport.Load(clientIP)
	if has && time.Since(last.(time.Time)) < time.Hour {
		return
	}
	lastReport.Store(clientIP, time.Now()) // want `is decided by the loaded value.* use a CompareAndSwap loop`
	send(clientIP)
}

func reportFixed(lastReport *sync.Map, clientIP string, send func(string)) {
	last, has := lastReport.Swap(clientIP, time.Now())
	if has && time.Since(last.(time.Time)) < time.Hour {
		return
	}
	send(clientIP)
}

// https://github.com/lavanet/lava/pull/1688: "Fix all sync.Map uses": a
// per-chain consistency tracker created with Load, then Store.
type consumerConsistency struct {
	chainID string
	mu      sync.Mutex
}

func NewConsumerConsistency(chainID string) *consumerConsistency {
	return &consumerConsistency{chainID: chainID}
}

func consistencyBug(all *sync.Map, chainID string) *consumerConsistency {
	value, exists := all.Load(chainID)
	if !exists {
		cc := NewConsumerConsistency(chainID)
		all.Store(chainID, cc) // want `runs only when the check found no entry`
		return cc
	}
	return value.(*consumerConsistency)
}

func consistencyFixed(all *sync.Map, chainID string) *consumerConsistency {
	value, _ := all.LoadOrStore(chainID, NewConsumerConsistency(chainID))
	return value.(*consumerConsistency)
}

// The same pull request kept a descriptor cache as Load-then-Store: "on the
// worst case ... the same descriptor will be stored twice ... the outcome
// is the same". A value computed from the key alone stays quiet.
type descriptor struct{ name string }

func resolveDescriptor(method string) (descriptor, error) { return descriptor{method}, nil }

func descriptorCache(cache *sync.Map, method string) (descriptor, error) {
	if d, ok := cache.Load(method); ok {
		return d.(descriptor), nil
	}
	d, err := resolveDescriptor(method)
	if err != nil {
		return descriptor{}, err
	}
	cache.Store(method, d)
	return d, nil
}
