package t13

import (
	"container/list"
	"os"
	"path/filepath"
	"sync"
)

// SegmentCacheFixed is safe for concurrent use.
type SegmentCacheFixed struct {
	Dir string
	Max int

	mu    sync.Mutex
	ll    *list.List
	items map[string]*list.Element
}

// NewSegmentCacheFixed returns a cache that keeps at most max files open.
func NewSegmentCacheFixed(dir string, max int) *SegmentCacheFixed {
	return &SegmentCacheFixed{Dir: dir, Max: max, ll: list.New(), items: make(map[string]*list.Element)}
}

func (c *SegmentCacheFixed) get(name string) (Segment, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[name]; ok {
		c.ll.MoveToFront(el)
		return el.Value.(*entry).seg, true
	}
	return nil, false
}

// addOrGet re-checks for the key under the lock. If another goroutine won
// the race, the caller's freshly opened handle is closed and the cached one
// is returned, so each key has at most one list element.
func (c *SegmentCacheFixed) addOrGet(name string, seg Segment) Segment {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[name]; ok {
		c.ll.MoveToFront(el)
		seg.Close()
		return el.Value.(*entry).seg
	}
	c.items[name] = c.ll.PushFront(&entry{name: name, seg: seg})
	for c.ll.Len() > c.Max {
		el := c.ll.Back()
		c.ll.Remove(el)
		e := el.Value.(*entry)
		delete(c.items, e.name)
		e.seg.Close()
	}
	return seg
}

// Open returns a handle for the named segment.
func (c *SegmentCacheFixed) Open(name string) (Segment, error) {
	if seg, ok := c.get(name); ok {
		return seg, nil
	}
	f, err := os.Open(filepath.Join(c.Dir, name))
	if err != nil {
		return nil, err
	}
	return c.addOrGet(name, f), nil
}
