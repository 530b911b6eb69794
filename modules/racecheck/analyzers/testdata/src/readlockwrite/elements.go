package readlockwrite

import "sync"

// Objects held in a container that the mutex guards: the element is shared
// by everyone who finds it there, so the container's lock guards it too.

// encoding and sender are pion/webrtc's trackEncoding and RTPSender before
// 3f017b42: configureRTXAndFEC clears each encoding's SSRCs under the read
// lock while Send sets them under the write lock.
type encoding struct {
	ssrc, ssrcRTX int
}

type sender struct {
	mu        sync.RWMutex
	encodings []*encoding
}

func (r *sender) Send(ssrcs []int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range r.encodings {
		e := r.encodings[i]
		e.ssrc = ssrcs[i]
		e.ssrcRTX = ssrcs[i] + 1
	}
}

func (r *sender) configureRTX(enabled bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, e := range r.encodings {
		if !enabled {
			e.ssrcRTX = 0 // want `e.ssrcRTX is written while only r.mu's read lock \(RLock on line 31\) is held: .* the package writes ssrcRTX in the elements of r.encodings with r.mu's write lock held \(line 26\)`
		}
	}
}

// item and memoryCache are beego's MemoryItem and MemoryCache before
// 39bd40e: Incr changes an item found in the map under the read lock, so
// concurrent increments of one key are lost. Nothing writes val under the
// write lock (Put stores a new item), but the map is written under it and
// an item has no lock of its own.
type item struct {
	val     any
	expires int64
}

type memoryCache struct {
	sync.RWMutex
	items map[string]*item
}

func (bc *memoryCache) Put(k string, v any) {
	bc.Lock()
	defer bc.Unlock()
	bc.items[k] = &item{val: v}
}

func (bc *memoryCache) Get(k string) any {
	bc.RLock()
	defer bc.RUnlock()
	if itm, ok := bc.items[k]; ok {
		return itm.val
	}
	return nil
}

func (bc *memoryCache) Incr(k string) bool {
	bc.RLock()
	defer bc.RUnlock()
	itm, ok := bc.items[k]
	if !ok {
		return false
	}
	switch v := itm.val.(type) {
	case int:
		itm.val = v + 1 // want `itm.val is written while only bc's read lock \(RLock on line 71\) is held: .* the package writes bc.items with bc's write lock held \(line 58\), and its elements have no lock of their own`
	case int64:
		itm.val = v + 1 // want `itm.val is written while only bc's read lock`
	default:
		return false
	}
	return true
}

// Incr2 takes the write lock, as beego's fix does.
func (bc *memoryCache) Incr2(k string) {
	bc.Lock()
	defer bc.Unlock()
	if itm, ok := bc.items[k]; ok {
		itm.expires++
	}
}

// slots are values in a slice: a write through an index reaches the shared
// backing array.
type hit struct{ n int }

type counters struct {
	mu    sync.RWMutex
	slots []hit
}

func (c *counters) Reset(i int) {
	c.mu.Lock()
	c.slots[i].n = 0
	c.mu.Unlock()
}

func (c *counters) Touch(i int) {
	c.mu.RLock()
	c.slots[i].n++ // want `c.slots\[i\].n is written while only c.mu's read lock`
	c.mu.RUnlock()
}

// Near-misses.

// A range over values copies each element: the write changes the copy.
func (c *counters) Sum() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	total := 0
	for _, h := range c.slots {
		h.n *= 2
		total += h.n
	}
	return total
}

// An element with a lock of its own, taken for the write.
type session struct {
	mu   sync.Mutex
	hits int
}

type sessions struct {
	mu  sync.RWMutex
	all map[string]*session
}

func (s *sessions) Add(k string) {
	s.mu.Lock()
	s.all[k] = &session{}
	s.mu.Unlock()
}

func (s *sessions) Hit(k string) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if e := s.all[k]; e != nil {
		e.mu.Lock()
		e.hits++
		e.mu.Unlock()
	}
}

// An element with a lock of its own that the write does not take is that
// lock's business, not the container's.
func (s *sessions) Reset(k string) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if e := s.all[k]; e != nil {
		e.hits = 0
	}
}

// The variable first holds an element, then a new object: what it writes
// is not known to be shared.
func (bc *memoryCache) Fresh(k string) *item {
	bc.RLock()
	defer bc.RUnlock()
	itm := bc.items[k]
	if itm == nil {
		itm = &item{}
	}
	itm.expires = 1
	return itm
}

// A container nothing writes under the lock: nothing says the lock guards
// what it holds.
type table struct {
	rows []*item

	mu sync.RWMutex
}

func newTable(n int) *table {
	t := &table{}
	for i := 0; i < n; i++ {
		t.rows = append(t.rows, &item{})
	}
	return t
}

func (t *table) Stamp(i int, now int64) {
	t.mu.RLock()
	r := t.rows[i]
	r.expires = now
	t.mu.RUnlock()
}
