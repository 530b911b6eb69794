package lockedmaps

import (
	"sync"
	"time"
)

// victorspringer/http-cache adapter/memory/memory.go at 176b5ec (fixed in
// http-cache#15): Set reads the store's size under the read lock, evicts
// one entry when it is full, and stores under the write lock; two Sets on
// a full cache both evict one and both store, or both find room for one,
// and the cache grows past its capacity.
type memoryAdapter struct {
	mutex    sync.RWMutex
	capacity int
	store    map[uint64][]byte
}

func (a *memoryAdapter) evict() {
	a.mutex.Lock()
	defer a.mutex.Unlock()
	for k := range a.store {
		delete(a.store, k)
		return
	}
}

func (a *memoryAdapter) Set(key uint64, response []byte, expiration time.Time) {
	a.mutex.RLock()
	length := len(a.store)
	a.mutex.RUnlock()

	if length > 0 && length == a.capacity {
		a.evict()
	}

	a.mutex.Lock()
	a.store[key] = response // want `a.store\[key\] = … after len\(a.store\) on line 30 is decided by the map's size, but is not atomic with it: another goroutine can insert in between, and a.store grows past the bound the check keeps; use one lock held across the size check, the eviction and the insert`
	a.mutex.Unlock()
}

// The fix: one critical section for the check, the eviction and the
// insert.
func (a *memoryAdapter) SetFixed(key uint64, response []byte, expiration time.Time) {
	a.mutex.Lock()
	defer a.mutex.Unlock()
	if len(a.store) > 0 && len(a.store) == a.capacity {
		for k := range a.store {
			delete(a.store, k)
			break
		}
	}
	a.store[key] = response
}

// coredns/coredns plugin/pkg/cache/shard.go at c928dbd (fixed in 031dfed,
// coredns#3013): a shard's Add asks its own locking Len, evicts when full,
// then stores.
type shard struct {
	sync.RWMutex
	items map[uint64]any
	size  int
}

func (s *shard) Len() int {
	s.RLock()
	l := len(s.items)
	s.RUnlock()
	return l
}

func (s *shard) Evict() {
	s.Lock()
	defer s.Unlock()
	for k := range s.items {
		delete(s.items, k)
		return
	}
}

func (s *shard) Add(key uint64, el any) {
	l := s.Len()
	if l+1 > s.size {
		s.Evict()
	}
	s.Lock()
	s.items[key] = el // want `s.items\[key\] = … after s.Len\(\) on line 82 is decided by the map's size`
	s.Unlock()
}

// Near-miss: the size looked at again under the write lock.
func (s *shard) AddRechecked(key uint64, el any) {
	if s.Len()+1 > s.size {
		s.Evict()
	}
	s.Lock()
	if len(s.items) < s.size {
		s.items[key] = el
	}
	s.Unlock()
}

// Near-miss: the size only logged, deciding nothing.
func (s *shard) AddLogged(key uint64, el any, log func(int)) {
	log(s.Len())
	s.Lock()
	s.items[key] = el
	s.Unlock()
}

// Near-miss: an emptiness test keeps no bound (nats-server's
// _checkForReverseEntry returns early when rrMap is empty, then updates
// an entry under the write lock).
func (s *shard) Replace(key uint64, el any) {
	s.RLock()
	if len(s.items) == 0 {
		s.RUnlock()
		return
	}
	s.RUnlock()
	s.Lock()
	s.items[key] = el
	s.Unlock()
}

// Near-miss: the size decides something else, neither refusing the
// insert nor evicting from the map (centrifugal/centrifuge's memory
// broker rebuilds its expiry queue when the queue outgrows the map).
type expiries struct {
	mu    sync.Mutex
	when  map[string]int64
	queue []string
}

func (e *expiries) Refresh(key string, at int64) {
	e.mu.Lock()
	if len(e.queue) > 2*len(e.when)+100 {
		e.queue = e.queue[:0]
	}
	e.mu.Unlock()
	e.mu.Lock()
	e.when[key] = at
	e.mu.Unlock()
}

// globalsign/mgo server.go at b5ab11f (fixed in 79e3b9e, mgo#284):
// the pool limit is checked under the server's lock, the lock released to
// dial, and the new socket appended under the lock taken again; every
// caller that passes the check while the dials are in flight adds one.
type mongoServer struct {
	sync.Mutex
	liveSockets   []*struct{}
	unusedSockets []*struct{}
	inFlight      int
}

func (s *mongoServer) dial() *struct{} { return &struct{}{} }

func (s *mongoServer) acquire(limit int) (*struct{}, bool) {
	s.Lock()
	if len(s.liveSockets)-len(s.unusedSockets) >= limit {
		s.Unlock()
		return nil, false
	}
	s.Unlock()
	sock := s.dial()
	s.Lock()
	s.liveSockets = append(s.liveSockets, sock) // want `s.liveSockets = append\(s.liveSockets, …\) after len\(s.liveSockets\) on line [0-9]+ is decided by s.liveSockets's length, but is not atomic with it: another goroutine can insert in between, and s.liveSockets grows past the bound the check keeps`
	s.Unlock()
	return sock, true
}

// The fix: a slot reserved under the lock of the check, counted by the
// bound.
func (s *mongoServer) acquireFixed(limit int) (*struct{}, bool) {
	s.Lock()
	if len(s.liveSockets)+s.inFlight-len(s.unusedSockets) >= limit {
		s.Unlock()
		return nil, false
	}
	s.inFlight++
	s.Unlock()
	sock := s.dial()
	s.Lock()
	s.inFlight--
	s.liveSockets = append(s.liveSockets, sock)
	s.Unlock()
	return sock, true
}
