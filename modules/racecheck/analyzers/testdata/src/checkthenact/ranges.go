package checkthenact

// Takes inside a Range: the entry Range hands over is a check that found
// the key, and a Delete of that key followed by a use of the value takes
// it, as Load then Delete does.

import (
	"io"
	"sync"
	"time"
)

type aheadBlock struct {
	lock  sync.Mutex
	key   string
	state uint32
}

type aheadCache struct {
	blocks sync.Map // key -> *aheadBlock
	free   chan struct{}
}

func (c *aheadCache) putBlock(key string, b *aheadBlock) { c.free <- struct{}{} }

// cubefs sdk/data/stream/stream_aheadread.go at b47bc52^ (fixed in
// b47bc52, "fix(client): fix putAheadReadBlock Blocking issue"): the
// timeout check and the eviction both range over blockCache, delete an
// idle block and give its token back. A block both find is given back
// twice, and the second put blocks on the full token channel.
func (c *aheadCache) checkTimeout() {
	c.blocks.Range(func(key, value any) bool {
		bv := value.(*aheadBlock)
		bv.lock.Lock()
		if bv.state == 0 {
			c.blocks.Delete(key.(string)) // want `c.blocks.Delete\(key.\(string\)\) in the function c.blocks.Range runs on line 32 takes the entry Range found, but is not atomic with it: another goroutine can take the same entry in between, and both use it; use LoadAndDelete and use the value it returns only when it reports loaded`
			bv.key = ""
			bv.lock.Unlock()
			c.putBlock(key.(string), bv)
		} else {
			bv.lock.Unlock()
		}
		return true
	})
}

func (c *aheadCache) evictAll() {
	c.blocks.Range(func(key, value any) bool {
		c.blocks.Delete(key) // want `takes the entry Range found`
		c.putBlock(key.(string), value.(*aheadBlock))
		return true
	})
}

// The fix: LoadAndDelete decides which goroutine gives the block back.
func (c *aheadCache) checkTimeoutFixed() {
	c.blocks.Range(func(key, value any) bool {
		bv := value.(*aheadBlock)
		bv.lock.Lock()
		idle := bv.state == 0
		bv.lock.Unlock()
		if !idle {
			return true
		}
		if actual, loaded := c.blocks.LoadAndDelete(key.(string)); loaded {
			c.putBlock(key.(string), actual.(*aheadBlock))
		}
		return true
	})
}

// Near-miss: a Delete whose value is not used afterwards only drops the
// entry, which is idempotent.
func (c *aheadCache) clearIdle() {
	c.blocks.Range(func(key, value any) bool {
		if value.(*aheadBlock).state == 0 {
			c.blocks.Delete(key)
		}
		return true
	})
}

// Near-miss: the value is only locked and its fields written after the
// Delete; nothing is handed on.
func (c *aheadCache) forget() {
	c.blocks.Range(func(key, value any) bool {
		bv := value.(*aheadBlock)
		c.blocks.Delete(key)
		bv.lock.Lock()
		bv.key = ""
		bv.lock.Unlock()
		return true
	})
}

// Near-miss: another key is deleted.
func (c *aheadCache) dropParent(parent string) {
	c.blocks.Range(func(key, value any) bool {
		c.blocks.Delete(parent)
		c.putBlock(parent, value.(*aheadBlock))
		return false
	})
}

// Near-miss: the whole Range runs under the lock every taker holds.
type lockedConns struct {
	mu    sync.Mutex
	conns sync.Map // addr -> io.Closer
}

func (p *lockedConns) drain() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conns.Range(func(k, v any) bool {
		p.conns.Delete(k)
		v.(io.Closer).Close()
		return true
	})
}

// A sweeper that one goroutine runs takes alone when nothing else
// deletes: not reported. The same sweeper next to a Remove that also
// takes closes an entry twice.
type sweeper struct {
	entries sync.Map // name -> io.Closer
}

func newSweeper() *sweeper {
	s := &sweeper{}
	go s.run()
	return s
}

func (s *sweeper) Add(name string, c io.Closer) { s.entries.Store(name, c) }

func (s *sweeper) run() {
	for range time.Tick(time.Second) {
		s.sweep()
	}
}

func (s *sweeper) sweep() {
	s.entries.Range(func(k, v any) bool {
		s.entries.Delete(k)
		v.(io.Closer).Close()
		return true
	})
}

type sharedSweeper struct {
	entries sync.Map // name -> io.Closer
}

func newSharedSweeper() *sharedSweeper {
	s := &sharedSweeper{}
	go s.run()
	return s
}

func (s *sharedSweeper) run() {
	for range time.Tick(time.Second) {
		s.sweep()
	}
}

func (s *sharedSweeper) sweep() {
	s.entries.Range(func(k, v any) bool {
		s.entries.Delete(k) // want `takes the entry Range found`
		v.(io.Closer).Close()
		return true
	})
}

func (s *sharedSweeper) Remove(name string) {
	if v, ok := s.entries.LoadAndDelete(name); ok {
		v.(io.Closer).Close()
	}
}

// Near-miss: an entry that is its own lock, locked after the Delete.
type lockedEntry struct {
	sync.Mutex
	gone bool
}

type entryTable struct {
	entries sync.Map // name -> *lockedEntry
}

func (t *entryTable) retire() {
	t.entries.Range(func(k, v any) bool {
		t.entries.Delete(k)
		e := v.(*lockedEntry)
		e.Lock()
		e.gone = true
		e.Unlock()
		return true
	})
}

// Near-miss: the container's own teardown empties the map and closes each
// value (kitex's MuxPool.Close at 72ad8a8db57e). A Clean racing with it
// can close a value twice, but only while the whole pool is shut down.
type muxPool struct {
	connMap sync.Map // address -> io.Closer
}

func (mp *muxPool) Close() error {
	mp.connMap.Range(func(addr, v any) bool {
		mp.connMap.Delete(addr)
		v.(io.Closer).Close()
		return true
	})
	return nil
}

func (mp *muxPool) Clean(address string) {
	if v, ok := mp.connMap.LoadAndDelete(address); ok {
		v.(io.Closer).Close()
	}
}

// Near-miss: the value is handed on in the other branch only (rocketmq's
// updateProcessQueueTable at 2173d070fd1b), never after the Delete.
func (c *aheadCache) dropOrKeep(keep func(*aheadBlock) bool) {
	c.blocks.Range(func(key, value any) bool {
		bv := value.(*aheadBlock)
		if bv.state == 0 {
			c.blocks.Delete(key)
		} else if keep(bv) {
			bv.state = 1
		}
		return true
	})
}

// Near-miss: a map local to a sequential function, used only by the
// function a Range of it runs (raceproof's own safemap test, which deletes
// and re-inserts every key while ranging). Range runs the literal before it
// returns, so capturing the map there does not let it escape.
func moveAll() {
	var m sync.Map
	for i := range 100 {
		m.Store(i, i)
	}
	moved := make(chan any, 100)
	m.Range(func(k, v any) bool {
		m.Delete(k)
		moved <- v
		return true
	})
}
