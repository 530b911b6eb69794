// Package t13 keeps a bounded number of log-segment files open for a small
// append-only storage engine. SegmentCache is a classic LRU — a
// container/list for recency plus a map from segment name to list element —
// guarded by one sync.Mutex; evicted segments are closed. Reader goroutines
// (one per client read request) call Open, which consults the cache and, on
// a miss, opens the file and inserts it.
//
// BUG (check-then-act on an LRU built from container/list + map + Mutex,
// check and act in different methods) [hard]: the check is the miss from
// c.get(name) in Open, the act is c.add(name, seg), which assumes the key is
// absent and unconditionally PushFronts a new element and overwrites the map
// slot. Two readers missing on the same segment both open it and both add it:
// the list now holds two elements for one key and the map indexes only the
// second. When the stale element reaches the tail, evictOldest deletes the
// map entry for the key — the entry of the *live* element — leaving that one
// in the list but unreachable. Capacity is consumed by unindexed elements,
// later Opens miss and open yet another handle, and file descriptors pile up.
package t13

import (
	"container/list"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// Segment is an open, read-only segment file.
type Segment interface {
	io.ReaderAt
	io.Closer
}

type entry struct {
	name string
	seg  Segment
}

// SegmentCache is safe for concurrent use.
type SegmentCache struct {
	Dir string
	Max int

	mu    sync.Mutex
	ll    *list.List
	items map[string]*list.Element
}

// NewSegmentCache returns a cache that keeps at most max files open.
func NewSegmentCache(dir string, max int) *SegmentCache {
	return &SegmentCache{Dir: dir, Max: max, ll: list.New(), items: make(map[string]*list.Element)}
}

func (c *SegmentCache) get(name string) (Segment, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[name]; ok {
		c.ll.MoveToFront(el)
		return el.Value.(*entry).seg, true
	}
	return nil, false
}

// add inserts a segment that is not yet cached.
func (c *SegmentCache) add(name string, seg Segment) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items[name] = c.ll.PushFront(&entry{name: name, seg: seg})
	for c.ll.Len() > c.Max {
		c.evictOldest()
	}
}

func (c *SegmentCache) evictOldest() {
	el := c.ll.Back()
	if el == nil {
		return
	}
	c.ll.Remove(el)
	e := el.Value.(*entry)
	delete(c.items, e.name)
	e.seg.Close()
}

// Open returns a handle for the named segment.
func (c *SegmentCache) Open(name string) (Segment, error) {
	if seg, ok := c.get(name); ok {
		return seg, nil
	}
	f, err := os.Open(filepath.Join(c.Dir, name))
	if err != nil {
		return nil, err
	}
	c.add(name, f)
	return f, nil
}

// ReadAt serves a client read; called from many goroutines.
func (c *SegmentCache) ReadAt(name string, p []byte, off int64) (int, error) {
	seg, err := c.Open(name)
	if err != nil {
		return 0, err
	}
	return seg.ReadAt(p, off)
}
