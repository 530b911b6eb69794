// Package t07 implements a reference-counted block cache used by a
// log-storage query server. Decompressed blocks live in pooled []byte
// buffers; a block is handed to readers with a reference count and its
// buffer is returned to the sync.Pool when the last reader releases it.
//
// Concurrency: query goroutines (one per HTTP request, often many per
// block) call Cache.Acquire and Handle.Release; an eviction goroutine calls
// Cache.Evict when memory pressure is high, dropping the cache's own
// reference.
//
// BUG: Acquire looks up the block and checks refs > 0 (CHECK: "still alive")
// and then increments refs with a separate Add (ACT). Between the two, the
// last holder can Release, see refs drop to 0, and recycle the buffer.
// Acquire then increments 0 -> 1 and returns a block whose buffer has been
// put back in the pool.
//
// HARM: use-after-free of the buffer: the pool hands the same []byte to the
// decompressor for a different block (possibly another tenant's logs), so
// the query returns someone else's log lines, and the later Release
// recycles the buffer a second time (double free into the pool), corrupting
// two future blocks.
package t07

import (
	"sync"
	"sync/atomic"
)

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1<<20); return &b }}

// Block is one decompressed block.
type Block struct {
	ID   uint64
	buf  *[]byte
	refs atomic.Int32 // cache holds 1 while the block is cached
}

func (b *Block) Bytes() []byte { return *b.buf }

// Cache maps block IDs to live blocks.
type Cache struct {
	mu     sync.RWMutex
	blocks map[uint64]*Block
	load   func(id uint64, dst []byte) []byte // decompress block into dst
}

func NewCache(load func(uint64, []byte) []byte) *Cache {
	return &Cache{blocks: make(map[uint64]*Block), load: load}
}

// Acquire returns a referenced block, loading it if needed.
func (c *Cache) Acquire(id uint64) *Block {
	c.mu.RLock()
	b := c.blocks[id]
	c.mu.RUnlock()
	if b != nil && b.refs.Load() > 0 { // CHECK: still alive?
		b.refs.Add(1) // ACT: may resurrect a block freed meanwhile
		return b
	}
	return c.fill(id)
}

func (c *Cache) fill(id uint64) *Block {
	buf := bufPool.Get().(*[]byte)
	*buf = c.load(id, (*buf)[:0])
	nb := &Block{ID: id, buf: buf}
	nb.refs.Store(2) // one for the cache, one for the caller
	c.mu.Lock()
	old := c.blocks[id]
	c.blocks[id] = nb
	c.mu.Unlock()
	if old != nil {
		old.Release() // drop the cache's reference to the replaced block
	}
	return nb
}

// Release drops one reference and recycles the buffer at zero.
func (b *Block) Release() {
	if b.refs.Add(-1) == 0 {
		bufPool.Put(b.buf)
	}
}

// Evict removes a block from the cache; readers may still hold it.
func (c *Cache) Evict(id uint64) {
	c.mu.Lock()
	b := c.blocks[id]
	delete(c.blocks, id)
	c.mu.Unlock()
	if b != nil {
		b.Release()
	}
}
