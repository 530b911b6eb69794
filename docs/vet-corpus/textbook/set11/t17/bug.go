// Package t17 is the hot-message cache of a log-structured message broker in
// the style of NSQ / Kafka's page-cache path: recently produced messages are
// kept in reference-counted pooled buffers so that many consumers can be sent
// the same bytes without copying; when the last reference goes the buffer is
// returned to a sync.Pool and reused for a new message.
//
// Concurrency: the producer goroutine calls Cache.Put; one goroutine per
// consumer connection calls Cache.Acquire and Buffer.Release; the retention
// goroutine calls Cache.Evict. The index map is protected by c.mu; the
// reference count is an atomic.Int32.
//
// BUG: Acquire finds the buffer in the index, releases c.mu, and then calls
// b.retain(), which Loads refs, checks it is still positive, and then Adds 1.
// Between the Load and the Add, Evict and the last consumer's Release can
// drop the count to 0 and put the buffer back in the pool; the Add then
// resurrects it (0 -> 1).
// check: b.refs.Load() > 0 -> act: b.refs.Add(1).
//
// HARM: the consumer now holds a buffer that the pool has already handed to
// the producer for a different message: it streams another topic's (another
// tenant's) payload to its client, and its own Release later puts the buffer
// into the pool a second time, so two future messages share one buffer and
// corrupt each other.
package t17

import (
	"sync"
	"sync/atomic"
)

// Buffer is a pooled, reference-counted message body.
type Buffer struct {
	refs   atomic.Int32
	offset int64
	data   []byte
	pool   *sync.Pool
}

func (b *Buffer) Bytes() []byte { return b.data }

func (b *Buffer) retain() bool {
	if b.refs.Load() <= 0 {
		return false
	}
	b.refs.Add(1)
	return true
}

// Release drops one reference, recycling the buffer on the last one.
func (b *Buffer) Release() {
	switch n := b.refs.Add(-1); {
	case n == 0:
		b.data = b.data[:0]
		b.pool.Put(b)
	case n < 0:
		panic("t17: buffer released too many times")
	}
}

// Cache indexes the most recent messages by offset.
type Cache struct {
	pool sync.Pool

	mu     sync.Mutex
	byOff  map[int64]*Buffer
	oldest int64
	next   int64
	max    int
}

func NewCache(max int) *Cache {
	c := &Cache{byOff: make(map[int64]*Buffer), max: max}
	c.pool.New = func() any { return &Buffer{data: make([]byte, 0, 4096)} }
	return c
}

// Put copies payload into a pooled buffer and indexes it (the index holds one
// reference). Old messages beyond max are evicted.
func (c *Cache) Put(payload []byte) int64 {
	b := c.pool.Get().(*Buffer)
	b.pool = &c.pool
	b.data = append(b.data[:0], payload...)
	b.refs.Store(1)
	c.mu.Lock()
	off := c.next
	c.next++
	b.offset = off
	c.byOff[off] = b
	c.mu.Unlock()
	c.Evict()
	return off
}

// Acquire returns the buffer at offset with a reference the caller must
// Release, or nil if it is no longer cached (caller reads from disk).
func (c *Cache) Acquire(off int64) *Buffer {
	c.mu.Lock()
	b, ok := c.byOff[off]
	c.mu.Unlock()
	if !ok || !b.retain() {
		return nil
	}
	return b
}

// Evict drops the index's reference to messages beyond the retention limit.
func (c *Cache) Evict() {
	var victims []*Buffer
	c.mu.Lock()
	for int(c.next-c.oldest) > c.max {
		if b, ok := c.byOff[c.oldest]; ok {
			delete(c.byOff, c.oldest)
			victims = append(victims, b)
		}
		c.oldest++
	}
	c.mu.Unlock()
	for _, b := range victims {
		b.Release()
	}
}

// SendTo streams the message at off to w using the cache when possible.
func (c *Cache) SendTo(off int64, write func([]byte) error, fromDisk func(int64) ([]byte, error)) error {
	if b := c.Acquire(off); b != nil {
		defer b.Release()
		return write(b.Bytes())
	}
	data, err := fromDisk(off)
	if err != nil {
		return err
	}
	return write(data)
}
