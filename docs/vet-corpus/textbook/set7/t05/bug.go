// Package t05 is the segment cache of the time-series query engine. Column
// segments are immutable files; an open segment is shared by all queries that
// read it and is reference counted: the cache holds one reference, every
// running query holds one, and the file is closed when the count hits zero.
//
// Concurrency: queries run in their own goroutines and call SegmentCache.Acquire;
// the compaction goroutine calls Evict when it replaces segments.
//
// BUG [hard] (reference-count resurrection): Acquire fetches the segment from
// the map and then calls the helper acquireRef through the refCounted
// interface, which checks r.live() (refs > 0) and then acts with r.retain()
// (refs++). Between the two, Evict can drop the cache's last reference, which
// brings refs to zero and closes the file; the query then increments the
// count of a dead segment back to one and reads from a closed file, and its
// later Release closes the file a second time.
//
// Harm: queries that overlap a compaction fail with "file already closed"
// (or read a descriptor number that has meanwhile been reused by another
// segment), returning errors or wrong data to dashboards.
package t05

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// ErrEvicted is returned when a segment disappeared while being acquired.
var ErrEvicted = errors.New("t05: segment evicted")

type refCounted interface {
	live() bool
	retain()
	Release()
}

// Segment is an open, immutable column file.
type Segment struct {
	Name string
	file *os.File
	refs atomic.Int32
}

func (s *Segment) live() bool { return s.refs.Load() > 0 }
func (s *Segment) retain()    { s.refs.Add(1) }

// Release drops one reference and closes the file on the last one.
func (s *Segment) Release() {
	if s.refs.Add(-1) == 0 {
		s.file.Close()
	}
}

// ReadAt reads column data at off.
func (s *Segment) ReadAt(p []byte, off int64) (int, error) { return s.file.ReadAt(p, off) }

// acquireRef takes a reference on r if it is still alive.
func acquireRef(r refCounted) bool {
	if !r.live() {
		return false
	}
	r.retain()
	return true
}

// SegmentCache keeps recently used segments open.
type SegmentCache struct {
	dir  string
	mu   sync.Mutex
	segs map[string]*Segment
}

// NewSegmentCache returns a cache over the segment directory dir.
func NewSegmentCache(dir string) *SegmentCache {
	return &SegmentCache{dir: dir, segs: make(map[string]*Segment)}
}

func (c *SegmentCache) openLocked(name string) (*Segment, error) {
	f, err := os.Open(filepath.Join(c.dir, name))
	if err != nil {
		return nil, fmt.Errorf("open segment %s: %w", name, err)
	}
	s := &Segment{Name: name, file: f}
	s.refs.Store(1) // the cache's reference
	c.segs[name] = s
	return s, nil
}

// Acquire returns the named segment with a reference held for the caller,
// who must call Release when done.
func (c *SegmentCache) Acquire(name string) (*Segment, error) {
	c.mu.Lock()
	s, ok := c.segs[name]
	if !ok {
		var err error
		if s, err = c.openLocked(name); err != nil {
			c.mu.Unlock()
			return nil, err
		}
	}
	c.mu.Unlock()

	if !acquireRef(s) {
		return nil, ErrEvicted
	}
	return s, nil
}

// Evict removes a segment replaced by compaction and drops the cache's
// reference; running queries keep it open until they Release it.
func (c *SegmentCache) Evict(name string) {
	c.mu.Lock()
	s, ok := c.segs[name]
	delete(c.segs, name)
	c.mu.Unlock()
	if ok {
		s.Release()
	}
}
