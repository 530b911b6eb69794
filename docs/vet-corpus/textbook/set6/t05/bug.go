// Package t05 is the segment store of an append-only log service. Read
// requests (concurrent net/http handler goroutines) pin a segment file with a
// reference count while they read it; the background compaction goroutine
// retires old segments by dropping the store's own reference, and whoever
// drops the last reference closes and deletes the file. A reader that cannot
// pin a segment gets ErrSegmentGone and retries against the compacted one.
//
// BUG (Segment.tryAcquire: check = s.refs.Load() > 0 -> act = s.refs.Add(1)):
// between the load and the add, compaction's release can take the count from
// 1 to 0 and close the file. The reader then "resurrects" a dead segment
// (0 -> 1), reads from a closed, deleted file, and its own release closes and
// removes it a second time.
//
// Harm: reads that race with compaction fail with "file already closed"
// (HTTP 500) instead of taking the designed ErrSegmentGone retry path, so
// clients see spurious errors every time compaction runs.
package t05

import (
	"errors"
	"os"
	"sync"
	"sync/atomic"
)

// ErrSegmentGone tells the caller to re-resolve the segment and retry.
var ErrSegmentGone = errors.New("segment retired")

// Segment is one immutable log file.
type Segment struct {
	path string
	f    *os.File
	refs atomic.Int32 // 1 held by the store + 1 per in-flight reader
}

func openSegment(path string) (*Segment, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	s := &Segment{path: path, f: f}
	s.refs.Store(1)
	return s, nil
}

// tryAcquire pins the segment unless it has already been released for good.
func (s *Segment) tryAcquire() bool {
	if s.refs.Load() <= 0 {
		return false
	}
	s.refs.Add(1)
	return true
}

func (s *Segment) release() {
	if s.refs.Add(-1) == 0 {
		_ = s.f.Close()
		_ = os.Remove(s.path)
	}
}

// Store maps segment IDs to open segments.
type Store struct {
	mu       sync.RWMutex
	segments map[uint64]*Segment
}

// NewStore returns an empty store.
func NewStore() *Store { return &Store{segments: make(map[uint64]*Segment)} }

// Add opens path and registers it as segment id.
func (st *Store) Add(id uint64, path string) error {
	seg, err := openSegment(path)
	if err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.segments[id] = seg
	return nil
}

// ReadAt reads from segment id; called from request handlers.
func (st *Store) ReadAt(id uint64, p []byte, off int64) (int, error) {
	st.mu.RLock()
	seg := st.segments[id]
	st.mu.RUnlock()
	if seg == nil || !seg.tryAcquire() {
		return 0, ErrSegmentGone
	}
	defer seg.release()
	return seg.f.ReadAt(p, off)
}

// Retire unregisters segment id; called by the compactor once its records
// have been rewritten elsewhere. The file goes away when the last reader is done.
func (st *Store) Retire(id uint64) {
	st.mu.Lock()
	seg := st.segments[id]
	delete(st.segments, id)
	st.mu.Unlock()
	if seg != nil {
		seg.release()
	}
}
