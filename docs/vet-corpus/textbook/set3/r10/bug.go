// Package r10 shares open segment files of a log-structured store between
// concurrent readers using reference counting.
//
// BUG (check-then-act on an atomic.Int32 reference count): Segment.Acquire
// loads refs, refuses if it is already zero (segment released), and
// otherwise increments it with a separate Add. Reader goroutines Acquire
// segments while the compaction goroutine drops the store's own reference
// (Release) for segments it has just merged away. If a reader loads
// refs == 1, then compaction's Release takes it to 0 and closes the file,
// then the reader's Add brings it back to 1 and Acquire reports success:
// the reader uses a closed *os.File ("file already closed" errors on a
// live query), and its later Release hits zero a second time and closes
// the file again.
package r10

import (
	"errors"
	"os"
	"sync"
	"sync/atomic"
)

var ErrSegmentGone = errors.New("segment: already released")

type Segment struct {
	path string
	f    *os.File
	refs atomic.Int32 // starts at 1: the store's own reference
}

func OpenSegment(path string) (*Segment, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	s := &Segment{path: path, f: f}
	s.refs.Store(1)
	return s, nil
}

// Acquire takes a reference for a reader; it fails once the segment has
// been released by its owner.
func (s *Segment) Acquire() bool {
	if s.refs.Load() <= 0 {
		return false
	}
	s.refs.Add(1)
	return true
}

// Release drops a reference and closes the file when the last one goes.
func (s *Segment) Release() {
	if s.refs.Add(-1) == 0 {
		_ = s.f.Close()
	}
}

// ReadAt reads from a segment the caller has acquired.
func (s *Segment) ReadAt(p []byte, off int64) (int, error) { return s.f.ReadAt(p, off) }

// Store is queried by many reader goroutines; compaction runs concurrently.
type Store struct {
	mu   sync.RWMutex
	segs []*Segment
}

func (st *Store) Read(i int, p []byte, off int64) (int, error) {
	st.mu.RLock()
	if i >= len(st.segs) {
		st.mu.RUnlock()
		return 0, ErrSegmentGone
	}
	seg := st.segs[i]
	st.mu.RUnlock()

	if !seg.Acquire() {
		return 0, ErrSegmentGone
	}
	defer seg.Release()
	return seg.ReadAt(p, off)
}

// Replace swaps in the compacted segment list and drops the store's
// references to the old segments.
func (st *Store) Replace(newSegs []*Segment) {
	st.mu.Lock()
	old := st.segs
	st.segs = newSegs
	st.mu.Unlock()
	for _, s := range old {
		s.Release()
	}
}
