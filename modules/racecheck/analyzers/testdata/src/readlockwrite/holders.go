package readlockwrite

import (
	"container/list"
	"sync"
	"time"
)

// Objects held by the guarded object with no lock of their own: a map
// another variable aliases, an object in a field, what a chain of the
// package's lock-free methods writes.

// delta is castai/k8s-agent's Delta before c33b54b8 (PR #233): Add inserts
// into the active cache through a local alias under the read lock, while
// the flush swaps the caches under the write lock.
type deltaItem struct{ event int }

type delta struct {
	cacheActive map[string]*deltaItem
	cacheSpare  map[string]*deltaItem
	cacheLock   sync.RWMutex
}

func (d *delta) Add(key string, i *deltaItem) {
	d.cacheLock.RLock()
	defer d.cacheLock.RUnlock()
	cache := d.cacheActive
	if other, ok := cache[key]; ok && other.event == 0 {
		return
	}
	cache[key] = i // want `cache \(d.cacheActive\) is written while only d.cacheLock's read lock \(RLock on line 25\) is held: .* "concurrent map writes" .* the package writes d.cacheActive with d.cacheLock's write lock held \(line 38\)`
}

func (d *delta) swapCaches() map[string]*deltaItem {
	d.cacheLock.Lock()
	defer d.cacheLock.Unlock()
	cache := d.cacheActive
	d.cacheActive = d.cacheSpare
	d.cacheSpare = cache
	return cache
}

// addrBook is libp2p/go-libp2p-peerstore's memoryAddrBook before
// fd9ff6b2: Addrs deletes expired addresses from the peer's own map, an
// element of addrs, under the read lock.
type expiringAddr struct{ expires time.Time }

type addrBook struct {
	addrmu sync.RWMutex
	addrs  map[string]map[string]*expiringAddr
}

func (mab *addrBook) AddAddr(p, a string, exp time.Time) {
	mab.addrmu.Lock()
	defer mab.addrmu.Unlock()
	amap := mab.addrs[p]
	if amap == nil {
		amap = map[string]*expiringAddr{}
		mab.addrs[p] = amap
	}
	amap[a] = &expiringAddr{expires: exp}
}

func (mab *addrBook) Addrs(p string, now time.Time) []string {
	mab.addrmu.RLock()
	defer mab.addrmu.RUnlock()
	amap, found := mab.addrs[p]
	if !found {
		return nil
	}
	var good []string
	for k, m := range amap {
		if m.expires.After(now) {
			good = append(good, k)
		} else {
			delete(amap, k) // want `amap \(an element of mab.addrs\) is written while only mab.addrmu's read lock`
		}
	}
	return good
}

// innerCache and threadSafeLRU are k8s.io/utils' LRU before e663be76 (PR #216):
// the thread-safe cache's Get, under the read lock, calls the inner
// cache's Get, which moves the entry to the front of its list.
type innerCache struct {
	ll    *list.List
	items map[string]*list.Element
}

func (c *innerCache) Add(k string) {
	c.items[k] = c.ll.PushFront(k)
}

func (c *innerCache) Get(k string) bool {
	if e, ok := c.items[k]; ok {
		c.ll.MoveToFront(e)
		return true
	}
	return false
}

type threadSafeLRU struct {
	cache innerCache
	lock  sync.RWMutex
}

func (c *threadSafeLRU) Add(k string) {
	c.lock.Lock()
	defer c.lock.Unlock()
	c.cache.Add(k)
}

func (c *threadSafeLRU) Get(k string) bool {
	c.lock.RLock()
	defer c.lock.RUnlock()
	return c.cache.Get(k) // want `c.cache.ll is written by Get \(holders.go:96\) while only c.lock's read lock .* the package writes ll in c.cache with c.lock's write lock held \(line 110\)`
}

// taskTracker is temporal's taskTracker before b49458eb: trackTasks moves
// the window's start under the read lock, and advances the circular
// buffer the tracker holds. Writes in that buffer are the tracker's state,
// not an owner goroutine's.
type circularBuffer struct {
	counts   []int
	position int
}

func (b *circularBuffer) advance() {
	b.position = (b.position + 1) % len(b.counts)
	b.counts[b.position] = 0
}

type taskTracker struct {
	mutex             sync.RWMutex
	startIntervalTime time.Time
	interval          time.Duration
	tasksInInterval   *circularBuffer
}

func (s *taskTracker) trackTasks(now time.Time) {
	s.mutex.RLock()
	defer s.mutex.RUnlock()
	if n := int(now.Sub(s.startIntervalTime) / s.interval); n != 0 {
		for range n {
			s.tasksInInterval.advance()
		}
		s.startIntervalTime = s.startIntervalTime.Add(time.Duration(n) * s.interval) // want `s.startIntervalTime is written while only s.mutex's read lock .* declares it in the group of fields that follows mutex`
	}
}

// attrItem and attrCache are cloudfuse's attribute cache before PR #88:
// insert writes the tree through insertHelper, and CreateFile calls it
// under the read lock, while GetAttr does under the write lock.
type attrItem struct {
	children map[string]*attrItem
}

func (value *attrItem) insert(path string) *attrItem {
	return value.insertHelper(path)
}

func (value *attrItem) insertHelper(path string) *attrItem {
	if value.children == nil {
		value.children = map[string]*attrItem{}
	}
	item := &attrItem{}
	value.children[path] = item
	return item
}

type attrCache struct {
	cacheMap  *attrItem
	cacheLock sync.RWMutex
}

func (ac *attrCache) GetAttr(path string) {
	ac.cacheLock.Lock()
	defer ac.cacheLock.Unlock()
	ac.cacheMap.insert(path)
}

func (ac *attrCache) CreateFile(path string) {
	ac.cacheLock.RLock()
	defer ac.cacheLock.RUnlock()
	ac.cacheMap.insert(path) // want `ac.cacheMap.children is written by insert → insertHelper \(holders.go:164\) while only ac.cacheLock's read lock`
}

// Near-miss: pulsar-client-go's key-based batches, flushed by the
// producer's event loop, which alone adds to each batch. The batch is an
// element of a container written under the write lock, but nothing writes
// its fields with that lock held, and its own methods write them: no
// statement of the author's puts them under the container's lock.
type batch struct {
	numMessages int
}

func (b *batch) reset() { b.numMessages = 0 }

func (b *batch) Flush() int {
	n := b.numMessages
	b.reset()
	return n
}

type batches struct {
	l          sync.RWMutex
	containers map[string]*batch
}

func (bc *batches) add(k string) {
	bc.l.Lock()
	defer bc.l.Unlock()
	bc.containers[k] = &batch{}
}

func (bc *batches) FlushBatches() int {
	bc.l.RLock()
	defer bc.l.RUnlock()
	total := 0
	for _, c := range bc.containers {
		total += c.Flush()
	}
	return total
}
