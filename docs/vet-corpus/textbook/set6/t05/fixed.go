// Fix: tryAcquireFixed increments with a CompareAndSwap loop that refuses to
// move the count off zero, so a segment whose last reference is gone can never
// be pinned again.

package t05

import (
	"os"
	"sync"
	"sync/atomic"
)

// SegmentFixed is one immutable log file.
type SegmentFixed struct {
	path string
	f    *os.File
	refs atomic.Int32 // 1 held by the store + 1 per in-flight reader
}

func openSegmentFixed(path string) (*SegmentFixed, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	s := &SegmentFixed{path: path, f: f}
	s.refs.Store(1)
	return s, nil
}

// tryAcquireFixed pins the segment unless it has already been released for good.
func (s *SegmentFixed) tryAcquireFixed() bool {
	for {
		n := s.refs.Load()
		if n <= 0 {
			return false
		}
		if s.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

func (s *SegmentFixed) release() {
	if s.refs.Add(-1) == 0 {
		_ = s.f.Close()
		_ = os.Remove(s.path)
	}
}

// StoreFixed maps segment IDs to open segments.
type StoreFixed struct {
	mu       sync.RWMutex
	segments map[uint64]*SegmentFixed
}

// NewStoreFixed returns an empty store.
func NewStoreFixed() *StoreFixed { return &StoreFixed{segments: make(map[uint64]*SegmentFixed)} }

// Add opens path and registers it as segment id.
func (st *StoreFixed) Add(id uint64, path string) error {
	seg, err := openSegmentFixed(path)
	if err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.segments[id] = seg
	return nil
}

// ReadAt reads from segment id; called from request handlers.
func (st *StoreFixed) ReadAt(id uint64, p []byte, off int64) (int, error) {
	st.mu.RLock()
	seg := st.segments[id]
	st.mu.RUnlock()
	if seg == nil || !seg.tryAcquireFixed() {
		return 0, ErrSegmentGone
	}
	defer seg.release()
	return seg.f.ReadAt(p, off)
}

// Retire unregisters segment id; the file goes away when the last reader is done.
func (st *StoreFixed) Retire(id uint64) {
	st.mu.Lock()
	seg := st.segments[id]
	delete(st.segments, id)
	st.mu.Unlock()
	if seg != nil {
		seg.release()
	}
}
